/// Walks a planned program. Every failure is returned as an `.error` value; recursion is bounded by the parse
/// depth limit and checked against the evaluation depth limit, and work is charged against the cost budget.
enum Evaluator {
    static let costExceeded = CELValue.err("evaluation cost limit exceeded")
    static let depthExceeded = CELValue.err("evaluation nesting limit exceeded")

    static func eval(_ n: Node, _ c: inout EvalContext) -> CELValue {
        c.cost &+= 1
        if c.cost > c.maxCost { return costExceeded }
        c.depth &+= 1
        defer { c.depth &-= 1 }
        if c.depth > c.maxDepth { return depthExceeded }
        switch n {
        case .constant(let v):
            return v
        case .slot(let s, let name):
            return c.lookup(s) ?? .err("no such attribute '\(name)'")
        case .local(let i):
            return i < c.locals.count ? c.locals[i] : .err("unbound comprehension variable")
        case .select(let o, let f):
            return select(eval(o, &c), f)
        case .hasField(let o, let f):
            return has(eval(o, &c), f)
        case .hasSlot(let s):
            return .bool(c.lookup(s) != nil)
        case .and(let a, let b):
            let x = eval(a, &c)
            if case .bool(false) = x { return x }
            let y = eval(b, &c)
            if case .bool(true) = x, case .bool = y { return y }
            return logicalAnd(x, y)
        case .or(let a, let b):
            let x = eval(a, &c)
            if case .bool(true) = x { return x }
            let y = eval(b, &c)
            if case .bool(false) = x, case .bool = y { return y }
            return logicalOr(x, y)
        case .not(let a):
            let x = eval(a, &c)
            if case .bool(let b) = x { return .bool(!b) }
            return x.isError ? x : .noOverload("!_")
        case .conditional(let cond, let a, let b):
            let x = eval(cond, &c)
            switch x {
            case .bool(true): return eval(a, &c)
            case .bool(false): return eval(b, &c)
            case .error: return x
            default: return .noOverload("_?_:_")
            }
        case .equalsString(let a, let s, let negate):
            let x = eval(a, &c)
            switch x {
            case .string(let t): return .bool(t.utf8.elementsEqual(s.utf8) != negate)
            case .error: return x
            default: return .bool(negate)
            }
        case .inKeySet(let a, let keys):
            let x = eval(a, &c)
            if x.isError { return x }
            guard let k = CELMapKey(x) else { return .bool(false) }
            return .bool(keys.contains(k))
        case .matchesRegex(let a, let re):
            let x = eval(a, &c)
            switch x {
            case .string(let s):
                c.cost &+= s.utf8.count >> 4
                return .bool(re.search(s))
            case .error: return x
            default: return .noOverload("matches")
            }
        case .call1(let f, let a):
            let x = eval(a, &c)
            if x.isError { return x }
            return apply1(f, x, &c)
        case .call2(let f, let a, let b):
            let x = eval(a, &c)
            if x.isError { return x }
            let y = eval(b, &c)
            if y.isError { return y }
            return apply2(f, x, y, &c)
        case .call3(let f, let a, let b, let d):
            let x = eval(a, &c)
            if x.isError { return x }
            let y = eval(b, &c)
            if y.isError { return y }
            let z = eval(d, &c)
            if z.isError { return z }
            return applyN(f, [x, y, z], &c)
        case .callN(let f, let args):
            var vs: [CELValue] = []
            vs.reserveCapacity(args.count)
            for a in args {
                let v = eval(a, &c)
                if v.isError { return v }
                vs.append(v)
            }
            return applyN(f, vs, &c)
        case .list(let items):
            var vs: [CELValue] = []
            vs.reserveCapacity(items.count)
            for item in items {
                let v = eval(item, &c)
                if v.isError { return v }
                vs.append(v)
            }
            return .list(vs)
        case .map(let entries):
            var vs: [(CELValue, CELValue)] = []
            vs.reserveCapacity(entries.count)
            for (k, v) in entries {
                let kv = eval(k, &c)
                if kv.isError { return kv }
                let vv = eval(v, &c)
                if vv.isError { return vv }
                vs.append((kv, vv))
            }
            return buildMap(vs)
        case .comprehension(let macro, let range, let local, let body, let filter):
            return comprehension(macro, range: range, local: local, body: body, filter: filter, &c)
        }
    }

    static func logicalAnd(_ x: CELValue, _ y: CELValue) -> CELValue {
        if case .bool(false) = x { return x }
        if case .bool(false) = y { return y }
        if case .bool(true) = x, case .bool(true) = y { return x }
        if x.isError { return x }
        if y.isError { return y }
        return .noOverload("_&&_")
    }

    static func logicalOr(_ x: CELValue, _ y: CELValue) -> CELValue {
        if case .bool(true) = x { return x }
        if case .bool(true) = y { return y }
        if case .bool(false) = x, case .bool(false) = y { return x }
        if x.isError { return x }
        if y.isError { return y }
        return .noOverload("_||_")
    }

    static func comprehension(_ macro: Expr.Macro, range: Node, local: Int, body: Node, filter: Node?,
                              _ c: inout EvalContext) -> CELValue {
        let r = eval(range, &c)
        let items: [CELValue]
        switch r {
        case .list(let l): items = l
        case .map(let m): items = m.keyList
        case .error: return r
        default: return .err("expression of type '\(r.typeName)' cannot be the range of a comprehension")
        }
        while c.locals.count <= local { c.locals.append(.null) }
        var firstError: CELValue? = nil
        var count = 0
        var out: [CELValue] = []
        for item in items {
            c.cost &+= 1
            if c.cost > c.maxCost { return costExceeded }
            c.locals[local] = item
            switch macro {
            case .all, .exists:
                let v = eval(body, &c)
                switch v {
                case .bool(let b):
                    if macro == .all && !b { return v }
                    if macro == .exists && b { return v }
                case .error: if firstError == nil { firstError = v }
                default: if firstError == nil { firstError = .noOverload(macro.rawValue) }
                }
            case .existsOne:
                let v = eval(body, &c)
                switch v {
                case .bool(let b): if b { count += 1 }
                case .error: return v
                default: return .noOverload(macro.rawValue)
                }
            case .filter:
                let v = eval(body, &c)
                switch v {
                case .bool(let b): if b { out.append(item) }
                case .error: return v
                default: return .noOverload(macro.rawValue)
                }
            case .map:
                if let filter {
                    let f = eval(filter, &c)
                    switch f {
                    case .bool(false): continue
                    case .bool(true): break
                    case .error: return f
                    default: return .noOverload(macro.rawValue)
                    }
                }
                let v = eval(body, &c)
                if v.isError { return v }
                out.append(v)
            }
        }
        switch macro {
        case .all: return firstError ?? .bool(true)
        case .exists: return firstError ?? .bool(false)
        case .existsOne: return .bool(count == 1)
        case .filter, .map: return .list(out)
        }
    }
}
