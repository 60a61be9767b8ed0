/// Mutable per-evaluation state: the cost spent, the nesting depth and comprehension locals.
struct EvalContext {
    let maxCost: Int
    let maxDepth: Int
    var cost = 0
    var depth = 0
    var locals: [CELValue] = []

    init(limits: CELLimits) {
        self.maxCost = limits.maxCost
        self.maxDepth = limits.maxEvalDepth
    }
}
