/// Resolves names (variables, qualified names, locals, type names), functions and overloads, infers types, and
/// reports every problem it finds. It always produces a complete tree: unresolvable parts become error nodes, so a
/// caller that skips type checking can still evaluate the expression.
struct Checker {
    let env: CELEnvironment
    let src: [UInt8]
    var diagnostics: [CELDiagnostic] = []
    var scopes: [(name: String, type: CELType)] = []
    var referenced: Set<Int> = []

    static let typeNames: [String: CELTypeName] = [
        "bool": .bool, "int": .int, "uint": .uint, "double": .double, "string": .string, "bytes": .bytes,
        "list": .list, "map": .map, "null_type": .nullType, "type": .type,
        "google.protobuf.Timestamp": .timestamp, "google.protobuf.Duration": .duration,
        "optional_type": CELTypeName(name: "optional_type"), "net.IP": CELTypeName(name: "net.IP"), "net.CIDR": CELTypeName(name: "net.CIDR"),
    ]

    init(env: CELEnvironment, source: [UInt8]) {
        self.env = env
        self.src = source
    }

    mutating func report(_ message: String, _ e: Expr) {
        guard diagnostics.count < 20 else { return }
        diagnostics.append(CELDiagnostic(message: message, offset: e.anchor, length: max(1, e.end - e.anchor), source: src))
    }

    func lookupLocal(_ name: String) -> (Int, CELType)? {
        for i in stride(from: scopes.count - 1, through: 0, by: -1) where scopes[i].name == name {
            return (i, scopes[i].type)
        }
        return nil
    }

    /// Checks one node and records where its runtime errors are to be reported.
    mutating func check(_ e: Expr) -> (ResolvedExpr, CELType) {
        let (r, t) = checkNode(e)
        switch r {
        case .constant, .local, .hasSlot, .located: return (r, t)
        default: return (.located(r, e.anchor), t)
        }
    }

