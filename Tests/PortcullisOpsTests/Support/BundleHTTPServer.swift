import Foundation

/// A static bundle server on loopback (Python), answering `If-None-Match` with 304 and logging statuses.
final class BundleHTTPServer {
    static let script = #"""
import sys, os, hashlib, http.server
root, portfile, logfile = sys.argv[1], sys.argv[2], sys.argv[3]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        # The status is logged before it is sent: a client that got an answer finds it in the log.
        p = os.path.join(root, self.path.lstrip("/").split("?")[0])
        data = open(p, "rb").read() if os.path.isfile(p) else None
        tag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"' if data is not None else None
        status = 404 if data is None else (304 if self.headers.get("If-None-Match") == tag else 200)
        with open(logfile, "a") as f: f.write("%s %d\n" % (self.path, status))
        self.send_response(status)
        if tag: self.send_header("ETag", tag)
        if status == 200:
            self.send_header("Content-Length", str(len(data))); self.end_headers(); self.wfile.write(data)
        else:
            self.end_headers()
    def log_message(self, *a): pass
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
open(portfile + ".tmp", "w").write(str(s.server_address[1])); os.rename(portfile + ".tmp", portfile)
s.serve_forever()
"""#

    let process = Process()
    let port: Int
    let logPath: String

    /// Serves the files of `root`.
    init(root: String, scratch: Scratch) throws {
        let portFile = scratch.path + "/port-\(UUID().uuidString)"
        logPath = scratch.path + "/http-\(UUID().uuidString).log"
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.script, root, portFile, logPath]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var found: Int?
        for _ in 0..<100 {
            if let text = Scratch.read(portFile), let p = Int(text) {
                found = p
                break
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        guard let found else {
            process.terminate()
            throw ToolFailure(message: "bundle HTTP server did not start")
        }
        port = found
    }

    deinit { stop() }

    func stop() {
        // SIGKILL: the test runner's children may inherit an ignored SIGTERM.
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)/\(path)" }

    /// The HTTP statuses served, in order.
    var statuses: [Int] {
        (Scratch.read(logPath) ?? "").split(separator: "\n").compactMap { $0.split(separator: " ").last.flatMap { Int($0) } }
    }
}
