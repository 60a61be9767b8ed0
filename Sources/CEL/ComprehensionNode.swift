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

    /// A predicate's or filter's result: a bool, or the value the comprehension returns at once.
    private enum Truth { case value(Bool), stop(CELValue) }

    private func truth(_ v: CELValue) -> Truth {
        switch v {
        case .bool(let b): return .value(b)
        case .error: return .stop(v)
        default: return .stop(.noOverload(macro.rawValue))
        }
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
        if macro == .optMap || macro == .optFlatMap {
            guard case .optional(let o) = r else { return r.isError ? r : .noOverload(macro.rawValue) }
            guard let inner = o else { return r }
            c.locals[local] = inner
            let v = body.eval(act, &c)
            if v.isError || macro == .optFlatMap {
                if case .optional = v { return v }
                return v.isError ? v : .noOverload(macro.rawValue)
            }
            return .optional(v)
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
            case .bind, .optMap, .optFlatMap:
                break
            case .transformList, .transformMap, .map:
                if let filter {
                    switch truth(filter.eval(act, &c)) {
                    case .value(false): continue
                    case .value(true): break
                    case .stop(let v): return v
                    }
                }
                let v = body.eval(act, &c)
                if v.isError { return v }
                if macro == .transformMap { outMap.insert(c.locals[local], v) } else { out.append(v) }
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
                switch truth(body.eval(act, &c)) {
                case .value(let b): if b { count += 1 }
                case .stop(let v): return v
                }
            case .filter:
                switch truth(body.eval(act, &c)) {
                case .value(let b): if b { out.append(item) }
                case .stop(let v): return v
                }
            }
        }
        switch macro {
        case .all: return firstError ?? .bool(true)
        case .exists: return firstError ?? .bool(false)
        case .existsOne: return .bool(count == 1)
        case .filter, .map, .transformList: return .list(out)
        case .transformMap: return .map(outMap.build())
        case .bind, .optMap, .optFlatMap: return .null
        }
    }
}
