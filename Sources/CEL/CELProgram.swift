/// A compiled CEL expression: parsed, checked and planned once; evaluated many times, concurrently if wanted.
public struct CELProgram: Sendable {
    let root: Node
    let limits: CELLimits
    public let resultType: CELType
    public let referencedSlots: [Int]
    public let source: String

    /// Parse, check and plan. Throws every diagnostic at once.
    public init(_ source: String, environment: CELEnvironment) throws(CELCompileError) {
        try self.init(source, environment: environment, checkTypes: true)
    }

    /// Parse, check and plan. With `checkTypes: false`, type and name-resolution problems do not stop compilation:
    /// the affected parts evaluate to errors instead (syntax errors and limits still throw).
    public init(_ source: String, environment: CELEnvironment, checkTypes: Bool) throws(CELCompileError) {
        let (parsed, parseDiagnostics) = Parser.parse(source, limits: environment.limits)
        guard let expr = parsed else { throw CELCompileError(diagnostics: parseDiagnostics) }
        var checker = Checker(env: environment, source: Array(source.utf8))
        let (resolved, type) = checker.check(expr)
        if checkTypes && !checker.diagnostics.isEmpty { throw CELCompileError(diagnostics: checker.diagnostics) }
        self.root = Planner().plan(resolved)
        self.limits = environment.limits
        self.resultType = type
        self.referencedSlots = checker.referenced.sorted()
        self.source = source
    }

    /// Evaluates against the activation; returns `.error(...)` on failure.
    public func evaluate<A: CELActivation>(_ activation: A) -> CELValue {
        withoutActuallyEscaping({ (slot: Int) -> CELValue? in activation.value(forSlot: slot) }) { lookup in
            var c = EvalContext(lookup: lookup, limits: limits)
            return Evaluator.eval(root, &c)
        }
    }

    /// True when the program is a constant (no variables are read).
    public var isConstant: Bool {
        if case .constant = root { return true }
        return false
    }
}
