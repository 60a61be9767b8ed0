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
    /// For a credential that is the first value of one header (an API key header, `Authorization: Bearer`): that
    /// header (lower-case), found and read in the same pass.
    let credentialHeader: String?
    /// `name` as a CEL map key, and `["<name>"]`, the `identity` metadata of a request where it alone is present
    /// (and that metadata as a whole, for a decision that has no other: assigned, not inserted).
    let nameValue: CELValue
    let presentMetadata: JSONValue
    let onlyMetadata: [String: JSONValue]
    /// An API key source's one failure, built once.
    let unknownKeyFailure: IdentityFailure?
    /// A jwt source's recent verification failures (nil when `cache_size` is 0).
    let failures: IdentityFailureCache?
    /// Whether the verifier's key set is fixed (a JWKS file, PEM keys): then a token refused for its signature or
    /// its key is refused the same way on every later try, and such a failure may be cached too.
    let hasFixedKeys: Bool
    /// An edge source reading exactly its two headers, user and groups (two names): `resolveEdge` applies.
    let hasUserAndGroupsHeaders: Bool
    /// Whether resolving looks for the credential headers itself, in the same pass that reads them (no need to
    /// ask `mayHaveCredential` first).
    let findsItsHeaders: Bool

    public init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
        credentialHeaders = Self.credentialHeaders(kind)
        nameValue = .string(name)
        presentMetadata = .array([.string(name)])
        onlyMetadata = ["identity": presentMetadata]
        if case .edge(let edge, let user, let groups?) = kind {
            hasUserAndGroupsHeaders = edge.headers == [user, groups] && user != groups
        } else {
            hasUserAndGroupsHeaders = false
        }
        switch kind {
        case .jwt(let verifier, let from, _, let cache):
            credentialHeader = from == .authorizationBearer ? "authorization" : nil
            failures = cache.map { IdentityFailureCache(capacity: $0.capacity) }
            hasFixedKeys = verifier.keys is StaticJWKSProvider
            unknownKeyFailure = nil
        case .apiKey(_, let from, _):
            if case .header(let h) = from { credentialHeader = HTTPHeaders.lowercased(h) } else { credentialHeader = nil }
            unknownKeyFailure = IdentityFailure(source: name, reason: "unknown API key", detail: "unknown API key", challenge: nil)
            failures = nil
            hasFixedKeys = false
        default:
            credentialHeader = nil
            unknownKeyFailure = nil
            failures = nil
            hasFixedKeys = false
        }
        findsItsHeaders = credentialHeader != nil || hasUserAndGroupsHeaders
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
    case present(IdentityOutput)
    /// A credential present but invalid: the request is refused with 401.
    /// `ownsCredential`: the credential is meant for this source (a token of one of its issuers), so its
    /// failure is the one to report when several sources read the same place.
    case invalid(IdentityFailure, ownsCredential: Bool = true)
    /// Edge headers from a peer that is not a gateway: absent, removed upstream, recorded.
    case spoofed(headers: [String], principal: String)
}

