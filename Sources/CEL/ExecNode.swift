/// The executable form of a planned program: a tree of immutable objects, one class per node kind. Children are
/// `let` properties, so walking the tree costs a virtual call per node and no reference counting or allocation.
class ExecNode: @unchecked Sendable {
    /// Source offset for errors this node creates (-1: unknown). Set once while the tree is built.
    var offset = -1

    func eval<A: CELActivation>(_ act: A, _ c: inout EvalContext) -> CELValue { .err("internal error: abstract node") }

    /// Gives a newly created error this node's source offset; other values pass through.
    @inline(__always) final func locate(_ v: CELValue) -> CELValue {
        if case .error(let e) = v, e.offset == nil, offset >= 0 { return .error(CELError(message: e.message, offset: offset)) }
        return v
    }
}

extension EvalContext {
    /// Charges one unit and enters one nesting level; false when a limit is exceeded (the caller returns `failure`).
    @inline(__always) mutating func enter() -> Bool {
        cost &+= 1
        depth &+= 1
        return cost <= maxCost && depth <= maxDepth
    }
    @inline(__always) mutating func leave() { depth &-= 1 }
    var failure: CELValue { cost > maxCost ? Evaluator.costExceeded : Evaluator.depthExceeded }
}
