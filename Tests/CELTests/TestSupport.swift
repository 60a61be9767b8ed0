@testable import CEL

/// Compiles and evaluates `source` with the given variables (declared with their value's type, containers as dyn).
func evaluate(_ source: String, _ vars: [String: CELValue] = [:], limits: CELLimits = CELLimits()) throws -> CELValue {
    var env = CELEnvironment(limits: limits)
    var values: [Int: CELValue] = [:]
    for (name, v) in vars.sorted(by: { $0.key < $1.key }) {
        values[env.declare(name, Checker.staticTypeDeep(of: v))] = v
    }
    return try CELProgram(source, environment: env).evaluate(CELDictionaryActivation(values))
}

/// The compile diagnostics for `source` (empty when it compiles).
func diagnostics(_ source: String, limits: CELLimits = CELLimits(), declare: [String: CELType] = [:]) -> [CELDiagnostic] {
    var env = CELEnvironment(limits: limits)
    for (n, t) in declare { env.declare(n, t) }
    do {
        _ = try CELProgram(source, environment: env)
        return []
    } catch {
        return error.diagnostics
    }
}

extension CELValue {
    var errorMessage: String? {
        if case .error(let e) = self { return e.message }
        return nil
    }
}
