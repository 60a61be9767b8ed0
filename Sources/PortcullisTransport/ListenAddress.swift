#if canImport(Glibc)
import Glibc
#endif

/// A listen address, checked before it reaches the C core.
enum ListenAddress: Sendable, Hashable {
    case tcp(host: String, port: Int)
    case unix(path: String)

    /// Parses `host:port`, `[v6]:port`, `unix:/path` or `unix:path`.
    init(parsing text: String) throws(TransportError) {
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst(5))
            if path.isEmpty { throw .invalidAddress(text, reason: "empty socket path") }
            if path.utf8.count > 107 { throw .invalidAddress(text, reason: "socket path longer than 107 bytes") }
            if path.utf8.contains(0) { throw .invalidAddress(text, reason: "NUL in socket path") }
            self = .unix(path: path)
            return
        }
        guard let colon = text.lastIndex(of: ":") else {
            throw .invalidAddress(text, reason: "expected host:port or unix:/path")
        }
        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy(\.isASCIIDigit),
              let port = Int(portText), port <= 65535
        else { throw .invalidAddress(text, reason: "port must be a number 0...65535") }
        if host.hasPrefix("[") {
            guard host.hasSuffix("]"), host.count > 2 else { throw .invalidAddress(text, reason: "unbalanced brackets") }
            host = String(host.dropFirst().dropLast())
            guard host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                throw .invalidAddress(text, reason: "not an IPv6 address")
            }
        } else {
            guard !host.isEmpty else { throw .invalidAddress(text, reason: "missing host") }
            guard host.allSatisfy({ $0.isASCIIAlnum || $0 == "." || $0 == "-" }) else {
                throw .invalidAddress(text, reason: "not a host name or IPv4 address")
            }
        }
        self = .tcp(host: host, port: port)
    }

    /// The address as the C core expects it.
    var coreAddress: String {
        switch self {
        case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unix(let path): "unix:\(path)"
        }
    }

    /// The address with the port the core actually bound.
    func bound(port: Int) -> String {
        switch self {
        case .tcp(let host, _): ListenAddress.tcp(host: host, port: port).coreAddress
        case .unix: coreAddress
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
    var isASCIIAlnum: Bool { isASCII && (isLetter || isNumber) }
}