    mutating func checkNode(_ e: Expr) -> (ResolvedExpr, CELType) {
        switch e.kind {
        case .error:
            return (.error("syntax error"), .dyn)
        case .literal(let v):
            return (.constant(v), Checker.staticType(of: v))
        case .ident(let name, let rooted):
            if !rooted, let (idx, t) = lookupLocal(name) { return (.local(idx), t) }
            if let s = env.slot(of: name) {
                referenced.insert(s)
                if let value = env.constants[s] { return (.constant(value), env.types[s]) }
                return (.slot(s, name: name), env.types[s])
            }
            if let t = Checker.typeNames[name] { return (.constant(.type(t)), .type) }
            report("undeclared reference to '\(name)'", e)
            return (.error("undeclared reference to '\(name)'"), .dyn)
        case .select(let operand, let field, let test):
            // A qualified name: resolve to the longest declared variable, unless its root is a local.
            if let (parts, rooted) = e.qualifiedParts, rooted || lookupLocal(parts[0]) == nil {
                if let r = resolveQualified(parts, e) { return r }
            }
            if test, let (parts, rooted) = operand.qualifiedParts, rooted || lookupLocal(parts[0]) == nil,
               let s = env.slot(of: (parts + [field]).joined(separator: ".")) {
                referenced.insert(s)
                return (.hasSlot(s), .bool)
            }
            let (o, ot) = check(operand)
            switch ot {
            case .map(let k, let v):
                if !k.isAssignable(to: .string) { report("map with \(k) keys has no field '\(field)'", e) }
                return test ? (.hasField(o, field), .bool) : (.select(o, field), v)
            case .dyn:
                return test ? (.hasField(o, field), .bool) : (.select(o, field), .dyn)
            default:
                report("type \(ot) does not support field selection", e)
                return test ? (.hasField(o, field), .bool) : (.select(o, field), .dyn)
            }
        case .optSelect(let operand, let field):
            let (o, _) = check(operand)
            return (.optSelect(o, field), .dyn)
        case .list(let items):
            var rs: [ResolvedExpr] = []
            var et: CELType? = nil
            var flags: [Bool] = []
            for item in items {
                if case .call("@opt", nil, let inner) = item.kind, inner.count == 1 {
                    let (r, _) = check(inner[0])
                    rs.append(r)
                    flags.append(true)
                    et = .dyn
                    continue
                }
                flags.append(false)
                let (r, t) = check(item)
                rs.append(r)
                et = et.map { CELType.join($0, t) } ?? t
            }
            if flags.contains(true) { return (.optionalList(rs, flags), .list(.dyn)) }
            return (.list(rs), .list(et ?? .dyn))
        case .map(let entries):
            var rs: [(ResolvedExpr, ResolvedExpr)] = []
            var kt: CELType? = nil, vt: CELType? = nil
            var flags: [Bool] = []
            for (k0, v) in entries {
                var k = k0
                if case .call("@opt", nil, let inner) = k0.kind, inner.count == 1 {
                    k = inner[0]
                    flags.append(true)
                } else {
                    flags.append(false)
                }
                let (rk, tk) = check(k)
                let (rv, tv) = check(v)
                switch tk {
                case .dyn, .bool, .int, .uint, .string: break
                default: report("unsupported map key type \(tk)", k)
                }
                rs.append((rk, rv))
                kt = kt.map { CELType.join($0, tk) } ?? tk
                vt = vt.map { CELType.join($0, tv) } ?? tv
            }
            if flags.contains(true) { return (.optionalMap(rs, flags), .map(kt ?? .dyn, .dyn)) }
            return (.map(rs), .map(kt ?? .dyn, vt ?? .dyn))
        case .message(let name, _):
            report("protobuf message construction ('\(name){...}') is not supported", e)
            return (.error("message construction is not supported"), .dyn)
        case .comprehension(let macro, let range, let variable, let variable2, let body, let filter):
            let (rr, rt) = check(range)
            var vt: CELType = .dyn, v2t: CELType = .dyn
            if macro == .optMap || macro == .optFlatMap {
                vt = .dyn
            } else if macro == .bind {
                vt = rt
            } else {
                switch rt {
                case .list(let el): (vt, v2t) = variable2 == nil ? (el, .dyn) : (.int, el)
                case .map(let k, let v): (vt, v2t) = (k, v)
                case .dyn: break
                default: report("expression of type \(rt) cannot be the range of a comprehension", range)
                }
            }
            let level = scopes.count
            scopes.append((variable, vt))
            var level2: Int? = nil
            if let variable2 {
                level2 = scopes.count
                scopes.append((variable2, v2t))
            }
            defer { scopes.removeLast(variable2 == nil ? 1 : 2) }
            let (rb, bt) = check(body)
            var rf: ResolvedExpr? = nil
            if let filter {
                let (r, ft) = check(filter)
                if !ft.isAssignable(to: .bool) { report("filter of map() must be bool, not \(ft)", filter) }
                rf = r
            }
            let result: CELType
            switch macro {
            case .all, .exists, .existsOne, .filter:
                if !bt.isAssignable(to: .bool) { report("predicate must be bool, not \(bt)", body) }
                result = macro == .filter ? .list(vt) : .bool
            case .map, .transformList:
                result = .list(bt)
            case .transformMap:
                result = .map(vt, bt)
            case .bind:
                result = bt
            case .optMap, .optFlatMap:
                result = .dyn
            }
            return (.comprehension(macro, range: rr, local: level, local2: level2, body: rb, filter: rf), result)
        case .call(let name, let target, let args):
            return checkCall(e, name: name, target: target, args: args)
        }
    }

    /// Resolves `a.b.c` to the longest declared variable prefix plus field selections, or to a type name.
    mutating func resolveQualified(_ parts: [String], _ e: Expr) -> (ResolvedExpr, CELType)? {
        let full = parts.joined(separator: ".")
        if let t = Checker.typeNames[full] { return (.constant(.type(t)), .type) }
        var n = parts.count
        var candidate = full
        while n > 0 {
            if let s = env.slot(of: candidate) {
                referenced.insert(s)
                var r: ResolvedExpr = env.constants[s].map { .constant($0) } ?? .slot(s, name: candidate)
                var t = env.types[s]
                for field in parts[n...] {
                    switch t {
                    case .map(_, let v): t = v
                    case .dyn: t = .dyn
                    default:
                        report("type \(t) does not support field selection", e)
                        t = .dyn
                    }
                    r = .select(r, field)
                }
                return (r, t)
            }
            n -= 1
            if n > 0 { candidate.removeLast(parts[n].count + 1) }
        }
        return nil
    }

