/// A compiled CEL expression: parsed, checked and planned once; evaluated many times, concurrently if wanted.
public struct CELProgram: Sendable {
    /// Everything in one immutable object, so copying a program is one reference count.
    final class Core: Sendable {
        let root: ExecNode
        let limits: CELLimits
        let resultType: CELType
        let referencedSlots: [Int]
        let source: String

        init(root: ExecNode, limits: CELLimits, resultType: CELType, referencedSlots: [Int], source: String) {
            self.root = root
            self.limits = limits
            self.resultType = resultType
            self.referencedSlots = referencedSlots
            self.source = source
        }
    }

    let core: Core
    public var resultType: CELType { core.resultType }
    public var referencedSlots: [Int] { core.referencedSlots }
    public var source: String { core.source }

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
        self.core = Core(root: Planner().plan(resolved).lower(), limits: environment.limits, resultType: type,
                         referencedSlots: checker.referenced.sorted(), source: source)
    }

    /// Evaluates against the activation; returns `.error(...)` on failure.
    public func evaluate<A: CELActivation>(_ activation: A) -> CELValue {
        var c = EvalContext(limits: core.limits)
        return core.root.eval(activation, &c)
    }

    /// Formats an evaluation error with its position in the expression, when known:
    /// "1:5: message", the source line and a caret; otherwise just the message.
    public func describe(_ error: CELError) -> String {
        guard let offset = error.offset else { return error.message }
        return CELDiagnostic(message: error.message, offset: offset, length: 1, source: Array(core.source.utf8)).description
    }

    /// True when the program is a constant (no variables are read).
    public var isConstant: Bool {
        core.root is ConstNode
    }
}
