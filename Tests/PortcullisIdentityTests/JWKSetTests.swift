import JSONSchema
import PortcullisModel
import Testing

@testable import PortcullisIdentity

@Suite struct JWKSetTests {
    @Test func roundTripsThroughAJWKSDocument() throws {
        let document = try TestKeys.jwks().document()
        let text = JSONWriter.string(document)
        let parsed = try JWKSet(json: text)
        #expect(parsed.skipped == [])
        #expect(parsed.keys.map(\.keyID) == ["rsa", "p256", "p384", "ed"])
        #expect(parsed.key(id: "rsa")?.key.kind == .rsa(bits: 2048))
        #expect(parsed.key(id: "p256")?.key.kind == .ec(.p256))
        #expect(parsed.key(id: "p256")?.algorithm == .es256)
        #expect(parsed.key(id: "p384")?.key.kind == .ec(.p384))
        #expect(parsed.key(id: "ed")?.key.kind == .ed25519)
        // Keys loaded from the document verify tokens signed by the originals.
        for (alg, kid, key) in [(JWTAlgorithm.ps384, "rsa", TestKeys.rsa), (.es256, "p256", TestKeys.p256), (.edDSA, "ed", TestKeys.ed25519)] {
            let token = try TokenMaker.token(alg, key: key, kid: kid)
            #expect(try TokenMaker.verifier(keys: parsed).verify(token).keyID == kid)
        }
    }

    @Test func skipsUnusableKeysWithReasons() throws {
        let ec = try TestKeys.p256.publicKey.jwk()
        let text = """
        {"keys": [
          {"kty": "RSA", "kid": "enc", "use": "enc", "n": "\(try TestKeys.rsa.publicKey.jwk()["n"]!)", "e": "AQAB"},
          {"kty": "oct", "kid": "sym", "k": "c2VjcmV0"},
          {"kty": "EC", "kid": "badcurve", "crv": "P-999", "x": "\(ec["x"]!)", "y": "\(ec["y"]!)"},
          {"kty": "EC", "kid": "offcurve", "crv": "P-256", "x": "\(ec["x"]!)", "y": "\(ec["x"]!)"},
          {"kty": "EC", "kid": "confused", "alg": "RS256", "crv": "P-256", "x": "\(ec["x"]!)", "y": "\(ec["y"]!)"},
          {"kty": "RSA", "kid": "small", "n": "AQAB", "e": "AQAB"},
          {"kty": "RSA", "kid": "priv", "n": "AQAB", "e": "AQAB", "d": "AQAB"},
          {"kty": "OKP", "kid": "x25519", "crv": "X25519", "x": "AAAA"},
          {"kty": "EC", "kid": "good", "crv": "P-256", "x": "\(ec["x"]!)", "y": "\(ec["y"]!)"},
          {"kty": "EC", "kid": "good", "crv": "P-256", "x": "\(ec["x"]!)", "y": "\(ec["y"]!)"}
        ]}
        """
        let set = try JWKSet(json: text)
        #expect(set.keys.map(\.keyID) == ["good"])
        #expect(set.skipped.count == 9)
        #expect(set.skipped[0] == #"keys[0]: key "enc": use "enc" is not sig"#)
        #expect(set.skipped[1] == #"keys[1]: key "sym": symmetric keys are configured as a shared secret, not in a JWKS"#)
        #expect(set.skipped[2] == #"keys[2]: key "badcurve": unsupported or missing EC crv"#)
        #expect(set.skipped[3].hasPrefix(#"keys[3]: key "offcurve": load EC key failed: "#))
        #expect(set.skipped[4] == #"keys[4]: key "confused": alg RS256 does not fit a EC P-256 public key"#)
        #expect(set.skipped[5].hasPrefix(#"keys[5]: key "small": load RSA key failed"#))
        #expect(set.skipped[6] == #"keys[6]: key "priv": private key material (d) does not belong in a JWKS"#)
        #expect(set.skipped[7] == #"keys[7]: key "x25519": only the Ed25519 OKP curve is supported"#)
        #expect(set.skipped[8] == #"duplicate kid "good""#)
    }

    @Test func refusesDocumentsWithoutKeys() {
        #expect(throws: JWKSet.Invalid.self) { _ = try JWKSet(json: "{}") }
        #expect(throws: JWKSet.Invalid.self) { _ = try JWKSet(json: "not json") }
        #expect(throws: JWKSet.Invalid.self) { _ = try JWKSet(json: #"{"keys": {}}"#) }
    }

