import Benchmark
import ExampleRequests
import PortcullisModel
import PortcullisPolicy

/// The repository's example bundle (`policies/`), found from this file's path.
let examplePolicies: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(4)   // Benchmarks/Benchmarks/PolicyBenchmarks/PolicyBenchmarks.swift
    return parts.joined(separator: "/") + "/policies"
}()

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal],
        timeUnits: .nanoseconds,
        warmupIterations: 3,
        maxDuration: .seconds(2),
        maxIterations: 2_000
    )

    let example = try! BundleLoader.load(path: examplePolicies)
    let storefrontOrder = example.tests.first { $0.name == "storefront creates an order for a known tenant" }!
    precondition(example.decide(storefrontOrder.request).allowed, "the example request must be allowed")
    Benchmark("policy decide: example bundle, storefront creates an order (allow)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(example.decide(storefrontOrder.request)) }
    }

    // The request `make bench-server` sends (scripts/bench_server.py's bench_request): the storefront reading an
    // order for a known tenant — a `when` condition on bundle data, a computed header, query parameter and metadata.
    let storefrontRead = try! RequestDocument.parse(Array(ExampleRequests.storefrontRead.utf8))
    precondition(example.decide(storefrontRead).allowed, "the storefront's read must be allowed")
    Benchmark("policy decide: example bundle, storefront reads an order (allow)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(example.decide(storefrontRead)) }
    }

    // Every request of the example bundle's own tests (policies/tests), one decision per sample in turn: the median
    // of these samples is the median decision for the example bundle, over requests that exercise all its policies
    // (JWTs, API keys, edge headers, bodies, denials, 401s).
    let testRequests = example.tests.map(\.request)
    let turn = Turn(count: testRequests.count)
    Benchmark("policy decide: example bundle, each of its \(testRequests.count) test requests in turn") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(example.decide(testRequests[turn.next()])) }
    }

    for ruleCount in [10, 10_000] {
        let bundle = try! BundleLoader.load(files: GeneratedBundle.files(ruleCount: ruleCount))
        precondition(bundle.ruleCount == ruleCount)
        let last = try! GeneratedBundle.request(forRule: ruleCount - 1)
        let miss = try! GeneratedBundle.request(forRule: ruleCount)     // no rule: default deny
        precondition(bundle.decide(last).allowed && !bundle.decide(miss).allowed)
        Benchmark("policy decide: \(ruleCount) rules, last rule allows") { benchmark in
            for _ in benchmark.scaledIterations { blackHole(bundle.decide(last)) }
        }
        Benchmark("policy decide: \(ruleCount) rules, no rule matches (deny)") { benchmark in
            for _ in benchmark.scaledIterations { blackHole(bundle.decide(miss)) }
        }
    }

    let bigFiles = GeneratedBundle.files(ruleCount: 10_000)
    Benchmark(
        "policy compile: 10000 rules (parse, check, compile)",
        configuration: .init(
            metrics: [.wallClock, .mallocCountTotal, .peakMemoryResident], timeUnits: .milliseconds,
            warmupIterations: 1, maxDuration: .seconds(10), maxIterations: 5)
    ) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try? BundleLoader.load(files: bigFiles)) }
    }
}

/// A round-robin position shared by a benchmark's samples (they run one after another on one thread).
final class Turn: @unchecked Sendable {
    private let count: Int
    private var position = -1

    init(count: Int) { self.count = count }

    func next() -> Int {
        position = (position + 1) % count
        return position
    }
}
