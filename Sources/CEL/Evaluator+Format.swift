/// `"...".format([args])`: %s %d %f %e %x %X %o %b %% with optional precision (cel-go ext.Strings).
extension Evaluator {
    static func format(_ template: String, _ args: [CELValue]) -> CELValue {
        var out = ""
        var it = Array(template.unicodeScalars)[...]
        var argIndex = 0
        while let ch = it.popFirst() {
            guard ch == "%" else { out.unicodeScalars.append(ch); continue }
            guard var spec = it.popFirst() else { return .err("format: unterminated format verb") }
            if spec == "%" { out += "%"; continue }
            var precision: Int? = nil
            if spec == "." {
                var digits = ""
                while let d = it.first, d.properties.numericType != nil, d.isASCII { digits.unicodeScalars.append(d); it.removeFirst() }
                precision = Int(digits)
                guard let next = it.popFirst() else { return .err("format: unterminated format verb") }
                spec = next
            }
            guard argIndex < args.count else { return .err("format: not enough arguments for the format string") }
            let arg = args[argIndex]
            argIndex += 1
            switch spec {
            case "s":
                guard let s = formatString(arg) else { return .err("format: %s cannot format \(arg.typeName)") }
                out += s
            case "d":
                switch arg {
                case .int(let i): out += String(i)
                case .uint(let u): out += String(u)
                case .double(let d) where d.isNaN: out += "NaN"
                case .double(let d) where d.isInfinite: out += d < 0 ? "-Infinity" : "Infinity"
                default: return .err("format: %d cannot format \(arg.typeName)")
                }
            case "f", "e":
                let d: Double
                switch arg {
                case .int(let i): d = Double(i)
                case .uint(let u): d = Double(u)
                case .double(let v): d = v
                default: return .err("format: %\(spec) cannot format \(arg.typeName)")
                }
                if d.isNaN { out += "NaN"; continue }
                if d.isInfinite { out += d < 0 ? "-Infinity" : "Infinity"; continue }
                out += spec == "f" ? fixed(d, precision ?? 6) : scientific(d, precision ?? 6)
            case "x", "X", "o", "b":
                let radix = spec == "o" ? 8 : (spec == "b" ? 2 : 16)
                var s: String
                switch arg {
                case .int(let i): s = i < 0 ? "-" + String(i.magnitude, radix: radix) : String(i, radix: radix)
                case .uint(let u): s = String(u, radix: radix)
                case .bool(let b) where radix == 2: s = b ? "1" : "0"
                case .string(let v) where radix == 16: s = v.utf8.map { b in (b < 16 ? "0" : "") + String(b, radix: 16) }.joined()
                case .bytes(let v) where radix == 16: s = v.map { b in (b < 16 ? "0" : "") + String(b, radix: 16) }.joined()
                default: return .err("format: %\(spec) cannot format \(arg.typeName)")
                }
                if spec == "X" { s = s.uppercased() }
                out += s
            default:
                return .err("format: unrecognized formatting clause '%\(spec)'")
            }
        }
        return .string(out)
    }

    static func formatString(_ v: CELValue) -> String? {
        switch v {
        case .string(let s): return s
        case .list(let l):
            var parts: [String] = []
            for x in l { guard let s = formatString(x) else { return nil }; parts.append(s) }
            return "[" + parts.joined(separator: ", ") + "]"
        case .map(let m):
            var parts: [String] = []
            for (k, x) in m.entries {
                guard let ks = formatString(k), let vs = formatString(x) else { return nil }
                parts.append(ks + ": " + vs)
            }
            return "{" + parts.sorted().joined(separator: ", ") + "}"
        case .bytes(let b): return String(decoding: b, as: UTF8.self)
        case .double(let d):
            if d.isNaN { return "NaN" }
            if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
            return formatDoubleG(d)
        case .type(let t): return t.name
        case .error: return nil
        default:
            if case .string(let s) = toString(v) { return s }
            if case .null = v { return "null" }
            return nil
        }
    }

    /// Fixed-point with `p` fraction digits, rounding half to even on the exact binary value.
    static func fixed(_ d: Double, _ p: Int) -> String {
        let p = min(max(p, 0), 30)
        let neg = d < 0 || (d == 0 && d.sign == .minus)
        var m = abs(d)
        let scale = pow10(p)
        m = (m * scale).rounded(.toNearestOrEven)
        guard m < 1e18 else { return (neg ? "-" : "") + formatDoubleG(abs(d)) }
        let whole = UInt64(m)
        var digits = String(whole)
        if p > 0 {
            if digits.count <= p { digits = String(repeating: "0", count: p - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -p))
        }
        return (neg && whole != 0 ? "-" : "") + digits
    }

    static func scientific(_ d: Double, _ p: Int) -> String {
        if d == 0 { return fixed(0, p) + "e+00" }
        var e = Int((abs(d)).log10Floor)
        var mant = abs(d) / pow10(e)
        if mant >= 10 { mant /= 10; e += 1 }
        var ms = fixed(mant, p)
        if ms.hasPrefix("10") { mant /= 10; e += 1; ms = fixed(mant, p) }
        let es = (e < 0 ? "-" : "+") + (abs(e) < 10 ? "0" : "") + String(abs(e))
        return (d < 0 ? "-" : "") + ms + "e" + es
    }

    /// `strings.quote`: a double-quoted string with escapes for quotes, backslashes and control characters.
    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\u{07}": out += "\\a"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{0B}": out += "\\v"
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }

    static func pow10(_ n: Int) -> Double {
        var r = 1.0
        if n >= 0 { for _ in 0..<n { r *= 10 } } else { for _ in 0..<(-n) { r /= 10 } }
        return r
    }
}

extension Double {
    var log10Floor: Double {
        var e = 0.0, v = self
        while v >= 10 { v /= 10; e += 1 }
        while v < 1 { v *= 10; e -= 1 }
        return e
    }
}
