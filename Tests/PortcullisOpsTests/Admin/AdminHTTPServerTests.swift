import Glibc
import Testing
@testable import PortcullisOps

@Suite struct AdminHTTPServerTests {
    /// Sends raw bytes to 127.0.0.1:port and returns everything the server wrote before closing.
    func exchange(_ port: UInt16, _ request: [UInt8]) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = port.bigEndian
        a.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &a) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(connected == 0)
        _ = request.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fd, &buf, buf.count)
            if n <= 0 { break }
            out += buf[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }

    func started(_ handler: @escaping AdminHTTPServer.Handler) async throws -> (AdminHTTPServer, Task<Void, any Error>, UInt16) {
        let server = AdminHTTPServer(address: ListenAddress(host: "127.0.0.1", port: 0), handler: handler)
        let task = Task { try await server.run() }
        for _ in 0..<500 where server.boundPort == nil { try await Task.sleep(for: .milliseconds(5)) }
        return (server, task, try #require(server.boundPort))
    }

    @Test func answersGetAndHeadAndClosesTheConnection() async throws {
        let (server, task, port) = try await started { method, path in
            AdminHTTPServer.Response(status: 200, contentType: "text/plain", body: Array("\(method) \(path)".utf8))
        }
        let get = try exchange(port, Array("GET /healthz?x=1 HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
        #expect(get.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(get.contains("Content-Length: 12\r\n"))
        #expect(get.contains("Connection: close\r\n"))
        #expect(get.hasSuffix("\r\n\r\nGET /healthz"))
        let head = try exchange(port, Array("HEAD /metrics HTTP/1.0\r\n\r\n".utf8))
        #expect(head.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(head.contains("Content-Length: 13\r\n"))
        #expect(head.hasSuffix("\r\n\r\n"))  // no body for HEAD
        await server.stop()
        try await task.value  // run() returns after stop()
    }

    @Test func malformedAndOversizedRequestsAreRefused() async throws {
        let (server, _, port) = try await started { _, _ in AdminHTTPServer.Response(status: 200, contentType: "text/plain", body: []) }
        #expect(try exchange(port, Array("NONSENSE\r\n\r\n".utf8)).hasPrefix("HTTP/1.1 400 "))
        #expect(try exchange(port, Array("GET / SPDY/3\r\n\r\n".utf8)).hasPrefix("HTTP/1.1 400 "))
        let huge = Array("GET / HTTP/1.1\r\nX: ".utf8) + [UInt8](repeating: 65, count: 20_000)
        #expect(try exchange(port, huge).hasPrefix("HTTP/1.1 431 "))
        // A client that connects and says nothing does not block the next one.
        let idle = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(idle) }
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = port.bigEndian
        a.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &a) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(idle, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        #expect(try exchange(port, Array("GET / HTTP/1.1\r\n\r\n".utf8)).hasPrefix("HTTP/1.1 200 "))
        await server.stop()
    }

    @Test func anAddressInUseIsAConfigurationError() async throws {
        let (first, _, port) = try await started { _, _ in AdminHTTPServer.Response(status: 200, contentType: "text/plain", body: []) }
        defer { Task { await first.stop() } }
        let admin = try AdminServer(
            address: ListenAddress(host: "127.0.0.1", port: port), metrics: OpsMetrics(), readiness: { .ready },
            bundle: { .init(metadata: nil, lastRefresh: nil, lastFailure: nil) })
        _ = admin.start()
        await #expect(throws: ConfigurationError.self) { try await admin.waitUntilListening(timeout: 2) }
    }

    @Test func adminRoutesRefuseOtherMethodsAndPaths() {
        let routes = AdminRoutes(metrics: OpsMetrics(), readiness: { .ready }, bundle: { .init(metadata: nil, lastRefresh: nil, lastFailure: nil) })
        #expect(routes.respond(method: "POST", path: "/healthz").status == 405)
        #expect(routes.respond(method: "GET", path: "/nope").status == 404)
        #expect(routes.respond(method: "HEAD", path: "/healthz").status == 200)
    }
}
