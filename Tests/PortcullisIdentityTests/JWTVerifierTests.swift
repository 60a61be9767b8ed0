import JSONSchema
import PortcullisModel
import Testing

@testable import PortcullisIdentity

@Suite struct JWTVerifierTests {
    static let signed: [(JWTAlgorithm, String)] = [
        (.rs256, "rsa"), (.rs384, "rsa"), (.rs512, "rsa"), (.ps256, "rsa"), (.ps384, "rsa"), (.ps512, "rsa"),
        (.es256, "p256"), (.es384, "p384"), (.edDSA, "ed"),
    ]

    static func key(_ kid: String) -> SigningKey {
        switch kid {
        case "p256": return TestKeys.p256
        case "p384": return TestKeys.p384
        case "ed": return TestKeys.ed25519
        default: return TestKeys.rsa
        }
    }

    @Test(arguments: signed)
    func verifiesEveryAlgorithm(_ alg: JWTAlgorithm, _ kid: String) throws {
        let token = try TokenMaker.token(alg, key: Self.key(kid), kid: kid, claims: TokenMaker.claims(extra: [
            "role": .string("admin"), "realm_access": .object(["roles": .array([.string("a"), .string("b")])]),
        ]))
        let verified = try TokenMaker.verifier().verify(token)
        #expect(verified.algorithm == alg)
        #expect(verified.keyID == kid)
        #expect(verified.subject == "user-1")
        #expect(verified.claims["role"] == .string("admin"))
        #expect(verified.claim(["realm_access", "roles"]) == .array([.string("a"), .string("b")]))
        #expect(verified.claimsValue["iss"] == .string("https://idp.example"))
    }

