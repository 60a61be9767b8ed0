import Benchmark
import JSONSchema
import PortcullisIdentity
import PortcullisModel

// Identity: JWT verification on a cache miss and hit, API-key look-up among 100,000 keys,
// and request-body parsing + schema validation.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal],
        timeUnits: .nanoseconds,
        warmupIterations: 3,
        maxDuration: .seconds(2),
        maxIterations: 5_000
    )

    let now: Double = 1_800_000_000
    func token(_ alg: JWTAlgorithm, _ key: SigningKey, kid: String) -> String {
        let header = Base64URL.encode(JSONWriter.bytes(.object(["alg": .string(alg.rawValue), "kid": .string(kid), "typ": .string("JWT")])))
        let claims = Base64URL.encode(JSONWriter.bytes(.object([
            "iss": .string("https://idp.example"), "aud": .string("orders"), "sub": .string("user-1"),
            "exp": .number(now + 3600), "iat": .number(now - 10), "role": .string("admin"),
        ])))
        let input = header + "." + claims
        return input + "." + Base64URL.encode(try! key.sign(Array(input.utf8), algorithm: alg))
    }
    let rsa = try! SigningKey.generateRSA(bits: 2048)
    let p256 = try! SigningKey.generateEC(.p256)
    let ed = try! SigningKey.generateEd25519()
    let keys = JWKSet(keys: [JWK(key: rsa.publicKey, keyID: "rsa"), JWK(key: p256.publicKey, keyID: "ec"), JWK(key: ed.publicKey, keyID: "ed")])
    let validation = JWTValidation(issuers: ["https://idp.example"], audiences: ["orders"], clock: { now })
    let uncached = JWTVerifier(keys: StaticJWKSProvider(keys), validation: validation, cache: nil)
    let cached = JWTVerifier(keys: StaticJWKSProvider(keys), validation: validation, cache: VerifiedTokenCache())
    let rs256 = token(.rs256, rsa, kid: "rsa")
    let es256 = token(.es256, p256, kid: "ec")
    let eddsa = token(.edDSA, ed, kid: "ed")
    _ = try! cached.verify(rs256)

    Benchmark("jwt RS256 verify, cache miss") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try? uncached.verify(rs256)) }
    }
    Benchmark("jwt ES256 verify, cache miss") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try? uncached.verify(es256)) }
    }
    Benchmark("jwt EdDSA verify, cache miss") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try? uncached.verify(eddsa)) }
    }
    Benchmark("jwt RS256 verify, cache hit", configuration: .init(scalingFactor: .kilo)) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try? cached.verify(rs256)) }
    }

    let entries = (0..<100_000).map { APIKeyEntry(digest: SHA256Digest(of: "partner-key-\($0)"), owner: "partner-\($0 % 100)", scopes: ["orders:read"]) }
    let store = try! APIKeyStore(entries: entries)
    Benchmark("apikey lookup among 100k keys", configuration: .init(scalingFactor: .kilo)) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(store.lookup("partner-key-77777")) }
    }
    Benchmark("apikey store build, 100k keys (memory)",
              configuration: .init(metrics: [.wallClock, .peakMemoryResident, .mallocCountTotal], maxIterations: 5)) { benchmark in
        for _ in benchmark.scaledIterations {
            let e = (0..<100_000).map { APIKeyEntry(digest: SHA256Digest(of: "k-\($0)"), owner: "o", scopes: ["s"]) }
            blackHole(try? APIKeyStore(entries: e))
        }
    }

    let schema = try! JSONSchema(json: #"""
    {"type":"object","required":["customer","items"],"additionalProperties":false,
     "properties":{"customer":{"type":"string","format":"email"},
       "items":{"type":"array","minItems":1,"items":{"type":"object","required":["sku","qty"],
         "properties":{"sku":{"type":"string","pattern":"^SKU-[0-9]+$"},"qty":{"type":"integer","minimum":1}}}}}}
    """#)
    let body = Array(#"{"customer":"jane@shop.example","items":[{"sku":"SKU-1","qty":2},{"sku":"SKU-22","qty":1}]}"#.utf8)
    Benchmark("body parse + schema validate (order, 90 bytes)", configuration: .init(scalingFactor: .kilo)) { benchmark in
        for _ in benchmark.scaledIterations {
            if let v = try? JSONParser().parse(body) { blackHole(schema.isValid(v)) }
        }
    }
}
