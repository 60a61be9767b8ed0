import PortcullisIdentity
import PortcullisModel

/// One named identity source of a bundle (`identity.yaml`), compiled: keys parsed, stores built.
public struct IdentitySource: Sendable {
    public enum Kind: Sendable {
        /// A bearer token verified here (JWKS file or URL, or an HMAC secret).
        case jwt(JWTVerifier, from: TokenSource, remote: RemoteJWKSProvider?)
        /// An API key looked up by its SHA-256 digest.
        case apiKey(APIKeyStore, from: TokenSource)
        /// Edge identity headers, believed only from a gateway principal.
        case edge(EdgeIdentityHeaders, userHeader: String, groupsHeader: String?)
        /// A JWT payload Envoy's jwt_authn filter already verified (`metadata_context`).
        case envoyJWT(EnvoyJWTMetadata)
        /// The mTLS peer: SPIFFE principal and, when Envoy sends it, the certificate.
        case workload
    }

    public let name: String
    public let kind: Kind

    public init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
    }

    /// The kind's name as written in `identity.yaml`.
    public var kindName: String {
        switch kind {
        case .jwt: return "jwt"
        case .apiKey: return "api_key"
        case .edge: return "edge"
        case .envoyJWT: return "envoy_jwt"
        case .workload: return "workload"
        }
    }
}

/// What one source made of a request.
enum IdentitySourceOutcome {
    /// No credential for this source.
    case absent
    /// A proven identity, as the object expressions read under `identity.<name>`.
    case present(JSONValue)
    /// A credential present but invalid: the request is refused with 401.
    case invalid(reason: String, detail: String, challenge: String?)
    /// Edge headers from a peer that is not a gateway: absent, removed upstream, recorded.
    case spoofed(headers: [String], principal: String)
}

extension IdentitySource {
    func resolve(_ request: AuthzRequest) -> IdentitySourceOutcome {
        switch kind {
        case .jwt(let verifier, let from, _):
            guard let token = from.extract(from: request) else { return .absent }
            do {
                let verified = try verifier.verify(token)
                return .present(Self.tokenValue(claims: verified.claims))
            } catch {
                return .invalid(reason: error.reason, detail: error.description, challenge: error.challenge())
            }
        case .apiKey(let store, let from):
            guard let key = from.extract(from: request) else { return .absent }
            guard let entry = store.lookup(key) else {
                return .invalid(reason: "unknown API key", detail: "unknown API key", challenge: nil)
            }
            var o: [String: JSONValue] = [
                "owner": .string(entry.owner), "scopes": .array(entry.scopes.map(JSONValue.string)),
            ]
            o["metadata"] = .object(entry.metadata)
            return .present(.object(o))
        case .edge(let edge, let userHeader, let groupsHeader):
            switch edge.evaluate(request) {
            case .absent:
                return .absent
            case .spoofed(let present):
                return .spoofed(headers: present, principal: request.source.principal)
            case .trusted(let values):
                guard let user = values[userHeader], !user.isEmpty else { return .absent }
                let groups = groupsHeader.flatMap { values[$0] }.map(EdgeIdentityHeaders.list) ?? []
                return .present(.object(["user": .string(user), "groups": .array(groups.map(JSONValue.string))]))
            }
        case .envoyJWT(let metadata):
            guard let claims = metadata.claims(in: request) else { return .absent }
            return .present(Self.tokenValue(claims: claims))
        case .workload:
            guard let workload = WorkloadIdentity(source: request.source) else { return .absent }
            if let error = workload.certificateError {
                return .invalid(reason: "invalid peer certificate", detail: error, challenge: nil)
            }
            return .present(workload.jsonValue)
        }
    }

    /// `{…claims, claims: {…}, issuer, subject, audiences}`: claims are readable directly
    /// (`identity.jwt.role`) and under `claims` (`identity.jwt.claims.role`).
    static func tokenValue(claims: [String: JSONValue]) -> JSONValue {
        var o = claims
        o["claims"] = .object(claims)
        o["issuer"] = claims["iss"] ?? .null
        o["subject"] = claims["sub"] ?? .null
        switch claims["aud"] {
        case .string(let a)?: o["audiences"] = .array([.string(a)])
        case .array(let a)?: o["audiences"] = .array(a)
        default: o["audiences"] = .array([])
        }
        return .object(o)
    }
}
