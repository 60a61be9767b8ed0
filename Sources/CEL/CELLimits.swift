/// Limits applied while compiling and evaluating an expression. The defaults suit request-time evaluation.
public struct CELLimits: Sendable {
    /// Maximum expression length in UTF-8 bytes.
    public var maxSourceLength: Int
    /// Maximum nesting depth of the syntax tree (parentheses, calls, operator chains).
    public var maxParseDepth: Int
    /// Evaluation cost budget: roughly one unit per node evaluated, per comprehension step and per 16 bytes built.
    public var maxCost: Int
    /// Maximum evaluation nesting (calls and comprehensions inside each other).
    public var maxEvalDepth: Int

    public init() {
        maxSourceLength = 32_768
        maxParseDepth = 100
        maxCost = 1_000_000
        maxEvalDepth = 200
    }

    public init(maxSourceLength: Int, maxParseDepth: Int, maxCost: Int, maxEvalDepth: Int) {
        self.maxSourceLength = maxSourceLength
        self.maxParseDepth = maxParseDepth
        self.maxCost = maxCost
        self.maxEvalDepth = maxEvalDepth
    }
}
