import LinearRegex

// Function calls and the planner's specialised call shapes.

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
