import JSONSchema
import PortcullisModel

@testable import PortcullisIdentity

/// Keys generated once per test process with libcrypto.
enum TestKeys {
    static let rsa = try! SigningKey.generateRSA(bits: 2048)
    static let rsa2 = try! SigningKey.generateRSA(bits: 2048)
    static let p256 = try! SigningKey.generateEC(.p256)
    static let p384 = try! SigningKey.generateEC(.p384)
    static let ed25519 = try! SigningKey.generateEd25519()
    static let secret = Array("a shared secret of at least 32 bytes!!".utf8)

    /// The fixed "now" of the tests.
    static let now: Double = 1_800_000_000

    /// A JWKS document with every public key, kids named after the key.
    static func jwks() throws -> JWKSet {
        try JWKSet(keys: [
            JWK(key: rsa.publicKey, keyID: "rsa", use: "sig"),
            JWK(key: p256.publicKey, keyID: "p256", algorithm: .es256),
            JWK(key: p384.publicKey, keyID: "p384"),
            JWK(key: ed25519.publicKey, keyID: "ed"),
        ])
    }
}

/// Builds compact tokens.
enum TokenMaker {
    static func encode(_ value: [String: JSONValue]) -> String {
        Base64URL.encode(JSONWriter.bytes(.object(value)))
    }

    static func claims(
        iss: String = "https://idp.example", aud: JSONValue = .string("orders"), exp: Double? = TestKeys.now + 300,
        nbf: Double? = nil, iat: Double? = TestKeys.now - 10, extra: [String: JSONValue] = [:]
    ) -> [String: JSONValue] {
        var c: [String: JSONValue] = ["iss": .string(iss), "aud": aud, "sub": .string("user-1")]
        if let exp { c["exp"] = .number(exp) }
        if let nbf { c["nbf"] = .number(nbf) }
        if let iat { c["iat"] = .number(iat) }
        for (k, v) in extra { c[k] = v }
        return c
    }

    /// A token signed with `key` (or the HMAC secret when `key` is nil).
    static func token(
        _ alg: JWTAlgorithm, key: SigningKey?, kid: String? = nil, claims: [String: JSONValue] = claims(),
        header extraHeader: [String: JSONValue] = [:]
    ) throws -> String {
        var header: [String: JSONValue] = ["alg": .string(alg.rawValue), "typ": .string("JWT")]
        if let kid { header["kid"] = .string(kid) }
        for (k, v) in extraHeader { header[k] = v }
        let input = encode(header) + "." + encode(claims)
        let signature: [UInt8]
        if let key {
            signature = try key.sign(Array(input.utf8), algorithm: alg)
        } else {
            signature = HMAC.mac(Array(input.utf8), key: TestKeys.secret, algorithm: alg) ?? []
        }
        return input + "." + Base64URL.encode(signature)
    }

    static func verifier(
        hmac: Bool = false, cache: VerifiedTokenCache? = nil, keys: JWKSet? = nil,
        now: Double = TestKeys.now
    ) throws -> JWTVerifier {
        JWTVerifier(
            keys: StaticJWKSProvider(try keys ?? TestKeys.jwks()),
            hmacSecret: hmac ? TestKeys.secret : nil,
            validation: JWTValidation(
                issuers: ["https://idp.example"], audiences: ["orders", "billing"], leeway: 30, clock: { now }),
            cache: cache)
    }
}
