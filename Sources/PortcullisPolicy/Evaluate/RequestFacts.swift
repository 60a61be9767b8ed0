import CELSupport
import PortcullisModel

/// The request attributes the index and the `from`/`to` matchers read, each computed at most once per decision
/// and only when something reads it. Used by one decision on one thread, so the values computed on demand skip the
/// run-time exclusivity checks.
final class RequestFacts {
    let request: AuthzRequest
    let method: String
    /// Lower-cased, without a port.
    let host: String
    /// The path without its query string.
    let urlPath: Substring
    let port: UInt32
    /// The HTTP headers (empty without HTTP attributes), held apart so that reading them does not copy the
    /// request's whole `HTTPRequestInfo`.
    let headerFields: [HTTPHeaders.Field]
    let hasHTTP: Bool
    @exclusivity(unchecked) private var computedSource: PeerFacts?
    @exclusivity(unchecked) private var computedDestination: PeerFacts?
    @exclusivity(unchecked) private var computedSourceIP: IPAddress??
    @exclusivity(unchecked) private var computedPortText: String?

    var source: PeerFacts {
        if let known = computedSource { return known }
        let facts = PeerFacts(principal: request.source.principal)
        computedSource = facts
        return facts
    }

    var destination: PeerFacts {
        if let known = computedDestination { return known }
        let facts = PeerFacts(principal: request.destination.principal)
        computedDestination = facts
        return facts
    }

    var sourceIP: IPAddress? {
        if let known = computedSourceIP { return known }
        let ip = IPAddress.parse(request.source.address)
        computedSourceIP = .some(ip)
        return ip
    }

    var portText: String {
        if let known = computedPortText { return known }
        let text = String(port)
        computedPortText = text
        return text
    }

    init(_ request: AuthzRequest) {
        self.request = request
        // Read through the request's borrowing accessors: `let http = request.http` would copy every field.
        let m = request.http?.method ?? ""
        method = Self.isUpperCase(m) ? m : m.uppercased()
        host = Self.normalizeHost(request.http?.host ?? "")
        if let path = request.http?.path { urlPath = Self.urlPath(path) } else { urlPath = "" }
        port = request.destination.port
        headerFields = request.http?.headers.fields ?? []
        hasHTTP = request.http?.size != nil  // (`request.http != nil` would copy the HTTP part)
    }

    private static func isUpperCase(_ method: String) -> Bool {
        var m = method
        return m.withUTF8 { !$0.contains { $0 >= 0x61 && $0 <= 0x7a } }
    }

    /// `Example.COM:8443` → `example.com`; `[::1]:80` → `::1`. Works on UTF-8 bytes; a host that needs no change
    /// is returned as it is.
    static func normalizeHost(_ raw: String) -> String {
        let bytes = raw.utf8
        let needsWork =
            bytes.withContiguousStorageIfAvailable { b in
                b.contains { $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "[") || ($0 >= 0x41 && $0 <= 0x5a) || $0 >= 0x80 }
            } ?? true
        if !needsWork, bytes.last != UInt8(ascii: ".") { return raw }
        var host = Substring(raw)
        if host.utf8.first == UInt8(ascii: "[") {
            if let close = host.utf8.firstIndex(of: UInt8(ascii: "]")) {
                host = host[host.utf8.index(after: host.utf8.startIndex)..<close]
            }
        } else if let colon = host.utf8.lastIndex(of: UInt8(ascii: ":")), host.utf8.firstIndex(of: UInt8(ascii: ":")) == colon,
            host.utf8[host.utf8.index(after: colon)...].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
        {
            host = host[..<colon]
        }
        if host.utf8.last == UInt8(ascii: ".") { host = host.dropLast() }
        return host.lowercased()
    }

    /// The path up to `?` (or `#`), found on UTF-8 bytes.
    static func urlPath(_ path: String) -> Substring {
        let cut = path.utf8.withContiguousStorageIfAvailable { b in
            b.firstIndex { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }
        }
        switch cut {
        case .some(nil): return path[...]
        case .some(let i?): return path[..<path.utf8.index(path.utf8.startIndex, offsetBy: i)]
        case nil:
            let bytes = path.utf8
            if let i = bytes.firstIndex(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }) { return path[..<i] }
            return path[...]
        }
    }

    func string(_ attribute: StringAttribute) -> String {
        switch attribute {
        case .method: return method
        case .host: return host
        case .sourcePrincipal: return request.source.principal
        case .sourceNamespace: return source.namespace
        case .sourceServiceAccount: return source.serviceAccount
        case .sourceTrustDomain: return source.trustDomain
        case .destinationPrincipal: return request.destination.principal
        case .destinationNamespace: return destination.namespace
        case .destinationServiceAccount: return destination.serviceAccount
        }
    }
}

/// The string-valued request attributes that `from`, `to` and selectors test.
enum StringAttribute: Int, Sendable, CaseIterable {
    case method
    case host
    case sourcePrincipal
    case sourceNamespace
    case sourceServiceAccount
    case sourceTrustDomain
    case destinationPrincipal
    case destinationNamespace
    case destinationServiceAccount
}
