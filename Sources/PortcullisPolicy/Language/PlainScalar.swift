/// YAML 1.2 core-schema resolution of plain scalars, without Yams' regular expressions (which are slow).
enum PlainScalar {
    static func isNull(_ s: String) -> Bool {
        s.isEmpty || s == "~" || s == "null" || s == "Null" || s == "NULL"
    }

    static func bool(_ s: String) -> Bool? {
        switch s {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: return nil
        }
    }

    static func int(_ s: String) -> Int64? {
        if let i = Int64(s) { return i }
        if s.hasPrefix("0x"), let i = Int64(s.dropFirst(2), radix: 16) { return i }
        if s.hasPrefix("0o"), let i = Int64(s.dropFirst(2), radix: 8) { return i }
        return nil
    }

    static func double(_ s: String) -> Double? {
        switch s {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        guard let first = s.utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+")
            || first == UInt8(ascii: ".") || (first >= 0x30 && first <= 0x39)
        else { return nil }
        return Double(s)
    }

    /// A node that is a plain `null`/`~`/empty scalar.
    static func isNull<N: YAMLNodeView>(_ node: N) -> Bool {
        guard node.scalarStyle == .plain, let text = node.scalarText else { return false }
        return isNull(text)
    }
}
