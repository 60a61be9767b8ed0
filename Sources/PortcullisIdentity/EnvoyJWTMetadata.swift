import PortcullisModel

/// A JWT payload that Envoy's jwt_authn filter (Istio RequestAuthentication) already verified and
/// put into `metadata_context`. Accept it only when configured to: Portcullis trusts Envoy here.
public struct EnvoyJWTMetadata: Sendable, Hashable {
    /// The filter namespace, `envoy.filters.http.jwt_authn` by default.
    public let namespace: String
    /// The `payload_in_metadata` key; nil: the namespace's only object entry (Istio keys it by issuer).
    public let key: String?

    public static let defaultNamespace = "envoy.filters.http.jwt_authn"

    public init(namespace: String = EnvoyJWTMetadata.defaultNamespace, key: String? = nil) {
        self.namespace = namespace
        self.key = key
    }

    /// The claims, or nil when the request carries none under this namespace/key (or it is ambiguous).
    public func claims(in request: AuthzRequest) -> [String: JSONValue]? {
        guard case .object(let fields)? = request.metadataContext[namespace] else { return nil }
        if let key {
            if case .object(let claims)? = fields[key] { return claims }
            return nil
        }
        let objects = fields.values.compactMap { v -> [String: JSONValue]? in
            if case .object(let o) = v { return o }
            return nil
        }
        return objects.count == 1 ? objects[0] : nil
    }
}
