import Benchmark
import PortcullisCodec
import PortcullisModel

/// The request `make bench-server` sends (scripts/bench_server.py `bench_request`): the storefront
/// reading an order, as Envoy sends it (pseudo-headers in the `headers` map, `path` with its query).
let benchRequest: AuthzRequest = {
    let host = "orders.orders.svc.cluster.local"
    let path = "/v1/orders/12345?expand=items"
    var headers = HTTPHeaders()
    for (k, v) in [
        (":authority", host), (":method", "GET"), (":path", path), ("user-agent", "bench/1.0"),
        ("accept", "application/json"), ("x-request-id", "4f1c2b7e-bench"), ("x-forwarded-proto", "http"),
        ("x-tenant", "acme"),
    ] { headers.add(k, v) }
    return AuthzRequest(
        source: PeerInfo(address: "10.0.0.1", port: 40000, principal: "spiffe://cluster.local/ns/shop/sa/storefront"),
        destination: PeerInfo(address: "10.0.0.2", port: 8080, principal: "spiffe://cluster.local/ns/orders/sa/orders-api"),
        http: HTTPRequestInfo(
            id: "req-1", method: "GET", path: path, host: host, scheme: "http", protocol: "HTTP/1.1", headers: headers))
}()

/// What the example bundle answers it: one computed upstream header, a query parameter, dynamic metadata.
let benchDecision = Decision(
    allowed: true,
    headers: [HeaderMutation(name: "x-tenant-id", value: "acme")],
    queryParametersToSet: [(key: "tenant", value: "acme")],
    dynamicMetadata: ["portcullis": .object(["policy": .string("orders-api"), "rule": .string("storefront-reads")])])

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal],
        timeUnits: .nanoseconds,
        warmupIterations: 100,
        maxDuration: .seconds(2),
        maxIterations: 200_000
    )

    let bytes = CheckRequestEncoder.encode(benchRequest)
    let decoder = CheckRequestDecoder()
    precondition((try? decoder.decode(bytes: bytes))?.http?.path == benchRequest.http?.path)
    Benchmark("codec decode: CheckRequest, \(bytes.count) bytes (bench-server request)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try? decoder.decode(bytes: bytes)) }
    }

    let encoder = CheckResponseEncoder()
    precondition(!encoder.encode(benchDecision).isEmpty)
    Benchmark("codec encode: CheckResponse allow (header, query parameter, dynamic metadata)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(encoder.encode(benchDecision)) }
    }
    Benchmark("codec encode: CheckResponse allow, no mutation") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(encoder.encode(.allow)) }
    }
}
