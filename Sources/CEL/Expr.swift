/// The parsed syntax tree. Offsets are UTF-8 byte offsets into the expression.
struct Expr: Sendable {
    enum Macro: String, Sendable {
        case all, exists, existsOne = "exists_one", map, filter, transformList, transformMap, optMap, optFlatMap
        /// `cel.bind(variable, init, body)`: the range is the initial value.
        case bind
    }

    indirect enum Kind: Sendable {
        case literal(CELValue)
        /// An identifier; `rooted` when written with a leading dot (`.name`).
        case ident(String, rooted: Bool)
        /// `operand.field`; `test` for the `has(operand.field)` macro.
        case select(Expr, String, test: Bool)
        /// `operand.?field`: an optional selection.
        case optSelect(Expr, String)
        /// A global call `f(args)` (target nil) or a receiver call `target.f(args)`.
        case call(String, target: Expr?, args: [Expr])
        case list([Expr])
        case map([(Expr, Expr)])
        /// `Name{field: value}`: protobuf message construction (not supported; reported by the checker).
        case message(String, [(String, Expr)])
        /// A comprehension macro: `range.macro(variable, body)`, `range.map(variable, filter, body)`, or a
        /// two-variable form `range.all(index, value, body)` (index/key and value).
        case comprehension(Macro, range: Expr, variable: String, variable2: String?, body: Expr, filter: Expr?)
        /// A node that failed to parse (a diagnostic was already reported).
        case error
    }

    var kind: Kind
    var start: Int
    var end: Int
    var height: Int
    /// Where diagnostics about this node point: the operator or function name, else the start.
    var anchor: Int

    init(_ kind: Kind, start: Int, end: Int, children: [Expr] = [], anchor: Int? = nil) {
        self.kind = kind
        self.start = start
        self.end = end
        self.anchor = anchor ?? start
        self.height = 1 + (children.map(\.height).max() ?? 0)
    }

    /// The identifiers of a select chain made only of identifiers and field selections (`a.b.c` → a, b, c),
    /// and whether it was written with a leading dot.
    var qualifiedParts: (parts: [String], rooted: Bool)? {
        var parts: [String] = []
        var e = self
        while true {
            switch e.kind {
            case .ident(let n, let rooted):
                parts.append(n)
                return (parts.reversed(), rooted)
            case .select(let o, let f, let test):
                if test { return nil }
                parts.append(f)
                e = o
            default:
                return nil
            }
        }
    }

    /// The dotted name this select chain spells (`a.b.c`), if it is made only of identifiers and field selections.
    var qualifiedName: String? {
        switch kind {
        case .ident(let n, let rooted): return rooted ? "." + n : n
        case .select(let e, let f, let test):
            guard !test, let q = e.qualifiedName else { return nil }
            return q + "." + f
        default: return nil
        }
    }
}
