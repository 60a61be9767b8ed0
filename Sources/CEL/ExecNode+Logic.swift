// Logical operators and the conditional, with CEL's short-circuit and error-absorption rules.

final class AndNode: ExecNode, @unchecked Sendable {
    let lhs: ExecNode, rhs: ExecNode
    init(_ l: ExecNode, _ r: ExecNode) { lhs = l; rhs = r }
    override func eval<A: CELActivation>(_ act: A, _ c: inout EvalContext) -> CELValue {
        guard c.enter() else { return c.failure }
        defer { c.leave() }
        let x = lhs.eval(act, &c)
        if case .bool(false) = x { return x }
        let y = rhs.eval(act, &c)
        if case .bool(true) = x, case .bool = y { return y }
        return locate(Evaluator.logicalAnd(x, y))
    }
}

final class OrNode: ExecNode, @unchecked Sendable {
    let lhs: ExecNode, rhs: ExecNode
    init(_ l: ExecNode, _ r: ExecNode) { lhs = l; rhs = r }
    override func eval<A: CELActivation>(_ act: A, _ c: inout EvalContext) -> CELValue {
        guard c.enter() else { return c.failure }
        defer { c.leave() }
        let x = lhs.eval(act, &c)
        if case .bool(true) = x { return x }
        let y = rhs.eval(act, &c)
        if case .bool(false) = x, case .bool = y { return y }
        return locate(Evaluator.logicalOr(x, y))
    }
}

final class NotNode: ExecNode, @unchecked Sendable {
    let operand: ExecNode
    init(_ o: ExecNode) { operand = o }
    override func eval<A: CELActivation>(_ act: A, _ c: inout EvalContext) -> CELValue {
        guard c.enter() else { return c.failure }
        defer { c.leave() }
        let x = operand.eval(act, &c)
        if case .bool(let b) = x { return .bool(!b) }
        return x.isError ? x : locate(.noOverload("!_"))
    }
}

final class ConditionalNode: ExecNode, @unchecked Sendable {
    let cond: ExecNode, then: ExecNode, otherwise: ExecNode
    init(_ a: ExecNode, _ b: ExecNode, _ d: ExecNode) { cond = a; then = b; otherwise = d }
    override func eval<A: CELActivation>(_ act: A, _ c: inout EvalContext) -> CELValue {
        guard c.enter() else { return c.failure }
        defer { c.leave() }
        let x = cond.eval(act, &c)
        switch x {
        case .bool(true): return then.eval(act, &c)
        case .bool(false): return otherwise.eval(act, &c)
        case .error: return x
        default: return locate(.noOverload("_?_:_"))
        }
    }
}
