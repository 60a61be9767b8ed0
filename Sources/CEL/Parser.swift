/// A hand-written recursive-descent parser for CEL with exact spans, limits and error recovery.
struct Parser {
    let src: [UInt8]
    var tokens: [Token]
    var i = 0
    var depth = 0
    let maxDepth: Int
    var diagnostics: [CELDiagnostic] = []
    static let maxDiagnostics = 20

    init(source: [UInt8], limits: CELLimits) {
        self.src = source
        self.maxDepth = limits.maxParseDepth
        var lexer = Lexer(source)
        self.tokens = lexer.tokenize()
        for e in lexer.errors { diagnostics.append(CELDiagnostic(message: e.message, offset: e.offset, length: e.length, source: source)) }
        // Drop invalid tokens: they were reported already; parsing continues around them.
        tokens.removeAll { if case .invalid = $0.kind { return true } else { return false } }
    }

    /// Parses a whole expression; returns nil only when diagnostics were reported.
    static func parse(_ source: String, limits: CELLimits) -> (Expr?, [CELDiagnostic]) {
        let bytes = Array(source.utf8)
        if bytes.count > limits.maxSourceLength {
            let d = CELDiagnostic(message: "expression is \(bytes.count) bytes long; the limit is \(limits.maxSourceLength)",
                                  offset: limits.maxSourceLength, length: 1, source: bytes)
            return (nil, [d])
        }
        var p = Parser(source: bytes, limits: limits)
        let e = p.parseExpr()
        if case .eof = p.cur.kind {} else {
            p.error("unexpected \(p.cur.describe) after the end of the expression", p.cur)
        }
        return (p.diagnostics.isEmpty ? e : nil, p.diagnostics)
    }

    var cur: Token { tokens[i] }

    mutating func advance() -> Token {
        let t = tokens[i]
        if i < tokens.count - 1 { i += 1 }
        return t
    }

    mutating func error(_ message: String, _ t: Token) {
        error(message, offset: t.start, length: max(1, t.end - t.start))
    }

    mutating func error(_ message: String, offset: Int, length: Int) {
        guard diagnostics.count < Parser.maxDiagnostics else { return }
        if diagnostics.contains(where: { $0.offset == offset }) { return }
        diagnostics.append(CELDiagnostic(message: message, offset: offset, length: length, source: src))
    }

    mutating func accept(_ p: String) -> Bool {
        if cur.isPunct(p) { _ = advance(); return true }
        return false
    }

    mutating func expect(_ p: String) -> Bool {
        if accept(p) { return true }
        error("expected '\(p)' but found \(cur.describe)", cur)
        return false
    }

    func node(_ kind: Expr.Kind, _ start: Int, _ end: Int, _ children: [Expr], anchor: Int? = nil) -> Expr {
        Expr(kind, start: start, end: end, children: children, anchor: anchor)
    }

    /// Reports (once) when the tree grows deeper than the limit; returns an error node in that case.
    mutating func checked(_ e: Expr) -> Expr {
        if e.height > maxDepth {
            error("expression nests more than \(maxDepth) levels deep", offset: e.start, length: 1)
            return Expr(.error, start: e.start, end: e.end)
        }
        return e
    }

    // Expr = ConditionalOr ["?" ConditionalOr ":" Expr]
    mutating func parseExpr() -> Expr {
        depth += 1
        defer { depth -= 1 }
        if depth > maxDepth {
            error("expression nests more than \(maxDepth) levels deep", cur)
            // Skip everything: the rest cannot be parsed meaningfully within the limit.
            while true { if case .eof = cur.kind { break }; _ = advance() }
            return Expr(.error, start: cur.start, end: cur.end)
        }
        let c = parseOr()
        if cur.isPunct("?") {
            let q = advance()
            let a = parseOr()
            _ = expect(":")
            let b = parseExpr()
            return checked(node(.call("_?_:_", target: nil, args: [c, a, b]), c.start, b.end, [c, a, b], anchor: q.start))
        }
        return c
    }

