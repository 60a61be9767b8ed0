import CELSupport

extension CELValue: CustomStringConvertible {
    public var description: String { literal }

    /// The value in CEL literal syntax: `1`, `1u`, `1.0`, `b"\x00"`, `"s"`, `[1, 2]`, `{"a": true}`, `null`,
    /// `duration("1s")`, `timestamp("...")`. An error prints as `error("message")`.
    public var literal: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .uint(let u): return "\(u)u"
        case .double(let d):
            if d.isNaN { return "double(\"NaN\")" }
            if d.isInfinite { return d < 0 ? "double(\"-Infinity\")" : "double(\"Infinity\")" }
            return "\(d)"
        case .string(let s): return CELValue.quote(s)
        case .bytes(let b):
            var out = "b\""
            for c in b {
                switch c {
                case UInt8(ascii: "\""): out += "\\\""
                case UInt8(ascii: "\\"): out += "\\\\"
                case 0x20...0x7E: out.unicodeScalars.append(Unicode.Scalar(c))
                default:
                    let h = String(c, radix: 16)
                    out += "\\x" + (h.count == 1 ? "0" + h : h)
                }
            }
            return out + "\""
        case .list(let l): return "[" + l.map(\.literal).joined(separator: ", ") + "]"
        case .map(let m): return "{" + m.entries.map { "\($0.key.literal): \($0.value.literal)" }.joined(separator: ", ") + "}"
        case .type(let t): return t.name
        case .timestamp(let t): return "timestamp(\"\(CivilTime.formatTimestamp(t))\")"
        case .duration(let d): return "duration(\"\(CivilTime.formatDuration(d))\")"
        case .ip(let a): return "ip(\"\(a.description)\")"
        case .cidr(let n): return "cidr(\"\(n.description)\")"
        case .error(let e): return "error(\(CELValue.quote(e.message)))"
        case .optional(let v?): return "optional.of(\(v.literal))"
        case .optional(nil): return "optional.none()"
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 || u.value == 0x7F {
                    let h = String(u.value, radix: 16)
                    out += "\\x" + (h.count == 1 ? "0" + h : h)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}
