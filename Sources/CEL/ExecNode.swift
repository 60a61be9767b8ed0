import LinearRegex

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

final class SelectNode: ExecNode, @unchecked Sendable {
    let operand: ExecNode
    let field: String
    init(_ o: ExecNode, _ f: String) { operand = o; field = f }
    override func eval<A: CELActivation>(_ act: A, _ c: inout EvalContext) -> CELValue {
        guard c.enter() else { return c.failure }
        defer { c.leave() }
        return locate(Evaluator.select(operand.eval(act, &c), field))
    }
}

final class HasFieldNode: ExecNode, @unchecked Sendable {
    let operand: ExecNode
    let field: String
    init(_ o: ExecNode, _ f: String) { operand = o; field = f }
    override func eval<A: CELActivation>(_ act: A, _ c: inout EvalContext) -> CELValue {
        guard c.enter() else { return c.failure }
        defer { c.leave() }
        return locate(Evaluator.has(operand.eval(act, &c), field))
    }
}

final class HasSlotNode: ExecNode, @unchecked Sendable {
    let slot: Int
    init(_ s: Int) { slot = s }
    override func eval<A: CELActivation>(_ act: A, _ c: inout EvalContext) -> CELValue {
        .bool(act.value(forSlot: slot) != nil)
    }
}

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

final class Call1Node: ExecNode, @unchecked Sendable {
    let function: Function
    let arg: ExecNode
    init(_ f: Function, _ a: ExecNode) { function = f; arg = a }
    override func eval<A: CELActivation>(_ act: A, _ c: inout EvalContext) -> CELValue {
        guard c.enter() else { return c.failure }
        defer { c.leave() }
        let x = arg.eval(act, &c)
        if x.isError { return x }
        return locate(Evaluator.apply1(function, x, &c))
    }
}

final class Call2Node: ExecNode, @unchecked Sendable {
    let function: Function
    let arg0: ExecNode, arg1: ExecNode
    init(_ f: Function, _ a: ExecNode, _ b: ExecNode) { function = f; arg0 = a; arg1 = b }
    override func eval<A: CELActivation>(_ act: A, _ c: inout EvalContext) -> CELValue {
        guard c.enter() else { return c.failure }
        defer { c.leave() }
        let x = arg0.eval(act, &c)
        if x.isError { return x }
        let y = arg1.eval(act, &c)
        if y.isError { return y }
        return locate(Evaluator.apply2(function, x, y, &c))
    }
}

final class CallNNode: ExecNode, @unchecked Sendable {
    let function: Function
    let args: [ExecNode]
    init(_ f: Function, _ a: [ExecNode]) { function = f; args = a }
    override func eval<A: CELActivation>(_ act: A, _ c: inout EvalContext) -> CELValue {
        guard c.enter() else { return c.failure }
        defer { c.leave() }
        var vs: [CELValue] = []
        vs.reserveCapacity(args.count)
        for a in args {
            let v = a.eval(act, &c)
            if v.isError { return v }
            vs.append(v)
        }
        return locate(Evaluator.applyN(function, vs, &c))
    }
}

/// `x.startsWith("const")`, `x.endsWith("const")`, `x.contains("const")`.
final class StringTestNode: ExecNode, @unchecked Sendable {
    let function: Function
    let operand: ExecNode
    let literal: String
    init(_ f: Function, _ o: ExecNode, _ s: String) { function = f; operand = o; literal = s }
    override func eval<A: CELActivation>(_ act: A, _ c: inout EvalContext) -> CELValue {
        guard c.enter() else { return c.failure }
        defer { c.leave() }
        let x = operand.eval(act, &c)
        guard case .string(let s) = x else { return x.isError ? x : locate(.noOverload(function.rawValue)) }
        switch function {
        case .startsWith: return .bool(StringBytes.hasPrefix(s, literal))
        case .endsWith: return .bool(StringBytes.hasSuffix(s, literal))
        default:
            c.cost &+= s.utf8.count >> 4
            return .bool(StringBytes.contains(s, literal))
        }
    }
}