    mutating func parseOr() -> Expr {
        var l = parseAnd()
        while cur.isPunct("||") {
            let op = advance()
            let r = parseAnd()
            l = checked(node(.call("_||_", target: nil, args: [l, r]), l.start, r.end, [l, r], anchor: op.start))
        }
        return l
    }

    mutating func parseAnd() -> Expr {
        var l = parseRelation()
        while cur.isPunct("&&") {
            let op = advance()
            let r = parseRelation()
            l = checked(node(.call("_&&_", target: nil, args: [l, r]), l.start, r.end, [l, r], anchor: op.start))
        }
        return l
    }

    mutating func relOp() -> String? {
        switch cur.kind {
        case .punct("<"): return "_<_"
        case .punct("<="): return "_<=_"
        case .punct(">"): return "_>_"
        case .punct(">="): return "_>=_"
        case .punct("=="): return "_==_"
        case .punct("!="): return "_!=_"
        case .ident("in"): return "@in"
        default: return nil
        }
    }

    mutating func parseRelation() -> Expr {
        var l = parseAddition()
        while let name = relOp() {
            let op = advance()
            let r = parseAddition()
            l = checked(node(.call(name, target: nil, args: [l, r]), l.start, r.end, [l, r], anchor: op.start))
        }
        return l
    }

    mutating func parseAddition() -> Expr {
        var l = parseMultiplication()
        while cur.isPunct("+") || cur.isPunct("-") {
            let op = advance()
            let r = parseMultiplication()
            let name = op.isPunct("+") ? "_+_" : "_-_"
            l = checked(node(.call(name, target: nil, args: [l, r]), l.start, r.end, [l, r], anchor: op.start))
        }
        return l
    }

    mutating func parseMultiplication() -> Expr {
        var l = parseUnary()
        while cur.isPunct("*") || cur.isPunct("/") || cur.isPunct("%") {
            let op = advance()
            let r = parseUnary()
            guard case .punct(let p) = op.kind else { break }
            l = checked(node(.call("_\(p)_", target: nil, args: [l, r]), l.start, r.end, [l, r], anchor: op.start))
        }
        return l
    }

    mutating func parseUnary() -> Expr {
        if cur.isPunct("!") {
            let t = advance()
            depth += 1
            defer { depth -= 1 }
            if depth > maxDepth { return parseExpr() }
            let e = parseUnary()
            return checked(node(.call("!_", target: nil, args: [e]), t.start, e.end, [e], anchor: t.start))
        }
        if cur.isPunct("-") {
            let t = advance()
            // A minus directly before an integer literal makes a negative literal (so the minimum int64 parses).
            if case .int(let mag) = cur.kind, !isFollowedByMember() {
                let lit = advance()
                let lo = Expr(.literal(.int(0)), start: t.start, end: lit.end)
                if let m = mag, m <= UInt64(Int64.max) + 1 {
                    let v: Int64 = m == UInt64(Int64.max) + 1 ? Int64.min : -Int64(m)
                    var e = lo
                    e.kind = .literal(.int(v))
                    return parseMemberSuffix(e)
                }
                error("integer literal out of range", offset: t.start, length: lit.end - t.start)
                return Expr(.error, start: t.start, end: lit.end)
            }
            if case .double(let d) = cur.kind, !isFollowedByMember() {
                let lit = advance()
                return parseMemberSuffix(Expr(.literal(.double(-d)), start: t.start, end: lit.end))
            }
            depth += 1
            defer { depth -= 1 }
            if depth > maxDepth { return parseExpr() }
            let e = parseUnary()
            return checked(node(.call("-_", target: nil, args: [e]), t.start, e.end, [e]))
        }
        return parseMember()
    }

    /// True when the token after the current one starts a member suffix (so `-1.abs()` isn't folded wrongly).
    func isFollowedByMember() -> Bool {
        let n = i + 1 < tokens.count ? tokens[i + 1] : tokens[i]
        return n.isPunct(".") || n.isPunct("[")
    }

    mutating func parseMember() -> Expr {
        parseMemberSuffix(parsePrimary())
    }

