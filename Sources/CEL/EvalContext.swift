/// Mutable per-evaluation state: the variable look-up, the cost spent, the nesting depth and comprehension locals.
struct EvalContext {
    let lookup: (Int) -> CELValue?
    let maxCost: Int
    let maxDepth: Int
    var cost = 0
    var depth = 0
    var locals: [CELValue] = []

    init(lookup: @escaping (Int) -> CELValue?, limits: CELLimits) {
        self.lookup = lookup
        self.maxCost = limits.maxCost
        self.maxDepth = limits.maxEvalDepth
    }
}