    @Test(arguments: signed)
    func tamperedPayloadFails(_ alg: JWTAlgorithm, _ kid: String) throws {
        let token = try TokenMaker.token(alg, key: Self.key(kid), kid: kid)
        let parts = token.split(separator: ".").map(String.init)
        let forged = TokenMaker.encode(TokenMaker.claims(extra: ["role": .string("admin")]))
        #expect(throws: JWTError.invalidSignature) {
            _ = try TokenMaker.verifier().verify(parts[0] + "." + forged + "." + parts[2])
        }
    }

    @Test(arguments: signed)
    func tamperedSignatureFails(_ alg: JWTAlgorithm, _ kid: String) throws {
        let token = try TokenMaker.token(alg, key: Self.key(kid), kid: kid)
        let parts = token.split(separator: ".").map(String.init)
        var sig = try #require(Base64URL.decode(parts[2]))
        sig[sig.count / 2] ^= 0x01
        #expect(throws: JWTError.invalidSignature) {
            _ = try TokenMaker.verifier().verify(parts[0] + "." + parts[1] + "." + Base64URL.encode(sig))
        }
        // A truncated or empty signature is invalid too, never a crash.
        #expect(throws: JWTError.invalidSignature) {
            _ = try TokenMaker.verifier().verify(parts[0] + "." + parts[1] + "." + Base64URL.encode(Array(sig.prefix(10))))
        }
        #expect(throws: JWTError.invalidSignature) { _ = try TokenMaker.verifier().verify(parts[0] + "." + parts[1] + ".") }
    }

    @Test func signatureByAnotherKeyWithSameKidFails() throws {
        let token = try TokenMaker.token(.rs256, key: TestKeys.rsa2, kid: "rsa")
        #expect(throws: JWTError.invalidSignature) { _ = try TokenMaker.verifier().verify(token) }
    }

    @Test func expiredAndLeeway() throws {
        let v = try TokenMaker.verifier()
        let expired = try TokenMaker.token(.rs256, key: TestKeys.rsa, kid: "rsa", claims: TokenMaker.claims(exp: TestKeys.now - 31))
        #expect(throws: JWTError.expired) { _ = try v.verify(expired) }
        let withinLeeway = try TokenMaker.token(.rs256, key: TestKeys.rsa, kid: "rsa", claims: TokenMaker.claims(exp: TestKeys.now - 29))
        _ = try v.verify(withinLeeway)
    }

    @Test func notYetValidAndIssuedInFuture() throws {
        let v = try TokenMaker.verifier()
        let early = try TokenMaker.token(.es256, key: TestKeys.p256, kid: "p256", claims: TokenMaker.claims(nbf: TestKeys.now + 31))
        #expect(throws: JWTError.notYetValid) { _ = try v.verify(early) }
        let future = try TokenMaker.token(.es256, key: TestKeys.p256, kid: "p256", claims: TokenMaker.claims(iat: TestKeys.now + 600))
        #expect(throws: JWTError.issuedInFuture) { _ = try v.verify(future) }
        let skewed = try TokenMaker.token(.es256, key: TestKeys.p256, kid: "p256", claims: TokenMaker.claims(nbf: TestKeys.now + 20))
        _ = try v.verify(skewed)
    }

    @Test func missingExpiryRefusedByDefault() throws {
        let token = try TokenMaker.token(.edDSA, key: TestKeys.ed25519, kid: "ed", claims: TokenMaker.claims(exp: nil))
        #expect(throws: JWTError.missingClaim("exp")) { _ = try TokenMaker.verifier().verify(token) }
    }

    @Test func wrongAudienceAndIssuer() throws {
        let v = try TokenMaker.verifier()
        let aud = try TokenMaker.token(.rs256, key: TestKeys.rsa, kid: "rsa", claims: TokenMaker.claims(aud: .string("payments")))
        #expect(throws: JWTError.invalidAudience) { _ = try v.verify(aud) }
        let noAud = try TokenMaker.token(.rs256, key: TestKeys.rsa, kid: "rsa", claims: TokenMaker.claims(aud: .array([])))
        #expect(throws: JWTError.invalidAudience) { _ = try v.verify(noAud) }
        let audArray = try TokenMaker.token(.rs256, key: TestKeys.rsa, kid: "rsa",
                                            claims: TokenMaker.claims(aud: .array([.string("x"), .string("billing")])))
        #expect(try v.verify(audArray).audiences == ["x", "billing"])
        let iss = try TokenMaker.token(.rs256, key: TestKeys.rsa, kid: "rsa", claims: TokenMaker.claims(iss: "https://evil.example"))
        #expect(throws: JWTError.invalidIssuer) { _ = try v.verify(iss) }
    }

    @Test func algNoneIsRefused() throws {
        for alg in ["none", "None", "NONE"] {
            let token = TokenMaker.encode(["alg": .string(alg)]) + "." + TokenMaker.encode(TokenMaker.claims()) + "."
            #expect(throws: JWTError.algorithmNone) { _ = try TokenMaker.verifier(hmac: true).verify(token) }
        }
    }

    @Test func unknownKidIsRefusedAndReported() throws {
        final class Recorder: JWKSProvider, @unchecked Sendable {
            let set: JWKSet
            var asked: [String] = []
            init(_ set: JWKSet) { self.set = set }
            func currentKeys() -> JWKSet? { set }
            func unknownKeyID(_ kid: String) { asked.append(kid) }
        }
        let provider = Recorder(try TestKeys.jwks())
        let v = JWTVerifier(keys: provider, validation: JWTValidation(clock: { TestKeys.now }), cache: nil)
        let token = try TokenMaker.token(.rs256, key: TestKeys.rsa, kid: "rotated")
        #expect(throws: JWTError.unknownKey(kid: "rotated")) { _ = try v.verify(token) }
        #expect(provider.asked == ["rotated"])
    }

    @Test func wrongKeyTypeIsRefused() throws {
        let v = try TokenMaker.verifier()
        // RS256 token pointing at an EC key.
        let rsOnEC = try TokenMaker.token(.rs256, key: TestKeys.rsa, kid: "p256")
        #expect(throws: JWTError.keyAlgorithmMismatch(.rs256, key: "EC P-256 public key")) { _ = try v.verify(rsOnEC) }
        // ES384 token pointing at the P-256 key (curve mismatch), and at the RSA key.
        let es384 = try TokenMaker.token(.es384, key: TestKeys.p384, kid: "p256")
        #expect(throws: JWTError.keyAlgorithmMismatch(.es384, key: "EC P-256 public key")) { _ = try v.verify(es384) }
        let esOnRSA = try TokenMaker.token(.es384, key: TestKeys.p384, kid: "rsa")
        #expect(throws: JWTError.keyAlgorithmMismatch(.es384, key: "RSA-2048 public key")) { _ = try v.verify(esOnRSA) }
        // EdDSA token at an RSA key.
        let edOnRSA = try TokenMaker.token(.edDSA, key: TestKeys.ed25519, kid: "rsa")
        #expect(throws: JWTError.keyAlgorithmMismatch(.edDSA, key: "RSA-2048 public key")) { _ = try v.verify(edOnRSA) }
    }

    @Test func hmacWithoutSecretIsRefused() throws {
        let token = try TokenMaker.token(.hs256, key: nil, kid: "rsa")
        #expect(throws: JWTError.hmacNotConfigured) { _ = try TokenMaker.verifier().verify(token) }
    }

    @Test func hmacWithSecretVerifies() throws {
        let token = try TokenMaker.token(.hs256, key: nil)
        #expect(try TokenMaker.verifier(hmac: true).verify(token).algorithm == .hs256)
        let parts = token.split(separator: ".").map(String.init)
        let forged = parts[0] + "." + TokenMaker.encode(TokenMaker.claims(extra: ["role": .string("admin")])) + "." + parts[2]
        #expect(throws: JWTError.invalidSignature) { _ = try TokenMaker.verifier(hmac: true).verify(forged) }
    }

    @Test func algorithmConfusionWithPublicKeyAsSecretFails() throws {
        // The classic attack: HS256 "signed" with the RSA public key's PEM as the HMAC secret.
        let pem = try TestKeys.rsa.publicKey.pem()
        let input = TokenMaker.encode(["alg": .string("HS256"), "kid": .string("rsa")]) + "." + TokenMaker.encode(TokenMaker.claims())
        let mac = try #require(HMAC.mac(Array(input.utf8), key: Array(pem.utf8), algorithm: .hs256))
        let token = input + "." + Base64URL.encode(mac)
        #expect(throws: JWTError.hmacNotConfigured) { _ = try TokenMaker.verifier().verify(token) }
        #expect(throws: JWTError.invalidSignature) { _ = try TokenMaker.verifier(hmac: true).verify(token) }
    }

    @Test func tokenWithoutKidUsesFittingKeys() throws {
        let token = try TokenMaker.token(.es384, key: TestKeys.p384)
        #expect(try TokenMaker.verifier().verify(token).algorithm == .es384)
        let onlyEC = JWKSet(keys: [JWK(key: TestKeys.p256.publicKey)])
        let rs = try TokenMaker.token(.rs256, key: TestKeys.rsa)
        #expect(throws: JWTError.keyAlgorithmMismatch(.rs256, key: "EC P-256 public key")) {
            _ = try TokenMaker.verifier(keys: onlyEC).verify(rs)
        }
    }

    @Test func jwkAlgPinsTheAlgorithm() throws {
        // An RSA key pinned to RS256 by its JWK `alg` refuses a PS256 token.
        let pinned = JWKSet(keys: [JWK(key: TestKeys.rsa.publicKey, keyID: "rsa", algorithm: .rs256)])
        let ps = try TokenMaker.token(.ps256, key: TestKeys.rsa, kid: "rsa")
        #expect(throws: JWTError.keyAlgorithmMismatch(.ps256, key: "RSA-2048 public key")) {
            _ = try TokenMaker.verifier(keys: pinned).verify(ps)
        }
        _ = try TokenMaker.verifier(keys: pinned).verify(try TokenMaker.token(.rs256, key: TestKeys.rsa, kid: "rsa"))
    }

    @Test func restrictedAlgorithmsAreEnforced() throws {
        let v = JWTVerifier(keys: StaticJWKSProvider(try TestKeys.jwks()),
                            validation: JWTValidation(algorithms: [.rs256], clock: { TestKeys.now }))
        let token = try TokenMaker.token(.ps256, key: TestKeys.rsa, kid: "rsa")
        #expect(throws: JWTError.algorithmNotAllowed(.ps256)) { _ = try v.verify(token) }
    }

    @Test func keysUnavailable() throws {
        struct Empty: JWKSProvider {
            func currentKeys() -> JWKSet? { nil }
            func unknownKeyID(_ kid: String) {}
        }
        let v = JWTVerifier(keys: Empty(), validation: JWTValidation(clock: { TestKeys.now }))
        #expect(throws: JWTError.keysUnavailable) { _ = try v.verify(try TokenMaker.token(.rs256, key: TestKeys.rsa, kid: "rsa")) }
    }

    @Test(arguments: [
        ("", "expected three segments"),
        ("a.b", "expected three segments"),
        ("a.b.c.d.e", "encrypted tokens (JWE) are not supported"),
        ("eyJhbGciOiJSUzI1NiJ9=.e30.", "header is not base64url"),
        ("e30.e30.", "header has no alg"),
        ("W10.e30.", "header is not a JSON object"),
    ])
    func malformedTokens(_ token: String, _ detail: String) throws {
        #expect(throws: JWTError.malformed(detail)) { _ = try TokenMaker.verifier().verify(token) }
    }

    @Test func malformedClaimsAndHeader() throws {
        let header = TokenMaker.encode(["alg": .string("RS256")])
        let dup = Base64URL.encode(#"{"exp":1,"exp":2}"#)
        #expect(throws: JWTError.self) { _ = try JWT.parse(header + "." + dup + ".") }
        let badExp = TokenMaker.encode(["exp": .string("tomorrow")])
        #expect(throws: JWTError.malformed("exp is not a number")) { _ = try JWT.parse(header + "." + badExp + ".") }
        let badAud = TokenMaker.encode(["aud": .number(1)])
        #expect(throws: JWTError.malformed("aud is not a string or an array of strings")) { _ = try JWT.parse(header + "." + badAud + ".") }
        let crit = TokenMaker.encode(["alg": .string("RS256"), "crit": .array([.string("b64")])])
        #expect(throws: JWTError.criticalHeader) { _ = try JWT.parse(crit + "." + TokenMaker.encode([:]) + ".") }
        let unknown = TokenMaker.encode(["alg": .string("RS1")])
        #expect(throws: JWTError.unsupportedAlgorithm("RS1")) { _ = try JWT.parse(unknown + ".e30.") }
        let long = String(repeating: "a", count: JWT.defaultMaxBytes + 1)
        #expect(throws: JWTError.malformed("token longer than 16384 bytes")) { _ = try TokenMaker.verifier().verify(long) }
    }

    @Test func challengeHeader() {
        #expect(JWTError.expired.challenge() == #"Bearer error="invalid_token", error_description="token expired""#)
        #expect(BearerChallenge.header(description: #"say "hi" \ bye"#, realm: "api") ==
                #"Bearer realm="api", error="invalid_token", error_description="say \"hi\" \\ bye""#)
        #expect(BearerChallenge.header(description: "line\nbreak é") == #"Bearer error="invalid_token", error_description="line?break ?""#)
    }
}