final class EqualsStringNode: ExecNode, @unchecked Sendable {
    let operand: ExecNode
    let literal: String
    let negate: Bool
    init(_ o: ExecNode, _ s: String, _ n: Bool) { operand = o; literal = s; negate = n }
    override func eval<A: CELActivation>(_ act: A, _ c: inout EvalContext) -> CELValue {
        guard c.enter() else { return c.failure }
        defer { c.leave() }
        let x = operand.eval(act, &c)
        switch x {
        case .string(let t): return .bool(StringBytes.equal(t, literal) != negate)
        case .error: return x
        default: return .bool(negate)
        }
    }
}

final class InStringsNode: ExecNode, @unchecked Sendable {
    let operand: ExecNode
    let strings: [String]
    init(_ o: ExecNode, _ s: [String]) { operand = o; strings = s }
    override func eval<A: CELActivation>(_ act: A, _ c: inout EvalContext) -> CELValue {
        guard c.enter() else { return c.failure }
        defer { c.leave() }
        let x = operand.eval(act, &c)
        switch x {
        case .string(let s):
            for t in strings where StringBytes.equal(s, t) { return .bool(true) }
            return .bool(false)
        case .error: return x
        default: return .bool(false)
        }
    }
}

final class InKeySetNode: ExecNode, @unchecked Sendable {
    let operand: ExecNode
    let keys: Set<CELMapKey>
    init(_ o: ExecNode, _ k: Set<CELMapKey>) { operand = o; keys = k }
    override func eval<A: CELActivation>(_ act: A, _ c: inout EvalContext) -> CELValue {
        guard c.enter() else { return c.failure }
        defer { c.leave() }
        let x = operand.eval(act, &c)
        if x.isError { return x }
        guard let k = CELMapKey(x) else { return .bool(false) }
        return .bool(keys.contains(k))
    }
}

final class MatchesNode: ExecNode, @unchecked Sendable {
    let operand: ExecNode
    let regex: LinearRegex
    init(_ o: ExecNode, _ r: LinearRegex) { operand = o; regex = r }
    override func eval<A: CELActivation>(_ act: A, _ c: inout EvalContext) -> CELValue {
        guard c.enter() else { return c.failure }
        defer { c.leave() }
        let x = operand.eval(act, &c)
        switch x {
        case .string(let s):
            c.cost &+= s.utf8.count >> 4
            return .bool(regex.search(s))
        case .error: return x
        default: return locate(.noOverload("matches"))
        }
    }
}

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

final class ComprehensionNode: ExecNode, @unchecked Sendable {
    let macro: Expr.Macro
    let range: ExecNode, body: ExecNode
    let filter: ExecNode?
    let local: Int
    let local2: Int?
    init(_ m: Expr.Macro, _ r: ExecNode, _ l: Int, _ l2: Int?, _ b: ExecNode, _ f: ExecNode?) {
        macro = m; range = r; local = l; local2 = l2; body = b; filter = f
    }

    override func eval<A: CELActivation>(_ act: A, _ c: inout EvalContext) -> CELValue {
        locate(run(act, &c))
    }

