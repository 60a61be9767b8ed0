import LinearRegex

/// Turns the checked tree into the evaluator's program: folds constants, pre-builds constant sets for `in`,
/// compiles literal regexes once, and picks specialised nodes for common shapes.
struct Planner {
    static let maxKeySet = 4096
    func plan(_ r: ResolvedExpr) -> Node {
        switch r {
        case .constant(let v): return .constant(v)
        case .located(let inner, let at):
            let n = plan(inner)
            switch n {
            case .constant(.error(let e)) where e.offset == nil: return .constant(.error(CELError(message: e.message, offset: at)))
            case .constant, .located: return n
            default: return .located(n, at)
            }
        case .slot(let s, let name): return .slot(s, name: name)
        case .local(let i): return .local(i)
        case .error(let m): return .constant(.err(m))
        case .select(let o, let f):
            let n = plan(o)
            if case .constant(let v) = n { return .constant(Evaluator.select(v, f)) }
            return .select(n, field: f)
        case .hasField(let o, let f):
            let n = plan(o)
            if case .constant(let v) = n { return .constant(Evaluator.has(v, f)) }
            return .hasField(n, field: f)
        case .hasSlot(let s): return .hasSlot(s)
        case .optSelect(let o, let f): return .optSelect(plan(o), field: f)
        case .optionalList(let items, let flags): return .optionalList(items.map(plan), flags)
        case .optionalMap(let entries, let flags): return .optionalMap(entries.map { (plan($0.0), plan($0.1)) }, flags)
        case .and(let a, let b):
            let (x, y) = (plan(a), plan(b))
            if case .constant(let u) = x, case .constant(let v) = y { return .constant(Evaluator.logicalAnd(u, v)) }
            return .and(x, y)
        case .or(let a, let b):
            let (x, y) = (plan(a), plan(b))
            if case .constant(let u) = x, case .constant(let v) = y { return .constant(Evaluator.logicalOr(u, v)) }
            return .or(x, y)
        case .conditional(let c, let a, let b):
            let (x, y, z) = (plan(c), plan(a), plan(b))
            if case .constant(let cv) = x {
                switch cv {
                case .bool(true): return y
                case .bool(false): return z
                case .error: return x
                default: return .constant(.noOverload("_?_:_"))
                }
            }
            return .conditional(x, y, z)
        case .list(let items):
            let ns = items.map(plan)
            var consts: [CELValue] = []
            for n in ns {
                guard case .constant(let v) = n, !v.isError else { return .list(ns) }
                consts.append(v)
            }
            return .constant(.list(consts))
        case .map(let entries):
            let ns = entries.map { (plan($0.0), plan($0.1)) }
            var consts: [(CELValue, CELValue)] = []
            for (k, v) in ns {
                guard case .constant(let kv) = k, case .constant(let vv) = v else { return .map(ns) }
                consts.append((kv, vv))
            }
            return .constant(Evaluator.buildMap(consts))
        case .comprehension(let m, let range, let local, let local2, let body, let filter):
            return .comprehension(m, range: plan(range), local: local, local2: local2, body: plan(body), filter: filter.map(plan))
        case .call(let f, let args):
            return planCall(f, args.map(plan))
        }
    }

    func planCall(_ f: Function, _ args: [Node]) -> Node {
        // Fold calls on constants (every function is pure).
        var consts: [CELValue] = []
        for a in args {
            guard case .constant(let v) = a else { break }
            consts.append(v)
        }
        if consts.count == args.count {
            return .constant(Evaluator.apply(f, consts))
        }
        switch (f, args.count) {
        case (.eq, 2), (.ne, 2):
            if case .constant(.string(let s)) = args[1] { return .equalsString(args[0], s, negate: f == .ne) }
            if case .constant(.string(let s)) = args[0] { return .equalsString(args[1], s, negate: f == .ne) }
        case (.in, 2):
            if case .constant(.list(let items)) = args[1] {
                let strings = items.compactMap { v -> String? in if case .string(let s) = v { return s } else { return nil } }
                if strings.count == items.count && strings.count <= 8 { return .inStrings(args[0], strings) }
                // A constant folded from bound data can be large: past this size a set per expression costs more
                // memory than the scan it saves.
                guard items.count <= Planner.maxKeySet else { break }
                var keys = Set<CELMapKey>()
                var ok = true
                for item in items {
                    guard let k = CELMapKey(item) else { ok = false; break }
                    keys.insert(k)
                }
                if ok { return .inKeySet(args[0], keys) }
            }
        case (.matches, 2):
            if case .constant(.string(let pattern)) = args[1] {
                do {
                    return .matchesRegex(args[0], try LinearRegex(pattern))
                } catch {
                    return .constant(.err("invalid regular expression '\(pattern)': \(error.message)"))
                }
            }
        default:
            break
        }
        switch args.count {
        case 1: return .call1(f, args[0])
        case 2: return .call2(f, args[0], args[1])
        case 3: return .call3(f, args[0], args[1], args[2])
        default: return .callN(f, args)
        }
    }
}
