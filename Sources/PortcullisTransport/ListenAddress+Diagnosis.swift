#if canImport(Glibc)
import Glibc
#endif

extension ListenAddress {
    /// The C core replaces a unix socket file it finds in the way, even one a live
    /// server still listens on. Refuse that case up front, as a TCP port would be.
    func checkNotInUse() throws(TransportError) {
        guard case .unix(let path) = self else { return }
        var st = stat()
        guard stat(path, &st) == 0 else { return }
        if (st.st_mode & S_IFMT) != S_IFSOCK {
            throw .bindFailed(address: coreAddress, reason: "a file that is not a socket is in the way")
        }
        if ListenAddress.unixSocketAccepts(path) {
            throw .bindFailed(address: coreAddress, reason: "Address already in use")
        }
    }

    /// Why the core could not bind, found by trying the same bind once more ourselves.
    func bindFailureReason() -> String {
        switch self {
        case .unix(let path):
            let dir = path.contains("/") ? String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)]) : "."
            if !dir.isEmpty, access(dir, W_OK) != 0 { return String(cString: strerror(errno)) }
            return "refused by the gRPC core"
        case .tcp(let host, let port):
            return ListenAddress.tcpBindError(host: host, port: port) ?? "refused by the gRPC core"
        }
    }

    private static func unixSocketAccepts(_ path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in bytes.prefix(raw.count - 1).enumerated() { raw[i] = b }
        }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return rc == 0
    }

    private static func tcpBindError(host: String, port: Int) -> String? {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else { return rc == 0 ? nil : String(cString: gai_strerror(rc)) }
        defer { freeaddrinfo(first) }
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let ai = cursor {
            let fd = socket(ai.pointee.ai_family, ai.pointee.ai_socktype, ai.pointee.ai_protocol)
            if fd >= 0 {
                var one: Int32 = 1
                setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
                let bound = bind(fd, ai.pointee.ai_addr, ai.pointee.ai_addrlen)
                let err = errno
                close(fd)
                if bound != 0 { return String(cString: strerror(err)) }
            }
            cursor = ai.pointee.ai_next
        }
        return nil
    }
}
