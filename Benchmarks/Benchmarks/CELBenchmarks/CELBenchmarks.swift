import Benchmark
import CEL

// The typical policy condition from the CEL issue, evaluated against a request-shaped activation.
let typicalCondition = #"request.method == "POST" && request.path.startsWith("/orders") && jwt.claims.role in ["admin", "ops"]"#

/// Slot-indexed values: what a policy engine hands the evaluator (no dictionary look-up per variable).
struct SlotActivation: CELActivation {
    var values: [CELValue?]
    func value(forSlot slot: Int) -> CELValue? {
        slot >= 0 && slot < values.count ? values[slot] : nil
    }
}

func typicalEnvironment() -> (CELEnvironment, method: Int, path: Int, claims: Int) {
    var environment = CELEnvironment()
    let method = environment.declare("request.method", .string)
    let path = environment.declare("request.path", .string)
    let claims = environment.declare("jwt.claims", .map(.string, .dyn))
    return (environment, method, path, claims)
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal],
        timeUnits: .nanoseconds,
        warmupIterations: 3,
        maxDuration: .seconds(2),
        maxIterations: 2_000
    )

    let (environment, method, path, claims) = typicalEnvironment()
    let program = try! CELProgram(typicalCondition, environment: environment)
    var values = [CELValue?](repeating: nil, count: max(method, path, claims) + 1)
    values[method] = .string("POST")
    values[path] = .string("/orders/12345")
    values[claims] = .map(CELMap(["role": .string("ops"), "sub": .string("alice")]))
    let activation = SlotActivation(values: values)
    precondition(program.evaluate(activation) == .bool(true), "typical condition must evaluate to true")

    Benchmark("CEL evaluate typical condition", configuration: .init(scalingFactor: .kilo)) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(program.evaluate(activation))
        }
    }

    Benchmark("CEL compile typical condition") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try? CELProgram(typicalCondition, environment: environment))
        }
    }

    let matchesProgram = try! CELProgram(#"request.path.matches("^/orders/[0-9]+$")"#, environment: environment)
    Benchmark("CEL evaluate matches() on request.path", configuration: .init(scalingFactor: .kilo)) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(matchesProgram.evaluate(activation))
        }
    }
}
