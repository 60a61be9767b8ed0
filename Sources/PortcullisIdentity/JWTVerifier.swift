/// Verifies bearer tokens: decodes strictly, checks the algorithm against the configuration and
/// the key, verifies the signature with libcrypto, validates the claims, and caches the result
/// by the token's SHA-256 digest until it expires.
///
/// ```swift
/// let verifier = JWTVerifier(
///     keys: try StaticJWKSProvider(jwksJSON: bundleFileBytes),
///     validation: JWTValidation(issuers: ["https://idp.example"], audiences: ["orders"]))
/// do {
///     let token = try verifier.verify(bearer)
///     token.claims["role"]
/// } catch {
///     // 401, WWW-Authenticate: error.challenge()
/// }
/// ```
public final class JWTVerifier: Sendable {
    public let keys: any JWKSProvider
    public let validation: JWTValidation
    let hmacSecret: [UInt8]?
    /// `validation.algorithms`, plus the HMAC algorithms when a secret is configured.
    public let acceptedAlgorithms: Set<JWTAlgorithm>
    /// The cache of verified tokens; nil disables caching.
    public let cache: VerifiedTokenCache?

    /// Most keys tried for a token without `kid`.
    static let maxCandidates = 8

    /// - Parameters:
    ///   - keys: the public keys (JWKS file, PEM keys, or a remote JWKS).
    ///   - hmacSecret: the shared secret for HS256/384/512. Without it every HMAC token is refused;
    ///     with it the HMAC algorithms are accepted in addition to `validation.algorithms`. An HMAC
    ///     is only ever computed with this secret, never with a public key of the key set.
    ///   - validation: issuer, audience, time and algorithm rules.
    ///   - cache: verified-token cache; pass nil to verify every time.
    public init(
        keys: any JWKSProvider, hmacSecret: [UInt8]? = nil, validation: JWTValidation = JWTValidation(),
        cache: VerifiedTokenCache? = VerifiedTokenCache()
    ) {
        self.keys = keys
        self.hmacSecret = hmacSecret.flatMap { $0.isEmpty ? nil : $0 }
        self.validation = validation
        self.cache = cache
        var accepted = validation.algorithms.filter { !$0.isSymmetric }
        if self.hmacSecret != nil { accepted.formUnion([.hs256, .hs384, .hs512]) }
        acceptedAlgorithms = accepted
    }

    /// Verifies `token` (the compact JWS text, without `Bearer `).
    public func verify(_ token: String) throws(JWTError) -> VerifiedJWT {
        let now = validation.clock()
        guard token.utf8.count <= validation.maxTokenBytes else {
            throw .malformed("token longer than \(validation.maxTokenBytes) bytes")
        }
        let digest = cache.map { _ in SHA256Digest(of: token) }
        if let cache, let digest, let hit = cache.lookup(digest, now: now) {
            return hit
        }
        let jwt = try JWT.parse(token, maxBytes: validation.maxTokenBytes)
        try verifySignature(jwt)
        try validation.check(jwt, now: now)
        let verified = VerifiedJWT(jwt)
        if let cache, let digest, let exp = jwt.expiresAt {
            cache.insert(digest, verified, validUntil: exp + validation.leeway)
        }
        return verified
    }

    func verifySignature(_ jwt: JWT) throws(JWTError) {
        let alg = jwt.algorithm
        if alg.isSymmetric {
            guard let secret = hmacSecret else { throw .hmacNotConfigured }
            guard let mac = HMAC.mac(jwt.signingInput, key: secret, algorithm: alg) else {
                throw .crypto(OpenSSLError(operation: "HMAC", message: ""))
            }
            guard ConstantTime.equals(mac, jwt.signature) else { throw .invalidSignature }
            return
        }
        guard acceptedAlgorithms.contains(alg) else { throw .algorithmNotAllowed(alg) }
        guard let set = keys.currentKeys() else { throw .keysUnavailable }
        let candidates: [JWK]
        if let kid = jwt.keyID {
            guard let key = set.key(id: kid) else {
                keys.unknownKeyID(kid)
                throw .unknownKey(kid: kid)
            }
            guard key.allows(alg) else { throw .keyAlgorithmMismatch(alg, key: key.key.description) }
            candidates = [key]
        } else {
            candidates = Array(set.keys(for: alg).prefix(Self.maxCandidates))
            if candidates.isEmpty {
                if let any = set.keys.first(where: { $0.keyID == nil }) ?? set.keys.first, set.keys.count == 1 {
                    throw .keyAlgorithmMismatch(alg, key: any.key.description)
                }
                throw .unknownKey(kid: nil)
            }
        }
        for candidate in candidates {
            do {
                if try candidate.key.verify(jwt.signature, over: jwt.signingInput, algorithm: alg) { return }
            } catch {
                throw .crypto(error)
            }
        }
        throw .invalidSignature
    }
}
