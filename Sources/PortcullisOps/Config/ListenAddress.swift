/// A `host:port` to listen on, as given to `--admin` (or `--listen`).
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    /// An IPv4 or IPv6 literal (`localhost` becomes `127.0.0.1`, an empty host `0.0.0.0`).
    public var host: String
    public var port: UInt16
    public var isIPv6: Bool { host.contains(":") }

    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    public var description: String { isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Parses `127.0.0.1:9192`, `[::1]:9192`, `:9192` or `localhost:9192`; `option` names the flag in the error.
    public static func parse(_ text: String, option: String = "--admin") throws(ConfigurationError) -> ListenAddress {
        let bad = ConfigurationError("\(option): \(text.isEmpty ? "empty address" : "'\(text)'") is not host:port (e.g. 127.0.0.1:9192)")
        var host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw bad }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw bad }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":"), text.firstIndex(of: ":") == colon else { throw bad }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard let port = UInt16(portText) else { throw bad }
        if host.isEmpty { host = "0.0.0.0" }
        if host == "localhost" { host = "127.0.0.1" }
        let h = String(host)
        if h.contains(":") {
            guard h.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { throw bad }
        } else {
            let parts = h.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4, parts.allSatisfy({ UInt8($0) != nil }) else {
                throw ConfigurationError("\(option): '\(h)' is not an IP address (use an IPv4/IPv6 literal or localhost)")
            }
        }
        return ListenAddress(host: h, port: port)
    }
}