extension IdentitySource {
    /// What this source makes of `request`; `fields` are its header fields.
    func resolve(_ request: AuthzRequest, fields: [HTTPHeaders.Field]) -> IdentitySourceOutcome {
        switch kind {
        case .jwt(let verifier, let from, _, let cache):
            if credentialHeader != nil {
                // `Authorization: Bearer`: the token is hashed in place; copied only to be verified.
                guard let authorization = Self.first(credentialHeader, in: fields),
                    let range = TokenSource.bearerRange(authorization), !range.isEmpty
                else { return .absent }
                return resolveToken(authorization[range], verifier: verifier, cache: cache)
            }
            guard let token = from.extract(from: request) else { return .absent }
            return resolveToken(Substring(token), verifier: verifier, cache: cache)
        case .apiKey(let store, let from, let cache):
            let key: String
            if credentialHeader != nil {
                guard let value = Self.first(credentialHeader, in: fields), let k = TokenSource.headerCredential(value)
                else { return .absent }
                key = k
            } else {
                guard let k = from.extract(from: request) else { return .absent }
                key = k
            }
            let digest = SHA256Digest(of: key)
            if let hit = cache.lookup(digest, now: 0) { return .present(hit) }
            guard let entry = store.lookup(digest: digest) else {
                return .invalid(unknownKeyFailure ?? IdentityFailure(
                    source: name, reason: "unknown API key", detail: "unknown API key", challenge: nil))
            }
            var o: [String: JSONValue] = [
                "owner": .string(entry.owner), "scopes": .array(entry.scopes.map(JSONValue.string)),
            ]
            o["metadata"] = .object(entry.metadata)
            let output = IdentityOutput(DataValue.cel(.object(o)), source: nameValue)
            cache.insert(digest, output, validUntil: .infinity, now: 0)
            return .present(output)
        case .edge(let edge, let userHeader, let groupsHeader):
            if hasUserAndGroupsHeaders, let groupsHeader {
                return resolveEdge(edge, user: userHeader, groups: groupsHeader, request: request, fields: fields)
            }
            switch edge.evaluate(request) {
            case .absent:
                return .absent
            case .spoofed(let present):
                return .spoofed(headers: present, principal: request.source.principal)
            case .trusted(let values):
                guard let user = values[userHeader], !user.isEmpty else { return .absent }
                let groups = groupsHeader.flatMap { values[$0] }.map(EdgeIdentityHeaders.list) ?? []
                return .present(IdentityOutput(.map(CELMap(["user": .string(user), "groups": .list(groups.map(CELValue.string))]))))
            }
        case .envoyJWT(let metadata):
            guard let claims = metadata.claims(in: request) else { return .absent }
            return .present(IdentityOutput(DataValue.cel(Self.tokenValue(claims: claims))))
        case .workload:
            guard let workload = WorkloadIdentity(source: request.source) else { return .absent }
            if let error = workload.certificateError {
                return .invalid(IdentityFailure(source: name, reason: "invalid peer certificate", detail: error, challenge: nil))
            }
            return .present(IdentityOutput(DataValue.cel(workload.jsonValue)))
        }
    }

    /// The first value of header `name` (lower-case), read in place.
    private static func first(_ name: String?, in fields: [HTTPHeaders.Field]) -> String? {
        guard let name else { return nil }
        for i in fields.indices where HTTPHeaders.same(fields[i].name, name) { return fields[i].value }
        return nil
    }

    /// A bearer token: a token seen before (same digest) is answered from the caches, its identity while it has
    /// not expired, its failure for a short time; any other is verified.
    private func resolveToken(_ token: Substring, verifier: JWTVerifier, cache: IdentityValueCache?) -> IdentitySourceOutcome {
        let now = verifier.validation.clock()
        let digest = cache.map { _ in SHA256Digest(of: token) }
        if let digest {
            if let cache, let hit = cache.lookup(digest, now: now) { return .present(hit) }
            if let failures, let seen = failures.lookup(digest, now: now) {
                return .invalid(seen.failure, ownsCredential: seen.ownsCredential)
            }
        }
        let text = String(token)
        do {
            let verified = try verifier.verify(text)
            let output = IdentityOutput(DataValue.cel(Self.tokenValue(claims: verified.claims)), source: nameValue)
            if let cache, let digest, let exp = verified.expiresAt {
                cache.insert(digest, output, validUntil: exp + verifier.validation.leeway, now: now)
            }
            return .present(output)
        } catch {
            // Failure path only: whose token is it? (Several jwt sources may read the same header.)
            let issuer = (try? JWT.parse(text, maxBytes: verifier.validation.maxTokenBytes))?.issuer
            let owns = issuer.map { verifier.validation.issuers.contains($0) } ?? true
            let failure = IdentityFailure(source: name, reason: error.reason, detail: error.description, challenge: error.challenge())
            if let failures, let digest, Self.lastingFailure(error, fixedKeys: hasFixedKeys) {
                failures.insert(digest, failure, ownsCredential: owns, now: now)
            }
            return .invalid(failure, ownsCredential: owns)
        }
    }

    /// Whether a token refused with `error` would be refused the same way on any later try (at a later time):
    /// only such failures are cached. Never: a token not valid *yet* (it will be), missing keys, a libcrypto
    /// failure. With a key set that can change (a JWKS URL), only what is decided before any key is consulted:
    /// after a rotation, a token refused for its key or signature (and an expired one, whose reason would then be
    /// its key) is judged again.
    static func lastingFailure(_ error: JWTError, fixedKeys: Bool) -> Bool {
        switch error {
        case .malformed, .algorithmNone, .unsupportedAlgorithm, .algorithmNotAllowed, .criticalHeader, .hmacNotConfigured:
            return true
        case .unknownKey, .keyAlgorithmMismatch, .invalidSignature, .expired, .missingClaim, .invalidIssuer, .invalidAudience:
            return fixedKeys
        case .notYetValid, .issuedInFuture, .keysUnavailable, .crypto:
            return false
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