    mutating func parseMemberSuffix(_ base: Expr) -> Expr {
        var e = base
        while true {
            if cur.isPunct(".") {
                _ = advance()
                let optional = accept("?")
                let name: String
                var quoted = false
                switch cur.kind {
                case .ident(let n), .reserved(let n): name = n
                case .quotedIdent(let n): name = n; quoted = true
                default:
                    error("expected a field name after '.' but found \(cur.describe)", cur)
                    return Expr(.error, start: e.start, end: cur.end)
                }
                let nameTok = advance()
                if optional {
                    e = checked(node(.optSelect(e, name), e.start, nameTok.end, [e], anchor: nameTok.start))
                } else if cur.isPunct("("), !quoted {
                    _ = advance()
                    let (args, end) = parseList(closer: ")")
                    e = checked(makeCall(name, target: e, args: args, start: e.start, end: end, nameTok: nameTok))
                } else {
                    e = checked(node(.select(e, name, test: false), e.start, nameTok.end, [e], anchor: nameTok.start))
                }
            } else if cur.isPunct("[") {
                _ = advance()
                let optional = accept("?")
                let idx = parseExpr()
                let close = cur
                _ = expect("]")
                e = checked(node(.call(optional ? "_[?_]" : "_[_]", target: nil, args: [e, idx]), e.start, close.end, [e, idx], anchor: idx.start))
            } else if cur.isPunct("{"), let name = e.qualifiedName, isMessageName(e) {
                _ = advance()
                let (fields, end) = parseFields()
                e = node(.message(name, fields), e.start, end, fields.map(\.1))
            } else {
                return e
            }
        }
    }

    func isMessageName(_ e: Expr) -> Bool {
        switch e.kind {
        case .ident, .select: return true
        default: return false
        }
    }

    /// Parses `expr, expr, ...` up to `closer` (already past the opener). Allows a trailing comma.
    mutating func parseList(closer: String, optionalElements: Bool = false) -> ([Expr], Int) {
        var items: [Expr] = []
        while !cur.isPunct(closer) {
            if case .eof = cur.kind { break }
            if optionalElements, cur.isPunct("?") {
                let q = advance()
                let e = parseExpr()
                items.append(node(.call("@opt", target: nil, args: [e]), q.start, e.end, [e]))
                if !accept(",") { break }
                continue
            }
            items.append(parseExpr())
            if !accept(",") { break }
        }
        let end = cur.end
        if !accept(closer) {
            error("expected '\(closer)' but found \(cur.describe)", cur)
            skipTo(closer)
        }
        return (items, end)
    }

    /// Error recovery: skip tokens until `closer` (consumed) or end of input.
    mutating func skipTo(_ closer: String) {
        var nest = 0
        while true {
            if case .eof = cur.kind { return }
            if cur.isPunct("(") || cur.isPunct("[") || cur.isPunct("{") { nest += 1 }
            if cur.isPunct(")") || cur.isPunct("]") || cur.isPunct("}") {
                if nest == 0 {
                    if cur.isPunct(closer) { _ = advance() }
                    return
                }
                nest -= 1
            }
            _ = advance()
        }
    }

    mutating func parseFields() -> ([(String, Expr)], Int) {
        var fields: [(String, Expr)] = []
        while !cur.isPunct("}") {
            guard case .ident(let f) = cur.kind else { break }
            _ = advance()
            _ = expect(":")
            fields.append((f, parseExpr()))
            if !accept(",") { break }
        }
        let end = cur.end
        if !accept("}") { error("expected '}' but found \(cur.describe)", cur); skipTo("}") }
        return (fields, end)
    }

