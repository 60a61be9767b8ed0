import Benchmark
import Glibc
import PortcullisIdentity
import PortcullisModel
import PortcullisPolicy

/// Whole decisions through identity sources (identity.yaml): a cached JWT against no JWT, and an API key among
/// 100,000 keys, with that bundle's memory.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal],
        timeUnits: .nanoseconds,
        warmupIterations: 3,
        maxDuration: .seconds(2),
        maxIterations: 5_000
    )
    let key = try! SigningKey.generateRSA(bits: 2048)
    let jwk = try! key.publicKey.jwk(kid: "k1", algorithm: .rs256)
    let jwks = JSONValue.object(["keys": .array([.object(jwk.mapValues(JSONValue.string))])]).serialized()
    let manifest = "name: bench\nrevision: r1\n"
    let source = "spiffe://cluster.local/ns/shop/sa/storefront"

    func request(_ headers: [(String, String)]) -> AuthzRequest {
        AuthzRequest(
            source: PeerInfo(address: "10.1.0.5", port: 43000, principal: source),
            destination: PeerInfo(address: "10.2.0.9", port: 8080, principal: "spiffe://cluster.local/ns/orders/sa/orders-api"),
            http: HTTPRequestInfo(
                id: "r1", method: "POST", path: "/v1/orders", host: "orders.shop.svc", scheme: "https", protocol: "HTTP/2",
                headers: HTTPHeaders([("x-tenant", "acme")] + headers), body: "", size: 0))
    }

    // The same policy shape both ways: the role read from a header (no identity source) or from the JWT.
    let plain = try! BundleLoader.load(files: BundleFiles([
        "manifest.yaml": manifest,
        "orders.yaml": """
            name: orders
            rules:
              - name: create
                action: allow
                from: [{principals: ["\(source)"]}]
                to: [{methods: [POST], paths: ["/v1/orders"]}]
                when: ["request.headers['x-role'] == 'admin'"]
            """,
    ]))
    let withJWT = try! BundleLoader.load(files: BundleFiles([
        "manifest.yaml": manifest,
        "identity.yaml": """
            sources:
              user: {kind: jwt, issuer: https://idp.example, audiences: [orders], jwks_file: keys/idp.json, algorithms: [RS256]}
            """,
        "keys/idp.json": jwks,
        "orders.yaml": """
            name: orders
            identity: [user]
            rules:
              - name: create
                action: allow
                from: [{principals: ["\(source)"]}]
                to: [{methods: [POST], paths: ["/v1/orders"]}]
                when: ["identity.user.role == 'admin'"]
            """,
    ]))
    let header = Base64URL.encode(#"{"alg":"RS256","kid":"k1","typ":"JWT"}"#)
    let claims = Base64URL.encode(
        #"{"iss":"https://idp.example","aud":"orders","sub":"alice","role":"admin","exp":4102444800,"iat":1763769600}"#)
    let signature = try! key.sign(Array((header + "." + claims).utf8), algorithm: .rs256)
    let token = header + "." + claims + "." + Base64URL.encode(signature)
    let plainRequest = request([("x-role", "admin")])
    let jwtRequest = request([("authorization", "Bearer " + token)])
    precondition(plain.decide(plainRequest).allowed && withJWT.decide(jwtRequest).allowed)

    Benchmark("identity decide: no identity source (role from a header), allow") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(plain.decide(plainRequest)) }
    }
    Benchmark("identity decide: JWT source, cached RS256 token, allow") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(withJWT.decide(jwtRequest)) }
    }

    // 100,000 API keys in keys/partners.json; the memory the loaded bundle holds is printed once.
    let count = 100_000
    var entries: [String] = []
    entries.reserveCapacity(count)
    for i in 0..<count {
        entries.append(#"{"digest":"\#(APIKeyStore.storedForm(of: "pk_bench_\(i)"))","owner":"partner-\#(i % 1000)","scopes":["orders:read"]}"#)
    }
    let keysFile = "[" + entries.joined(separator: ",\n") + "]"
    entries = []
    var limits = BundleLimits()
    limits.maxFileBytes = 64 << 20
    limits.maxTotalBytes = 128 << 20
    let files = BundleFiles([
        "manifest.yaml": manifest,
        "identity.yaml": "sources:\n  partner: {kind: api_key, header: x-api-key, keys_file: keys/partners.json}\n",
        "keys/partners.json": keysFile,
        "orders.yaml": """
            name: orders
            identity: [partner]
            rules:
              - name: partners
                action: allow
                to: [{methods: [POST], paths: ["/v1/orders"]}]
                when: ["'orders:read' in identity.partner.scopes"]
            """,
    ])
    let before = residentBytes()
    let keyed = try! BundleLoader.load(files: files, limits: limits)
    let after = residentBytes()
    print("100,000-key bundle: keys file \(keysFile.utf8.count / 1024) KiB; resident memory +\((after - before) / 1024) KiB while loading (parse + store)")
    let keyRequest = request([("x-api-key", "pk_bench_99999")])
    precondition(keyed.decide(keyRequest).allowed)
    Benchmark("identity decide: API key among 100,000 keys, allow") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(keyed.decide(keyRequest)) }
    }
    Benchmark("identity: load a bundle with 100,000 API keys", configuration: .init(
        metrics: [.wallClock, .peakMemoryResident], maxDuration: .seconds(10), maxIterations: 3)) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try! BundleLoader.load(files: files, limits: limits)) }
    }
}

/// Resident set size in bytes (/proc/self/statm, second field, in pages).
func residentBytes() -> Int {
    guard let f = fopen("/proc/self/statm", "r") else { return 0 }
    defer { fclose(f) }
    var line = [CChar](repeating: 0, count: 256)
    guard fgets(&line, 256, f) != nil else { return 0 }
    let parts = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self).split(separator: " ")
    guard parts.count >= 2, let pages = Int(parts[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}