    @Test func pemKeys() throws {
        let provider = try StaticJWKSProvider(pemKeys: [(kid: "pem-rsa", pem: try TestKeys.rsa.publicKey.pem())])
        let v = JWTVerifier(keys: provider, validation: JWTValidation(clock: { TestKeys.now }))
        #expect(try v.verify(try TokenMaker.token(.rs512, key: TestKeys.rsa, kid: "pem-rsa")).keyID == "pem-rsa")
        #expect(throws: OpenSSLError.self) { _ = try PublicKey(pem: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n") }
        do {
            _ = try PublicKey(pem: "garbage")
            Issue.record("garbage PEM accepted")
        } catch {
            #expect(error.operation == "read PEM public key")
            #expect(!error.message.isEmpty)
        }
    }
}

@Suite struct VerifiedTokenCacheTests {
    @Test func repeatedTokenIsServedFromCache() throws {
        let cache = VerifiedTokenCache(capacity: 10)
        let v = try TokenMaker.verifier(cache: cache)
        let token = try TokenMaker.token(.rs256, key: TestKeys.rsa, kid: "rsa")
        _ = try v.verify(token)
        #expect(cache.count == 1)
        #expect(cache.statistics.hits == 0)
        _ = try v.verify(token)
        #expect(cache.statistics.hits == 1)
        // A verifier with an empty key set still answers from the cache: the signature is not checked again.
        let noKeys = JWTVerifier(keys: StaticJWKSProvider(.empty), validation: v.validation, cache: cache)
        #expect(try noKeys.verify(token).keyID == "rsa")
    }

    @Test func entriesExpireWithTheToken() throws {
        let cache = VerifiedTokenCache(capacity: 10)
        let token = try TokenMaker.token(.rs256, key: TestKeys.rsa, kid: "rsa", claims: TokenMaker.claims(exp: TestKeys.now + 100))
        _ = try TokenMaker.verifier(cache: cache).verify(token)
        // Past exp + leeway (30 s): the cached entry is not used and the token is refused.
        #expect(throws: JWTError.expired) { _ = try TokenMaker.verifier(cache: cache, now: TestKeys.now + 131).verify(token) }
        #expect(cache.count == 0)
    }

    @Test func failuresAreNotCached() throws {
        let cache = VerifiedTokenCache(capacity: 10)
        let token = try TokenMaker.token(.rs256, key: TestKeys.rsa2, kid: "rsa")
        #expect(throws: JWTError.invalidSignature) { _ = try TokenMaker.verifier(cache: cache).verify(token) }
        #expect(cache.count == 0)
    }

    @Test func boundedSizeEvictsOldest() throws {
        let cache = VerifiedTokenCache(capacity: 3)
        let v = try TokenMaker.verifier(cache: cache)
        var tokens: [String] = []
        for i in 0..<5 {
            let t = try TokenMaker.token(.hs256, key: nil, claims: TokenMaker.claims(extra: ["n": .number(Double(i))]))
            tokens.append(t)
        }
        let hv = try TokenMaker.verifier(hmac: true, cache: cache)
        for t in tokens { _ = try hv.verify(t) }
        #expect(cache.count == 3)
        _ = v
        #expect(cache.lookup(SHA256Digest(of: tokens[0]), now: TestKeys.now) == nil)
        #expect(cache.lookup(SHA256Digest(of: tokens[4]), now: TestKeys.now) != nil)
        // Many more insertions keep the bound (and compact the queue).
        for i in 0..<50 {
            _ = try hv.verify(try TokenMaker.token(.hs256, key: nil, claims: TokenMaker.claims(extra: ["m": .number(Double(i))])))
        }
        #expect(cache.count == 3)
    }

    @Test func concurrentUse() async throws {
        let cache = VerifiedTokenCache(capacity: 100)
        let v = try TokenMaker.verifier(hmac: true, cache: cache)
        let tokens = try (0..<10).map { try TokenMaker.token(.hs256, key: nil, claims: TokenMaker.claims(extra: ["n": .number(Double($0))])) }
        let ok = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<200 {
                group.addTask { (try? v.verify(tokens[i % 10])) != nil }
            }
            var all = true
            for await r in group { all = all && r }
            return all
        }
        #expect(ok)
        #expect(cache.count == 10)
        #expect(cache.statistics.hits + cache.statistics.misses == 200)
    }
}