    /// `cel.block([e0, e1, ...], result)` (common subexpressions, as optimisers emit) becomes nested `cel.bind`s;
    /// `cel.index(n)`, `cel.iterVar(i, j)` and `cel.accuVar(i, j)` become reserved identifiers.
    mutating func celBlockForms(_ name: String, args: [Expr], start: Int, end: Int, children: [Expr], nameTok: Token) -> Expr? {
        func intArg(_ i: Int) -> Int64? {
            if i < args.count, case .literal(.int(let v)) = args[i].kind { return v }
            return nil
        }
        switch name {
        case "index":
            guard args.count == 1, let n = intArg(0) else { return nil }
            return Expr(.ident("@index\(n)", rooted: false), start: start, end: end)
        case "iterVar", "accuVar":
            guard args.count == 2, let i = intArg(0), let j = intArg(1) else { return nil }
            return Expr(.ident("@\(name):\(i):\(j)", rooted: false), start: start, end: end)
        case "block":
            guard args.count == 2, case .list(let items) = args[0].kind else { return nil }
            var body = args[1]
            for (n, item) in items.enumerated().reversed() {
                body = node(.comprehension(.bind, range: item, variable: "@index\(n)", variable2: nil, body: body, filter: nil),
                            start, end, [item, body], anchor: nameTok.start)
            }
            return checked(body)
        default:
            return nil
        }
    }

    mutating func makeCall(_ name: String, target: Expr?, args: [Expr], start: Int, end: Int, nameTok: Token) -> Expr {
        let children = (target.map { [$0] } ?? []) + args
        if let target {
            if case .ident("cel", false) = target.kind, let e = celBlockForms(name, args: args, start: start, end: end, children: children, nameTok: nameTok) {
                return e
            }
            if name == "bind", case .ident("cel", false) = target.kind {
                guard args.count == 3, case .ident(let v, false) = args[0].kind else {
                    error("cel.bind() takes a variable name, an initial value and an expression", offset: start, length: max(1, end - start))
                    return Expr(.error, start: start, end: end)
                }
                return node(.comprehension(.bind, range: args[1], variable: v, variable2: nil, body: args[2], filter: nil),
                            start, end, children, anchor: nameTok.start)
            }
            let macro: Expr.Macro? = switch name {
            case "all": .all
            case "exists": .exists
            case "exists_one", "existsOne": .existsOne
            case "map": .map
            case "filter": .filter
            case "transformList": .transformList
            case "transformMap": .transformMap
            case "optMap": .optMap
            case "optFlatMap": .optFlatMap
            default: nil
            }
            // Two-variable forms: all/exists/existsOne(i, v, p), transformList/transformMap(i, v, [filter,] t).
            if let macro, args.count >= 3, case .ident(let v1, false) = args[0].kind, case .ident(let v2, false) = args[1].kind,
               (macro == .transformList || macro == .transformMap) ? args.count <= 4 : (args.count == 3 && macro != .map && macro != .filter) {
                let filter = args.count == 4 ? args[2] : nil
                return node(.comprehension(macro, range: target, variable: v1, variable2: v2, body: args[args.count - 1], filter: filter),
                            start, end, children, anchor: nameTok.start)
            }
            if let macro, macro != .transformList, macro != .transformMap {
                let arity = macro == .map ? [2, 3] : [2]  // optMap/optFlatMap: (variable, body)
                if arity.contains(args.count), case .ident(let v, false) = args[0].kind {
                    let body = args[args.count - 1]
                    let filter = args.count == 3 ? args[1] : nil
                    return node(.comprehension(macro, range: target, variable: v, variable2: nil, body: body, filter: filter), start, end, children, anchor: nameTok.start)
                }
                if arity.contains(args.count) {
                    error("the first argument of \(name)() must be a simple identifier", offset: args[0].start, length: max(1, args[0].end - args[0].start))
                    return Expr(.error, start: start, end: end)
                }
            }
        } else if name == "has" {
            guard args.count == 1, case .select(let operand, let field, false) = args[0].kind else {
                error("has() requires a single field selection argument, like has(m.f)", offset: start, length: max(1, end - start))
                return Expr(.error, start: start, end: end)
            }
            return node(.select(operand, field, test: true), start, end, [operand])
        }
        return node(.call(name, target: target, args: args), start, end, children, anchor: nameTok.start)
    }