    func run<A: CELActivation>(_ act: A, _ c: inout EvalContext) -> CELValue {
        guard c.enter() else { return c.failure }
        defer { c.leave() }
        let r = range.eval(act, &c)
        let top = max(local, local2 ?? 0)
        while c.locals.count <= top { c.locals.append(.null) }
        if macro == .bind {
            if r.isError { return r }
            c.locals[local] = r
            return body.eval(act, &c)
        }
        let items: [CELValue]
        var values: [CELValue] = []
        switch r {
        case .list(let l):
            items = l
        case .map(let m):
            items = m.keyList
            if local2 != nil { values = m.storage.valueList }
        case .error: return r
        default: return .err("expression of type '\(r.typeName)' cannot be the range of a comprehension")
        }
        var firstError: CELValue? = nil
        var count = 0
        var out: [CELValue] = []
        var outMap = CELMap.Builder()
        for (position, item) in items.enumerated() {
            c.cost &+= 1
            if c.cost > c.maxCost { return Evaluator.costExceeded }
            if let local2 {
                if values.isEmpty {
                    c.locals[local] = .int(Int64(position))
                    c.locals[local2] = item
                } else {
                    c.locals[local] = item
                    c.locals[local2] = values[position]
                }
            } else {
                c.locals[local] = item
            }
            switch macro {
            case .bind:
                break
            case .transformList, .transformMap:
                if let filter {
                    let f = filter.eval(act, &c)
                    switch f {
                    case .bool(false): continue
                    case .bool(true): break
                    case .error: return f
                    default: return .noOverload(macro.rawValue)
                    }
                }
                let v = body.eval(act, &c)
                if v.isError { return v }
                if macro == .transformList { out.append(v) } else { outMap.insert(c.locals[local], v) }
            case .all, .exists:
                let v = body.eval(act, &c)
                switch v {
                case .bool(let b):
                    if macro == .all && !b { return v }
                    if macro == .exists && b { return v }
                case .error: if firstError == nil { firstError = v }
                default: if firstError == nil { firstError = .noOverload(macro.rawValue) }
                }
            case .existsOne:
                let v = body.eval(act, &c)
                switch v {
                case .bool(let b): if b { count += 1 }
                case .error: return v
                default: return .noOverload(macro.rawValue)
                }
            case .filter:
                let v = body.eval(act, &c)
                switch v {
                case .bool(let b): if b { out.append(item) }
                case .error: return v
                default: return .noOverload(macro.rawValue)
                }
            case .map:
                if let filter {
                    let f = filter.eval(act, &c)
                    switch f {
                    case .bool(false): continue
                    case .bool(true): break
                    case .error: return f
                    default: return .noOverload(macro.rawValue)
                    }
                }
                let v = body.eval(act, &c)
                if v.isError { return v }
                out.append(v)
            }
        }
        switch macro {
        case .all: return firstError ?? .bool(true)
        case .exists: return firstError ?? .bool(false)
        case .existsOne: return .bool(count == 1)
        case .filter, .map, .transformList: return .list(out)
        case .transformMap: return .map(outMap.build())
        case .bind: return .null
        }
    }
}

extension Node {
    /// Builds the executable object tree.
    func lower() -> ExecNode {
        switch self {
        case .constant(let v): return ConstNode(v)
        case .located(let inner, let at):
            let x = inner.lower()
            if x.offset < 0 { x.offset = at }
            return x
        case .slot(let s, let name): return SlotNode(s, name)
        case .local(let i): return LocalNode(i)
        case .select(let o, let f): return SelectNode(o.lower(), f)
        case .hasField(let o, let f): return HasFieldNode(o.lower(), f)
        case .hasSlot(let s): return HasSlotNode(s)
        case .and(let a, let b): return AndNode(a.lower(), b.lower())
        case .or(let a, let b): return OrNode(a.lower(), b.lower())
        case .not(let a): return NotNode(a.lower())
        case .conditional(let a, let b, let d): return ConditionalNode(a.lower(), b.lower(), d.lower())
        case .call1(let f, let a): return Call1Node(f, a.lower())
        case .call2(let f, let a, let b):
            if f == .startsWith || f == .endsWith || f == .contains, case .constant(.string(let s)) = b {
                return StringTestNode(f, a.lower(), s)
            }
            return Call2Node(f, a.lower(), b.lower())
        case .call3(let f, let a, let b, let d): return CallNNode(f, [a.lower(), b.lower(), d.lower()])
        case .callN(let f, let args): return CallNNode(f, args.map { $0.lower() })
        case .equalsString(let a, let s, let negate): return EqualsStringNode(a.lower(), s, negate)
        case .inStrings(let a, let s): return InStringsNode(a.lower(), s)
        case .inKeySet(let a, let k): return InKeySetNode(a.lower(), k)
        case .matchesRegex(let a, let re): return MatchesNode(a.lower(), re)
        case .list(let items): return ListNode(items.map { $0.lower() })
        case .map(let entries): return MapNode(entries.map { ($0.0.lower(), $0.1.lower()) })
        case .comprehension(let m, let r, let l, let l2, let b, let f): return ComprehensionNode(m, r.lower(), l, l2, b.lower(), f?.lower())
        }
    }
}
