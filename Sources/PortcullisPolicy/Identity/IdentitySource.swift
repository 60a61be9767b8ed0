import CEL
import PortcullisIdentity
import PortcullisModel

/// One named identity source of a bundle (`identity.yaml`), compiled: keys parsed, stores built.
/// A class, so that resolving reads a source in place (a struct copy retains every verifier, store and cache).
public final class IdentitySource: Sendable {
    public enum Kind: Sendable {
        /// A bearer token verified here (JWKS file or URL, or an HMAC secret).
        case jwt(JWTVerifier, from: TokenSource, remote: RemoteJWKSProvider?, cache: IdentityValueCache?)
        /// An API key looked up by its SHA-256 digest.
        case apiKey(APIKeyStore, from: TokenSource, cache: IdentityValueCache)
        /// Edge identity headers, believed only from a gateway principal.
        case edge(EdgeIdentityHeaders, userHeader: String, groupsHeader: String?)
        /// A JWT payload Envoy's jwt_authn filter already verified (`metadata_context`).
        case envoyJWT(EnvoyJWTMetadata)
        /// The mTLS peer: SPIFFE principal and, when Envoy sends it, the certificate.
        case workload
    }

    public let name: String
    public let kind: Kind
    /// The headers this source reads its credential from, when that is all it reads (lower-case): a request
    /// carrying none of them has no credential for it, found without looking further. nil: always resolved.
    let credentialHeaders: [String]?

    public init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
        credentialHeaders = Self.credentialHeaders(kind)
    }

    private static func credentialHeaders(_ kind: Kind) -> [String]? {
        func headers(_ from: TokenSource) -> [String]? {
            switch from {
            case .authorizationBearer: return ["authorization"]
            case .header(let name): return [HTTPHeaders.lowercased(name)]
            case .cookie: return ["cookie"]
            case .query: return nil
            }
        }
        switch kind {
        case .jwt(_, let from, _, _): return headers(from)
        case .apiKey(_, let from, _): return headers(from)
        case .edge(let edge, _, _): return edge.headers
        case .envoyJWT, .workload: return nil
        }
    }

    /// False when the request carries none of `credentialHeaders`.
    func mayHaveCredential(_ fields: [HTTPHeaders.Field]) -> Bool {
        guard let names = credentialHeaders else { return true }
        for i in fields.indices {
            let name = fields[i].name
            for n in names where HTTPHeaders.same(n, name) { return true }
        }
        return false
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
    case present(CELValue)
    /// A credential present but invalid: the request is refused with 401.
    /// `ownsCredential`: the credential is meant for this source (a token of one of its issuers), so its
    /// failure is the one to report when several sources read the same place.
    case invalid(reason: String, detail: String, challenge: String?, ownsCredential: Bool = true)
    /// Edge headers from a peer that is not a gateway: absent, removed upstream, recorded.
    case spoofed(headers: [String], principal: String)
}

extension IdentitySource {
    func resolve(_ request: AuthzRequest) -> IdentitySourceOutcome {
        switch kind {
        case .jwt(let verifier, let from, _, let cache):
            guard let token = from.extract(from: request) else { return .absent }
            // A token seen before (same digest, not expired): its value as it was built then.
            let now = verifier.validation.clock()
            let digest = cache.map { _ in SHA256Digest(of: token) }
            if let cache, let digest, let hit = cache.lookup(digest, now: now) { return .present(hit) }
            do {
                let verified = try verifier.verify(token)
                let value = DataValue.cel(Self.tokenValue(claims: verified.claims))
                if let cache, let digest, let exp = verified.expiresAt {
                    cache.insert(digest, value, validUntil: exp + verifier.validation.leeway, now: now)
                }
                return .present(value)
            } catch {
                // Failure path only: whose token is it? (Several jwt sources may read the same header.)
                let issuer = (try? JWT.parse(token, maxBytes: verifier.validation.maxTokenBytes))?.issuer
                let owns = issuer.map { verifier.validation.issuers.contains($0) } ?? true
                return .invalid(reason: error.reason, detail: error.description, challenge: error.challenge(), ownsCredential: owns)
            }
        case .apiKey(let store, let from, let cache):
            guard let key = from.extract(from: request) else { return .absent }
            let digest = SHA256Digest(of: key)
            if let hit = cache.lookup(digest, now: 0) { return .present(hit) }
            guard let entry = store.lookup(digest: digest) else {
                return .invalid(reason: "unknown API key", detail: "unknown API key", challenge: nil)
            }
            var o: [String: JSONValue] = [
                "owner": .string(entry.owner), "scopes": .array(entry.scopes.map(JSONValue.string)),
            ]
            o["metadata"] = .object(entry.metadata)
            let value = DataValue.cel(.object(o))
            cache.insert(digest, value, validUntil: .infinity, now: 0)
            return .present(value)
        case .edge(let edge, let userHeader, let groupsHeader):
            switch edge.evaluate(request) {
            case .absent:
                return .absent
            case .spoofed(let present):
                return .spoofed(headers: present, principal: request.source.principal)
            case .trusted(let values):
                guard let user = values[userHeader], !user.isEmpty else { return .absent }
                let groups = groupsHeader.flatMap { values[$0] }.map(EdgeIdentityHeaders.list) ?? []
                return .present(.map(CELMap(["user": .string(user), "groups": .list(groups.map(CELValue.string))])))
            }
        case .envoyJWT(let metadata):
            guard let claims = metadata.claims(in: request) else { return .absent }
            return .present(DataValue.cel(Self.tokenValue(claims: claims)))
        case .workload:
            guard let workload = WorkloadIdentity(source: request.source) else { return .absent }
            if let error = workload.certificateError {
                return .invalid(reason: "invalid peer certificate", detail: error, challenge: nil)
            }
            return .present(DataValue.cel(workload.jsonValue))
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