    mutating func parsePrimary() -> Expr {
        let t = cur
        switch t.kind {
        case .int(let m):
            _ = advance()
            guard let m, m <= UInt64(Int64.max) else {
                error("integer literal out of range", t)
                return Expr(.error, start: t.start, end: t.end)
            }
            return Expr(.literal(.int(Int64(m))), start: t.start, end: t.end)
        case .uint(let m):
            _ = advance()
            guard let m else {
                error("unsigned integer literal out of range", t)
                return Expr(.error, start: t.start, end: t.end)
            }
            return Expr(.literal(.uint(m)), start: t.start, end: t.end)
        case .double(let d):
            _ = advance()
            return Expr(.literal(.double(d)), start: t.start, end: t.end)
        case .string(let s):
            _ = advance()
            return Expr(.literal(.string(s)), start: t.start, end: t.end)
        case .bytes(let b):
            _ = advance()
            return Expr(.literal(.bytes(b)), start: t.start, end: t.end)
        case .ident(let name):
            _ = advance()
            switch name {
            case "true": return Expr(.literal(.bool(true)), start: t.start, end: t.end)
            case "false": return Expr(.literal(.bool(false)), start: t.start, end: t.end)
            case "null": return Expr(.literal(.null), start: t.start, end: t.end)
            case "in":
                error("unexpected 'in'", t)
                return Expr(.error, start: t.start, end: t.end)
            default: break
            }
            if cur.isPunct("(") {
                _ = advance()
                let (args, end) = parseList(closer: ")")
                return makeCall(name, target: nil, args: args, start: t.start, end: end, nameTok: t)
            }
            return Expr(.ident(name, rooted: false), start: t.start, end: t.end)
        case .reserved(let r):
            _ = advance()
            error("'\(r)' is a reserved word and cannot be used here", t)
            return Expr(.error, start: t.start, end: t.end)
        case .punct("."):
            _ = advance()
            guard case .ident(let name) = cur.kind else {
                error("expected an identifier after '.' but found \(cur.describe)", cur)
                return Expr(.error, start: t.start, end: t.end)
            }
            let nt = advance()
            if cur.isPunct("(") {
                _ = advance()
                let (args, end) = parseList(closer: ")")
                return makeCall(name, target: nil, args: args, start: t.start, end: end, nameTok: nt)
            }
            return Expr(.ident(name, rooted: true), start: t.start, end: nt.end)
        case .punct("("):
            _ = advance()
            let e = parseExpr()
            if !accept(")") {
                error("expected ')' but found \(cur.describe)", cur)
                skipTo(")")
            }
            return e
        case .punct("["):
            _ = advance()
            depth += 1
            defer { depth -= 1 }
            let (items, end) = parseList(closer: "]", optionalElements: true)
            return checked(node(.list(items), t.start, end, items))
        case .punct("{"):
            _ = advance()
            depth += 1
            defer { depth -= 1 }
            var entries: [(Expr, Expr)] = []
            while !cur.isPunct("}") {
                if case .eof = cur.kind { break }
                var k: Expr
                if cur.isPunct("?") {
                    let q = advance()
                    let inner = parseExpr()
                    k = node(.call("@opt", target: nil, args: [inner]), q.start, inner.end, [inner])
                } else {
                    k = parseExpr()
                }
                _ = expect(":")
                let v = parseExpr()
                entries.append((k, v))
                if !accept(",") { break }
            }
            let end = cur.end
            if !accept("}") { error("expected '}' but found \(cur.describe)", cur); skipTo("}") }
            return checked(node(.map(entries), t.start, end, entries.flatMap { [$0.0, $0.1] }))
        case .eof:
            error("unexpected end of expression", t)
            return Expr(.error, start: t.start, end: t.end)
        default:
            // Leave closing brackets for the enclosing construct so one mistake is reported once.
            if !(t.isPunct(")") || t.isPunct("]") || t.isPunct("}")) { _ = advance() }
            error("unexpected \(t.describe)", t)
            return Expr(.error, start: t.start, end: t.end)
        }
    }
}
