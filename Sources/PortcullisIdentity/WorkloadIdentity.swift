import PortcullisModel

/// The calling workload as proven by mTLS: the principal Envoy reports for the peer, parsed as a
/// SPIFFE ID, and the peer certificate when Envoy includes it.
public struct WorkloadIdentity: Sendable, Hashable {
    public let principal: String
    public let spiffeID: SPIFFEID?
    public let certificate: PeerCertificate?
    /// Why the certificate Envoy sent could not be read (it is then absent, not trusted).
    public let certificateError: String?

    /// From `source.principal` and `source.certificate`; nil when the peer has neither
    /// (plaintext, or no client certificate).
    public init?(source: PeerInfo) {
        guard !source.principal.isEmpty || !source.certificate.isEmpty else { return nil }
        principal = source.principal
        var cert: PeerCertificate?
        var certError: String?
        if !source.certificate.isEmpty {
            do {
                cert = try PeerCertificate(urlEncodedPEM: source.certificate)
            } catch {
                certError = error.description
            }
        }
        certificate = cert
        certificateError = certError
        spiffeID = SPIFFEID(source.principal) ?? cert?.spiffeID
    }

    /// `{"principal", "trust_domain", "namespace", "service_account", "certificate"}`; absent parts omitted.
    public var jsonValue: JSONValue {
        var o: [String: JSONValue] = ["principal": .string(principal)]
        if let id = spiffeID {
            o["trust_domain"] = .string(id.trustDomain)
            if let ns = id.namespace { o["namespace"] = .string(ns) }
            if let sa = id.serviceAccount { o["service_account"] = .string(sa) }
        }
        if let certificate { o["certificate"] = certificate.jsonValue }
        return .object(o)
    }
}
