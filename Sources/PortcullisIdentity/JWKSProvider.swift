/// Where a verifier gets its keys. Implementations must never block: `currentKeys()` returns
/// what is loaded now, and any fetching happens elsewhere (see `RemoteJWKSProvider`).
public protocol JWKSProvider: Sendable {
    /// The keys available now; nil when none have ever loaded (a remote set still on its first fetch).
    func currentKeys() -> JWKSet?
    /// Told when a token names a `kid` that `currentKeys()` lacks (a key rotation may have happened).
    /// A remote provider may schedule a rate-limited refresh; it must not block.
    func unknownKeyID(_ kid: String)
}

/// A fixed key set, e.g. a JWKS file of the bundle or PEM keys.
public struct StaticJWKSProvider: JWKSProvider {
    public let keys: JWKSet

    public init(_ keys: JWKSet) {
        self.keys = keys
    }

    /// Keys from a JWKS document's bytes (a bundle file).
    public init(jwksJSON bytes: [UInt8]) throws(JWKSet.Invalid) {
        keys = try JWKSet(json: bytes)
    }

    /// PEM public keys, each with an optional `kid`.
    public init(pemKeys: [(kid: String?, pem: String)]) throws(OpenSSLError) {
        var list: [JWK] = []
        for entry in pemKeys {
            list.append(JWK(key: try PublicKey(pem: entry.pem), keyID: entry.kid, use: "sig"))
        }
        keys = JWKSet(keys: list)
    }

    public func currentKeys() -> JWKSet? { keys }
    public func unknownKeyID(_ kid: String) {}
}
