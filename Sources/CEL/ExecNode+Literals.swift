// List and map literals, including optional entries.

final class ListNode: ExecNode, @unchecked Sendable {
    let items: [ExecNode]
    init(_ i: [ExecNode]) { items = i }
    override func eval<A: CELActivation>(_ act: A, _ c: inout EvalContext) -> CELValue {
        guard c.enter() else { return c.failure }
        defer { c.leave() }
        var vs: [CELValue] = []
        vs.reserveCapacity(items.count)
        for item in items {
            let v = item.eval(act, &c)
            if v.isError { return v }
            vs.append(v)
        }
        return .list(vs)
    }
}

/// `[a, ?b]`: optional elements are included only when they hold a value.
final class OptionalListNode: ExecNode, @unchecked Sendable {
    let items: [ExecNode]
    let optional: [Bool]
    init(_ i: [ExecNode], _ o: [Bool]) { items = i; optional = o }
    override func eval<A: CELActivation>(_ act: A, _ c: inout EvalContext) -> CELValue {
        guard c.enter() else { return c.failure }
        defer { c.leave() }
        var vs: [CELValue] = []
        for (k, item) in items.enumerated() {
            let v = item.eval(act, &c)
            if v.isError { return v }
            if optional[k] {
                guard case .optional(let o) = v else { return locate(.err("optional list element is not an optional value")) }
                if let o { vs.append(o) }
            } else {
                vs.append(v)
            }
        }
        return .list(vs)
    }
}

final class MapNode: ExecNode, @unchecked Sendable {
    let entries: [(ExecNode, ExecNode)]
    init(_ e: [(ExecNode, ExecNode)]) { entries = e }
    override func eval<A: CELActivation>(_ act: A, _ c: inout EvalContext) -> CELValue {
        guard c.enter() else { return c.failure }
        defer { c.leave() }
        var vs: [(CELValue, CELValue)] = []
        vs.reserveCapacity(entries.count)
        for (k, v) in entries {
            let kv = k.eval(act, &c)
            if kv.isError { return kv }
            let vv = v.eval(act, &c)
            if vv.isError { return vv }
            vs.append((kv, vv))
        }
        return locate(Evaluator.buildMap(vs))
    }
}

/// `{?k: v}`: an optional entry is included only when its value holds one.
final class OptionalMapNode: ExecNode, @unchecked Sendable {
    let entries: [(ExecNode, ExecNode)]
    let optional: [Bool]
    init(_ e: [(ExecNode, ExecNode)], _ o: [Bool]) { entries = e; optional = o }
    override func eval<A: CELActivation>(_ act: A, _ c: inout EvalContext) -> CELValue {
        guard c.enter() else { return c.failure }
        defer { c.leave() }
        var vs: [(CELValue, CELValue)] = []
        for (n, (k, v)) in entries.enumerated() {
            let kv = k.eval(act, &c)
            if kv.isError { return kv }
            let vv = v.eval(act, &c)
            if vv.isError { return vv }
            if optional[n] {
                guard case .optional(let o) = vv else { return locate(.err("optional map entry is not an optional value")) }
                if let o { vs.append((kv, o)) }
            } else {
                vs.append((kv, vv))
            }
        }
        return locate(Evaluator.buildMap(vs))
    }
}
