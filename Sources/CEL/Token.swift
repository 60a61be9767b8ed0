/// A lexical token of CEL source. Offsets are UTF-8 byte offsets into the expression.
struct Token: Sendable {
    enum Kind: Sendable, Equatable {
        case eof
        case ident(String)
        /// An integer literal's magnitude (nil when it exceeds UInt64), before any unary minus.
        case int(UInt64?)
        case uint(UInt64?)
        case double(Double)
        case string(String)
        case bytes([UInt8])
        case punct(String)
        /// A reserved word that cannot be used as an identifier.
        case reserved(String)
        /// A backtick-quoted field name: `` a.`content-type` ``.
        case quotedIdent(String)
        case invalid
    }

    var kind: Kind
    var start: Int
    var end: Int

    func isPunct(_ p: String) -> Bool {
        if case .punct(let q) = kind { return q == p }
        return false
    }

    var describe: String {
        switch kind {
        case .eof: return "end of input"
        case .ident(let s): return "'\(s)'"
        case .int, .uint, .double: return "number"
        case .string: return "string"
        case .bytes: return "bytes"
        case .punct(let p): return "'\(p)'"
        case .reserved(let r): return "reserved word '\(r)'"
        case .quotedIdent(let s): return "`\(s)`"
        case .invalid: return "invalid token"
        }
    }
}
