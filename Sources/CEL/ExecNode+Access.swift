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

/// `slot["key"]`, `slot.key` and `"key" in slot`: asks the activation for the one entry (see
/// `CELActivation.entry`), and falls back to reading the whole value bound to the slot.
final class SlotEntryNode: ExecNode, @unchecked Sendable {
    /// They differ only in what a missing key gives: an error worded for `[]` or for `.`, or false.
    enum Kind { case index, select, contains }
    let operand: SlotNode
    let key: String
    let kind: Kind
    init(_ o: SlotNode, _ k: String, _ kind: Kind) { operand = o; key = k; self.kind = kind }
    override func eval<A: CELActivation>(_ act: A, _ c: inout EvalContext) -> CELValue {
        guard c.enter() else { return c.failure }
        defer { c.leave() }
        if let entry = act.entry(forSlot: operand.slot, key: key) {
            switch (entry, kind) {
            case (.some(let v), .index), (.some(let v), .select): return v
            case (.some, .contains): return .bool(true)
            case (nil, .contains): return .bool(false)
            case (nil, .index): return locate(.err("no such key: \(CELValue.string(key).literal)"))
            case (nil, .select): return locate(.err("no such key: \(key)"))
            }
        }
        let x = operand.eval(act, &c)
        if x.isError { return x }
        switch kind {
        case .index: return locate(Evaluator.index(x, .string(key)))
        case .select: return locate(Evaluator.select(x, key))
        case .contains: return locate(Evaluator.apply2(.in, .string(key), x, &c))
        }
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
