#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import PortcullisHTTP
import Synchronization

/// The few bytes of HTTP/1.1 the admin endpoint needs: GET/HEAD on a path, one request per
/// connection (`Connection: close`), answered by a synchronous handler. An accept thread polls
/// the listening socket; each connection is served on a thread of its own (at most
/// `maxConnections` at once, later ones are closed at once) with 10-second socket timeouts, so
/// a slow client never holds up a health probe.
final class AdminHTTPServer: Sendable {
    struct Response: Sendable {
        var status: Int
        var contentType: String
        var body: [UInt8]
    }

    typealias Handler = @Sendable (_ method: String, _ path: String) -> Response

    static let maxConnections = 16
    static let maxHeadBytes = 16 << 10

    let address: ListenAddress
    private let handler: Handler
    private let state = Mutex<State>(State())
    private let stopping = Atomic<Bool>(false)
    private let active = Atomic<Int>(0)

    private struct State {
        var started = false
        var fd: Int32 = -1
        var port: UInt16?
        var failure: String?
        var acceptLoopDone = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    init(address: ListenAddress, handler: @escaping Handler) {
        self.address = address
        self.handler = handler
    }

    var boundPort: UInt16? { state.withLock { $0.port } }
    var failure: String? { state.withLock { $0.failure } }

    /// Binds and starts the accept thread, once (later calls repeat the first outcome). Synchronous,
    /// so that listening never waits for a free thread of the Swift concurrency pool.
    func listen() throws(ConfigurationError) {
        let started = state.withLock { s -> (Bool, String?) in
            if s.started { return (true, s.failure) }
            s.started = true
            return (false, nil)
        }
        if started.0 {
            if let failure = started.1 { throw ConfigurationError(failure) }
            return
        }
        let fd: Int32
        do throws(ConfigurationError) {
            fd = try openSocket()
        } catch {
            state.withLock { $0.failure = error.description; $0.acceptLoopDone = true }
            throw error
        }
        state.withLock { $0.fd = fd }
        DetachedThread.run { self.acceptLoop(fd) }
    }

    /// Listens (if not yet) and serves until `stop()` or cancellation; throws when the address cannot be used.
    func run() async throws(ConfigurationError) {
        try listen()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let finished = state.withLock { s -> Bool in
                    if s.acceptLoopDone { return true }
                    s.waiters.append(c)
                    return false
                }
                if finished { c.resume() }
            }
        } onCancel: {
            stopping.store(true, ordering: .releasing)
        }
    }

    /// Stops accepting; `run()` returns once the accept thread has closed the socket.
    func stop() async {
        stopping.store(true, ordering: .releasing)
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let finished = state.withLock { s -> Bool in
                if s.acceptLoopDone || !s.started { return true }
                s.waiters.append(c)
                return false
            }
            if finished { c.resume() }
        }
    }

    private func openSocket() throws(ConfigurationError) -> Int32 {
        let family = address.isIPv6 ? AF_INET6 : AF_INET
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ConfigurationError("--admin: cannot create a socket: \(Self.lastError())") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var storage = sockaddr_storage()
        var length: socklen_t
        var valid: Bool
        if address.isIPv6 {
            var a = sockaddr_in6()
            a.sin6_family = sa_family_t(AF_INET6)
            a.sin6_port = address.port.bigEndian
            valid = inet_pton(AF_INET6, address.host, &a.sin6_addr) == 1
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            withUnsafeBytes(of: a) { src in withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: src) } }
        } else {
            var a = sockaddr_in()
            a.sin_family = sa_family_t(AF_INET)
            a.sin_port = address.port.bigEndian
            valid = inet_pton(AF_INET, address.host, &a.sin_addr) == 1
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
            withUnsafeBytes(of: a) { src in withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: src) } }
        }
        guard valid else {
            close(fd)
            throw ConfigurationError("--admin: cannot use address \(address)")
        }
        let bound = withUnsafeMutablePointer(to: &storage) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa -> Bool in
                guard bind(fd, sa, length) == 0, SwiftGlibc.listen(fd, 64) == 0 else { return false }
                var actual = length
                return getsockname(fd, sa, &actual) == 0
            }
        }
        guard bound else {
            let why = Self.lastError()
            close(fd)
            throw ConfigurationError("--admin \(address): \(why)")
        }
        let port = withUnsafeBytes(of: storage) { raw -> UInt16 in
            // sin_port and sin6_port are both at offset 2.
            UInt16(bigEndian: raw.load(fromByteOffset: 2, as: UInt16.self))
        }
        state.withLock { $0.port = port }
        return fd
    }

    private func acceptLoop(_ fd: Int32) {
        while !stopping.load(ordering: .acquiring) {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 100) > 0 else { continue }
            let conn = accept(fd, nil, nil)
            guard conn >= 0 else { continue }
            guard active.wrappingAdd(1, ordering: .acquiringAndReleasing).newValue <= Self.maxConnections else {
                active.wrappingSubtract(1, ordering: .acquiringAndReleasing)
                close(conn)
                continue
            }
            DetachedThread.run {
                self.serve(conn)
                close(conn)
                self.active.wrappingSubtract(1, ordering: .acquiringAndReleasing)
            }
        }
        close(fd)
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.acceptLoopDone = true
            s.fd = -1
            defer { s.waiters.removeAll() }
            return s.waiters
        }
        for w in waiters { w.resume() }
    }

    private func serve(_ conn: Int32) {
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(conn, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var head: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Self.headEnd(head) == nil {
            guard head.count < Self.maxHeadBytes else {
                send(conn, Response(status: 431, contentType: "text/plain; charset=utf-8", body: Array("request header too large\n".utf8)), head: false)
                return
            }
            let n = read(conn, &buffer, buffer.count)
            guard n > 0 else { return }
            head += buffer[0..<n]
        }
        let requestLine = head.prefix { $0 != 13 && $0 != 10 }
        let parts = requestLine.split(separator: 32, omittingEmptySubsequences: true)
        guard parts.count == 3, parts[2].starts(with: Array("HTTP/1.".utf8)) else {
            send(conn, Response(status: 400, contentType: "text/plain; charset=utf-8", body: Array("bad request\n".utf8)), head: false)
            return
        }
        let method = String(decoding: parts[0], as: UTF8.self)
        let target = parts[1]
        let path = String(decoding: target.prefix { $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "#") }, as: UTF8.self)
        send(conn, handler(method, path), head: method == "HEAD")
    }

    private static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 0...(bytes.count - 4) where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 {
            return i
        }
        return nil
    }

    private func send(_ conn: Int32, _ r: Response, head: Bool) {
        var text = "HTTP/1.1 \(r.status) \(Self.reason(r.status))\r\n"
        text += "Content-Type: \(r.contentType)\r\nContent-Length: \(r.body.count)\r\nConnection: close\r\n\r\n"
        var out = Array(text.utf8)
        if !head { out += r.body }
        var sent = 0
        while sent < out.count {
            let n = out.withUnsafeBytes { write(conn, $0.baseAddress! + sent, $0.count - sent) }
            guard n > 0 else { return }
            sent += n
        }
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 400: return "Bad Request"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 431: return "Request Header Fields Too Large"
        case 503: return "Service Unavailable"
        default: return "Status"
        }
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
