// Leaf and access nodes: constants, variables, locals, field selection and presence tests.

final class ConstNode: ExecNode, @unchecked Sendable {
    let value: CELValue
    init(_ v: CELValue) { value = v }
    override func eval<A: CELActivation>(_ act: A, _ c: inout EvalContext) -> CELValue { value }
}

final class SlotNode: ExecNode, @unchecked Sendable {
    let slot: Int
    let name: String
    init(_ s: Int, _ n: String) { slot = s; name = n }
    override func eval<A: CELActivation>(_ act: A, _ c: inout EvalContext) -> CELValue {
        act.value(forSlot: slot) ?? locate(.err("no such attribute '\(name)'"))
    }
}

final class LocalNode: ExecNode, @unchecked Sendable {
    let index: Int
    init(_ i: Int) { index = i }
    override func eval<A: CELActivation>(_ act: A, _ c: inout EvalContext) -> CELValue {
        index < c.locals.count ? c.locals[index] : .err("unbound comprehension variable")
    }
}

/// `x.f`, `x.?f` and `has(x.f)`: one node, the access kind chosen at plan time.
final class FieldNode: ExecNode, @unchecked Sendable {
    enum Kind { case select, optionalSelect, has }
    let kind: Kind
    let operand: ExecNode
    let field: String
    init(_ k: Kind, _ o: ExecNode, _ f: String) { kind = k; operand = o; field = f }
    override func eval<A: CELActivation>(_ act: A, _ c: inout EvalContext) -> CELValue {
        guard c.enter() else { return c.failure }
        defer { c.leave() }
        let x = operand.eval(act, &c)
        switch kind {
        case .select: return locate(Evaluator.select(x, field))
        case .optionalSelect: return locate(Evaluator.optionalSelect(x, field))
        case .has: return locate(Evaluator.has(x, field))
        }
    }
}

final class HasSlotNode: ExecNode, @unchecked Sendable {
    let slot: Int
    init(_ s: Int) { slot = s }
    override func eval<A: CELActivation>(_ act: A, _ c: inout EvalContext) -> CELValue {
        .bool(act.value(forSlot: slot) != nil)
    }
}
