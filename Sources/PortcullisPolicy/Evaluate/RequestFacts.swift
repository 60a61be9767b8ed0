import CEL
import CELSupport
import PortcullisModel

/// The request attributes the index and the `from`/`to` matchers read, each computed at most once per decision
/// and only when something reads it. Used by one decision on one thread, so the values computed on demand skip the
/// run-time exclusivity checks.
/// Not final only so that `RequestActivation` can extend it: one object per decision holds both (its members
/// are final, so nothing is dispatched dynamically).
class RequestFacts {
    final let request: AuthzRequest
    final let method: String
    /// Lower-cased, without a port.
    final let host: String
    /// The path without its query string.
    final let urlPath: Substring
    final let port: UInt32
    /// The peers' principals, held here so that matchers read them without going through the request's storage.
    final let sourcePrincipal: String
    final let destinationPrincipal: String
    /// The HTTP headers (empty without HTTP attributes), held apart so that reading them does not copy the
    /// request's whole `HTTPRequestInfo`.
    final let headerFields: [HTTPHeaders.Field]
    final let hasHTTP: Bool
    @exclusivity(unchecked) private final var parsedPeers: UInt8 = 0
    @exclusivity(unchecked) private final var sourceRanges = PeerParts()
    @exclusivity(unchecked) private final var destinationRanges = PeerParts()
    @exclusivity(unchecked) private final var computedSourceIP: IPAddress??
    @exclusivity(unchecked) private final var computedPortText: String?

    /// Where the source principal's parts lie, found on first read.
    final var sourceParts: PeerParts {
        if parsedPeers & 1 == 0 {
            sourceRanges = PeerParts(principal: sourcePrincipal)
            parsedPeers |= 1
        }
        return sourceRanges
    }

    final var destinationParts: PeerParts {
        if parsedPeers & 2 == 0 {
            destinationRanges = PeerParts(principal: destinationPrincipal)
            parsedPeers |= 2
        }
        return destinationRanges
    }

    /// The source principal's parts as strings (built on each read: the matchers use `withString`).
    final var source: PeerFacts { PeerFacts(principal: sourcePrincipal, parts: sourceParts) }
    final var destination: PeerFacts { PeerFacts(principal: destinationPrincipal, parts: destinationParts) }

    final var sourceIP: IPAddress? {
        if let known = computedSourceIP { return known }
        let ip = IPAddress.parse(request.source.address)
        computedSourceIP = .some(ip)
        return ip
    }

    final var portText: String {
        if let known = computedPortText { return known }
        let text = String(port)
        computedPortText = text
        return text
    }

    init(_ request: AuthzRequest) {
        self.request = request
        // Read in place (see AuthzRequest.httpMethod): `request.http?.x` would copy the whole HTTP part.
        let m = request.httpMethod ?? ""
        method = Self.isUpperCase(m) ? m : m.uppercased()
        host = Self.normalizeHost(request.httpHost ?? "")
        if let path = request.httpPath { urlPath = Self.urlPath(path) } else { urlPath = "" }
        port = request.destination.port
        sourcePrincipal = request.source.principal
        destinationPrincipal = request.destination.principal
        headerFields = request.httpHeaderFields ?? []
        hasHTTP = request.hasHTTP
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

    /// The URL path's UTF-8 bytes, read in place (`urlPath` is always a leading part of the request's path).
    @inline(__always)
    final func withURLPath<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let base = urlPath.base
        let count = urlPath.utf8.count
        if let r = base.utf8.withContiguousStorageIfAvailable({ body(UnsafeBufferPointer(rebasing: $0[0..<count])) }) {
            return r
        }
        var copy = String(urlPath)
        return copy.withUTF8(body)
    }

    /// The attribute's UTF-8 bytes, read in place.
    @inline(__always)
    final func withString<R>(_ attribute: StringAttribute, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        switch attribute {
        case .method: return StringBytes.withBytes(method, body)
        case .host: return StringBytes.withBytes(host, body)
        case .sourcePrincipal: return StringBytes.withBytes(sourcePrincipal, body)
        case .destinationPrincipal: return StringBytes.withBytes(destinationPrincipal, body)
        case .sourceNamespace: return Self.withPart(sourcePrincipal, sourceParts.namespace, body)
        case .sourceServiceAccount: return Self.withPart(sourcePrincipal, sourceParts.serviceAccount, body)
        case .sourceTrustDomain: return Self.withPart(sourcePrincipal, sourceParts.trustDomain, body)
        case .destinationNamespace: return Self.withPart(destinationPrincipal, destinationParts.namespace, body)
        case .destinationServiceAccount: return Self.withPart(destinationPrincipal, destinationParts.serviceAccount, body)
        }
    }

    @inline(__always)
    private static func withPart<R>(_ principal: String, _ range: Range<Int>, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        StringBytes.withBytes(principal) { body(UnsafeBufferPointer(rebasing: $0[range])) }
    }

    final func string(_ attribute: StringAttribute) -> String {
        switch attribute {
        case .method: return method
        case .host: return host
        case .sourcePrincipal: return sourcePrincipal
        case .sourceNamespace: return PeerParts.text(sourcePrincipal, sourceParts.namespace)
        case .sourceServiceAccount: return PeerParts.text(sourcePrincipal, sourceParts.serviceAccount)
        case .sourceTrustDomain: return PeerParts.text(sourcePrincipal, sourceParts.trustDomain)
        case .destinationPrincipal: return destinationPrincipal
        case .destinationNamespace: return PeerParts.text(destinationPrincipal, destinationParts.namespace)
        case .destinationServiceAccount: return PeerParts.text(destinationPrincipal, destinationParts.serviceAccount)
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
