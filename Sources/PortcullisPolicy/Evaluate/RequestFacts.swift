import CELSupport
import PortcullisModel

/// The request attributes the index and the `from`/`to` matchers read, computed once per decision.
struct RequestFacts {
    let request: AuthzRequest
    let method: String
    /// Lower-cased, without a port.
    let host: String
    /// The path without its query string.
    let urlPath: Substring
    let port: UInt32
    let source: PeerFacts
    let destination: PeerFacts
    let sourceIP: IPAddress?

    init(_ request: AuthzRequest) {
        self.request = request
        let http = request.http
        method = http?.method.uppercased() ?? ""
        host = Self.normalizeHost(http?.host ?? "")
        urlPath = http?.urlPath ?? ""
        port = request.destination.port
        source = PeerFacts(principal: request.source.principal)
        destination = PeerFacts(principal: request.destination.principal)
        sourceIP = IPAddress.parse(request.source.address)
    }

    /// `Example.COM:8443` → `example.com`; `[::1]:80` → `::1`.
    static func normalizeHost(_ raw: String) -> String {
        var host = Substring(raw)
        if host.hasPrefix("[") {
            if let close = host.firstIndex(of: "]") { host = host[host.index(after: host.startIndex)..<close] }
        } else if let colon = host.lastIndex(of: ":"), host.firstIndex(of: ":") == colon,
            host[host.index(after: colon)...].allSatisfy(\.isNumber)
        {
            host = host[..<colon]
        }
        if host.hasSuffix(".") { host = host.dropLast() }
        return host.lowercased()
    }

    func string(_ attribute: StringAttribute) -> String {
        switch attribute {
        case .method: return method
        case .host: return host
        case .sourcePrincipal: return source.principal
        case .sourceNamespace: return source.namespace
        case .sourceServiceAccount: return source.serviceAccount
        case .sourceTrustDomain: return source.trustDomain
        case .destinationPrincipal: return destination.principal
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
