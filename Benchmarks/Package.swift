// swift-tools-version:6.1
import PackageDescription

// Micro-benchmarks (ordo-one/benchmark). A separate package so that `swift build` / `make test` of the main
// package never builds them. Run with `make bench-cel`.

/// One benchmark suite: Benchmarks/<name>, depending on the benchmark library and the named Portcullis products.
func suite(_ name: String, _ products: [String], extra: [Target.Dependency] = []) -> Target {
    .executableTarget(
        name: name,
        dependencies: [.product(name: "Benchmark", package: "benchmark")]
            + products.map { .product(name: $0, package: "portcullis") } + extra,
        path: "Benchmarks/\(name)",
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
}

let package = Package(
    name: "portcullis-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "portcullis", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        suite("CELBenchmarks", ["CEL"]),
        suite("RegexBenchmarks", ["LinearRegex"]),
        suite("PolicyBenchmarks", ["PortcullisPolicy", "PortcullisModel"], extra: ["ExampleRequests"]),
        suite("IdentityBenchmarks", ["PortcullisIdentity", "PortcullisModel"]),
        suite("IdentityDecisionBenchmarks", ["PortcullisPolicy", "PortcullisIdentity", "PortcullisModel"]),
        suite("CodecBenchmarks", ["PortcullisCodec", "PortcullisModel"]),
        suite("BodyBenchmarks", ["PortcullisIdentity", "PortcullisModel"]),  // JSONSchema comes with the PortcullisIdentity product
        // Requests shared by the suites and the profiling loop.
        .target(name: "ExampleRequests", path: "Shared/ExampleRequests"),
        // A plain loop of decisions for profilers (callgrind, perf): see docs/BENCHMARKS.md, "Profiling a decision".
        .executableTarget(
            name: "DecideProfile",
            dependencies: [
                "ExampleRequests", .product(name: "PortcullisPolicy", package: "portcullis"),
                .product(name: "PortcullisModel", package: "portcullis"),
            ],
            path: "Profile"
        ),
    ]
)
