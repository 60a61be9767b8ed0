import Dispatch
import Glibc
@testable import PortcullisHTTP
import Synchronization

/// A one-thread HTTP/1.1 server on 127.0.0.1 for the tests: each connection's request head is
/// recorded and answered with what `respond` returns (raw bytes), or left hanging when it returns nil.
final class LoopbackHTTPServer: @unchecked Sendable {
    let port: UInt16
    private let fd: Int32
    private let heads = Mutex<[String]>([])
    private let respond: @Sendable (String) -> [UInt8]?
    private let stopped = Atomic<Bool>(false)
    private let done = DispatchSemaphore(value: 0)

    init(respond: @escaping @Sendable (_ head: String) -> [UInt8]?) throws {
        self.respond = respond
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                bind(fd, sa, len) == 0 && listen(fd, 16) == 0 && getsockname(fd, sa, &len) == 0
            }
        }
        guard ok else {
            close(fd)
            throw POSIXFailure()
        }
        port = UInt16(bigEndian: addr.sin_port)
        DetachedThread.run { self.serve() }
    }

    struct POSIXFailure: Error {}

    var requestHeads: [String] { heads.withLock { $0 } }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    private func serve() {
        defer { done.signal() }
        var hanging: [Int32] = []
        while !stopped.load(ordering: .acquiring) {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 50) > 0 else { continue }
            let conn = accept(fd, nil, nil)
            guard conn >= 0 else { continue }
            var head: [UInt8] = []
            var buf = [UInt8](repeating: 0, count: 4096)
            while !head.ends(with: [13, 10, 13, 10]) {
                let n = read(conn, &buf, buf.count)
                if n <= 0 { break }
                head += buf[0..<n]
            }
            let text = String(decoding: head, as: UTF8.self)
            heads.withLock { $0.append(text) }
            if let answer = respond(text) {
                _ = answer.withUnsafeBytes { write(conn, $0.baseAddress, $0.count) }
                close(conn)
            } else {
                hanging.append(conn)
            }
        }
        for c in hanging { close(c) }
        close(fd)
    }

    func stop() {
        stopped.store(true, ordering: .releasing)
        done.wait()
    }

    static func response(_ status: String, headers: [String] = [], body: [UInt8] = []) -> [UInt8] {
        var head = "HTTP/1.1 \(status)\r\nConnection: close\r\n"
        for h in headers { head += h + "\r\n" }
        head += "Content-Length: \(body.count)\r\n\r\n"
        return Array(head.utf8) + body
    }
}

extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}
