import Benchmark
import LinearRegex

// LinearRegex: matching request-header-sized input, a long pathological input, and compiling.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal],
        timeUnits: .nanoseconds,
        warmupIterations: 3,
        maxDuration: .seconds(2),
        maxIterations: 2_000
    )

    let bearer = try! LinearRegex("^Bearer [A-Za-z0-9._~+/-]+=*$")
    let token = "Bearer " + String(repeating: "eyJhbGciOiJSUzI1NiJ9.", count: 10)   // 227 characters
    Benchmark("regex search bearer header (227 chars)", configuration: .init(scalingFactor: .kilo)) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(bearer.search(token)) }
    }

    let pathPattern = try! LinearRegex("^/api/v[0-9]+/users/[^/]+/orders$")
    Benchmark("regex wholeMatch path (31 chars)", configuration: .init(scalingFactor: .kilo)) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(pathPattern.wholeMatch("/api/v2/users/alice-42/orders")) }
    }

    let pathological = try! LinearRegex("(a|aa)*b")
    let longA = String(repeating: "a", count: 100_000)
    Benchmark("regex search (a|aa)*b over 100k chars") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(pathological.search(longA)) }
    }

    let nfaOnly = try! LinearRegex("(a|b)*a(a|b){12}$")     // DFA over budget: NFA simulation
    let longAB = String(repeating: "ab", count: 5_000)
    Benchmark("regex search NFA fallback over 10k chars") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(nfaOnly.search(longAB)) }
    }

    Benchmark("regex compile bearer pattern") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try? LinearRegex("^Bearer [A-Za-z0-9._~+/-]+=*$")) }
    }

    // A pattern that is not a constant (CEL `s.matches(pattern_variable)`): compiled and used once.
    Benchmark("regex compile + first search, bearer header (NFA)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try? LinearRegex("^Bearer [A-Za-z0-9._~+/-]+=*$").search(token)) }
    }

    Benchmark("regex compile (a|b)*a(a|b){12}$ (DFA budget exceeded)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try? LinearRegex("(a|b)*a(a|b){12}$")) }
    }
}