    mutating func checkCall(_ e: Expr, name: String, target: Expr?, args: [Expr]) -> (ResolvedExpr, CELType) {
        // Namespaced global functions: base64.encode(x), ip.isCanonical(x).
        if let target, case .ident(let q, false) = target.kind, Function.namespaces.contains(q), lookupLocal(q) == nil,
           env.slot(of: q) == nil, let f = Function.lookup(q + "." + name, member: false, argc: args.count) {
            return checkFunction(e, f, args: args)
        }
        switch name {
        case "_&&_", "_||_":
            let (l, lt) = check(args[0])
            let (r, rt) = check(args[1])
            if !lt.isAssignable(to: .bool) { report("no matching overload for '\(name == "_&&_" ? "&&" : "||")' with \(lt)", args[0]) }
            if !rt.isAssignable(to: .bool) { report("no matching overload for '\(name == "_&&_" ? "&&" : "||")' with \(rt)", args[1]) }
            return (name == "_&&_" ? .and(l, r) : .or(l, r), .bool)
        case "_?_:_":
            let (c, ct) = check(args[0])
            let (a, at) = check(args[1])
            let (b, bt) = check(args[2])
            if !ct.isAssignable(to: .bool) { report("condition of '?:' must be bool, not \(ct)", args[0]) }
            return (.conditional(c, a, b), CELType.join(at, bt))
        default:
            break
        }
        let all = (target.map { [$0] } ?? []) + args
        guard let f = Function.lookup(name, member: target != nil, argc: args.count) else {
            let shown = target == nil ? name : "." + name
            report("undeclared reference to function '\(shown)' with \(args.count) argument(s)", e)
            // Still check the arguments for their own problems.
            for a in all { _ = check(a) }
            return (.error("unbound function '\(shown)'"), .dyn)
        }
        return checkFunction(e, f, args: all)
    }

    mutating func checkFunction(_ e: Expr, _ f: Function, args: [Expr]) -> (ResolvedExpr, CELType) {
        var rs: [ResolvedExpr] = []
        var ts: [CELType] = []
        for a in args {
            let (r, t) = check(a)
            rs.append(r)
            ts.append(t)
        }
        let call = ResolvedExpr.call(f, rs)
        switch f {
        case .eq, .ne:
            return (call, .bool)
        case .toDyn:
            return (call, .dyn)
        case .toType:
            return (call, .type)
        case .optionalOf, .optionalNone, .optionalOfNonZero, .value, .or, .orValue, .optIndex:
            return (call, .dyn)
        case .hasValue:
            return (call, .bool)
        case .mathGreatest, .mathLeast:
            var types = ts
            if ts.count == 1, case .list(let el) = ts[0] { types = [el] }
            for (i, t) in types.enumerated() where !(t.isNumeric || t == .dyn) {
                report("no matching overload for '\(f.rawValue)' with \(t)", args[min(i, args.count - 1)])
            }
            return (call, types.dropFirst().reduce(types[0]) { CELType.join($0, $1) })
        case .in:
            switch ts[1] {
            case .list, .map, .dyn: break
            default: report("no matching overload for 'in' with \(ts[1])", args[1])
            }
            return (call, .bool)
        case .index:
            switch (ts[0], ts[1]) {
            case (.list(let el), let it):
                if !(it.isAssignable(to: .int) || it == .uint || it == .double) { report("list index must be int, not \(it)", args[1]) }
                return (call, el)
            case (.map(_, let v), _): return (call, v)
            case (.dyn, _): return (call, .dyn)
            default:
                report("type \(ts[0]) does not support indexing", args[0])
                return (call, .dyn)
            }
        default:
            break
        }
        guard let overloads = f.overloads else { return (call, .dyn) }
        let matching = overloads.filter { o in
            o.params.count == ts.count && zip(ts, o.params).allSatisfy { $0.isAssignable(to: $1) }
        }
        if matching.isEmpty {
            report("no matching overload for '\(f.displayName)' applied to (\(ts.map(\.description).joined(separator: ", ")))", e)
            return (call, .dyn)
        }
        var result = matching[0].result
        for m in matching.dropFirst() { result = CELType.join(result, m.result) }
        // Typed list arithmetic keeps the element type.
        if f == .add, case .list(let a) = ts[0], case .list(let b) = ts[1] { result = .list(CELType.join(a, b)) }
        return (call, result)
    }

    static func staticType(of v: CELValue) -> CELType {
        switch v {
        case .null: return .null
        case .bool: return .bool
        case .int: return .int
        case .uint: return .uint
        case .double: return .double
        case .string: return .string
        case .bytes: return .bytes
        case .list: return .list(.dyn)
        case .map: return .map(.dyn, .dyn)
        case .timestamp: return .timestamp
        case .duration: return .duration
        case .type: return .type
        default: return .dyn
        }
    }
}

extension Function {
    /// The operator or function as written.
    var displayName: String {
        let r = rawValue
        if r.hasPrefix("_") && r.hasSuffix("_") && r.count > 2 { return String(r.dropFirst().dropLast()) }
        if r == "-_" { return "-" }
        if r == "!_" { return "!" }
        if r == "@in" { return "in" }
        return r
    }
}
