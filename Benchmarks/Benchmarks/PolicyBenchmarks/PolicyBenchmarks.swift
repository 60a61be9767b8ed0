import Benchmark
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
