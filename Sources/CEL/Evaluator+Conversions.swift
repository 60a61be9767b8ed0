/// Type conversions: int(), uint(), double(), string(), bytes(), bool().
extension Evaluator {
    static func rangeError(_ what: String) -> CELValue { .err("range error: \(what)") }

    static func toInt(_ x: CELValue) -> CELValue {
        switch x {
        case .int: return x
        case .uint(let u):
            return u <= UInt64(Int64.max) ? .int(Int64(u)) : rangeError("\(u)u does not fit in int")
        case .double(let d):
            guard d.isFinite, d > -9223372036854775808.0, d < 9223372036854775808.0 else {
                return rangeError("\(d) does not fit in int")
            }
            return .int(Int64(d.rounded(.towardZero)))
        case .string(let s):
            guard let v = Int64(s) else { return .err("cannot convert '\(s)' to int") }
            return .int(v)
        default:
            return applySupport(.toInt, [x])
        }
    }

    static func toUint(_ x: CELValue) -> CELValue {
        switch x {
        case .uint: return x
        case .int(let i):
            return i >= 0 ? .uint(UInt64(i)) : rangeError("\(i) does not fit in uint")
        case .double(let d):
            guard d.isFinite, d > -1.0, d < 18446744073709551616.0 else { return rangeError("\(d) does not fit in uint") }
            return .uint(UInt64(d.rounded(.towardZero)))
        case .string(let s):
            guard let v = UInt64(s) else { return .err("cannot convert '\(s)' to uint") }
            return .uint(v)
        default:
            return .noOverload("uint")
        }
    }

    static func toDouble(_ x: CELValue) -> CELValue {
        switch x {
        case .double: return x
        case .int(let i): return .double(Double(i))
        case .uint(let u): return .double(Double(u))
        case .string(let s):
            switch s {
            case "NaN", "nan": return .double(.nan)
            case "Infinity", "+Infinity", "inf", "+inf", "Inf": return .double(.infinity)
            case "-Infinity", "-inf", "-Inf": return .double(-.infinity)
            default:
                guard !s.isEmpty, s.utf8.allSatisfy({ Lexer.isDigit($0) || "+-.eE".utf8.contains($0) }), let d = Double(s) else {
                    return .err("cannot convert '\(s)' to double")
                }
                return .double(d)
            }
        default:
            return .noOverload("double")
        }
    }

    static func toString(_ x: CELValue) -> CELValue {
        switch x {
        case .string: return x
        case .int(let i): return .string(String(i))
        case .uint(let u): return .string(String(u))
        case .double(let d): return .string(formatDoubleG(d))
        case .bool(let b): return .string(b ? "true" : "false")
        case .bytes(let b):
            guard let s = String(validating: b, as: UTF8.self) else { return .err("invalid UTF-8 in bytes to string conversion") }
            return .string(s)
        default:
            return applySupport(.toString, [x])
        }
    }

    static func toBytes(_ x: CELValue) -> CELValue {
        switch x {
        case .bytes: return x
        case .string(let s): return .bytes(Array(s.utf8))
        default: return .noOverload("bytes")
        }
    }

    static func toBool(_ x: CELValue) -> CELValue {
        switch x {
        case .bool: return x
        case .string(let s):
            switch s {
            case "1", "t", "true", "TRUE", "True": return .bool(true)
            case "0", "f", "false", "FALSE", "False": return .bool(false)
            default: return .err("Type conversion error: cannot convert '\(s)' to bool")
            }
        default:
            return .noOverload("bool")
        }
    }

    /// Formats a double like Go's `strconv.FormatFloat(d, 'g', -1, 64)`, which CEL's string() uses.
    static func formatDoubleG(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Inf" : "+Inf" }
        if d == 0 { return d.sign == .minus ? "-0" : "0" }
        // Shortest round-trip digits and decimal exponent from Swift's description.
        var text = "\(abs(d))"
        var exp10 = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exp10 = Int(text[text.index(after: e)...]) ?? 0
            text = String(text[..<e])
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let intPart = String(parts[0])
        let fracPart = parts.count > 1 ? String(parts[1]) : ""
        var digits = intPart + fracPart
        var point = intPart.count + exp10   // position of the decimal point within digits
        while digits.hasPrefix("0") && digits.count > 1 { digits.removeFirst(); point -= 1 }
        while digits.hasSuffix("0") && digits.count > 1 { digits.removeLast() }
        let sign = d < 0 ? "-" : ""
        let exp = point - 1
        if exp < -4 || exp >= 6 {
            var m = String(digits.prefix(1))
            if digits.count > 1 { m += "." + digits.dropFirst() }
            let es = exp < 0 ? "-" : "+"
            let ev = abs(exp) < 10 ? "0\(abs(exp))" : "\(abs(exp))"
            return sign + m + "e" + es + ev
        }
        if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + digits }
        if point >= digits.count { return sign + digits + String(repeating: "0", count: point - digits.count) }
        let idx = digits.index(digits.startIndex, offsetBy: point)
        return sign + digits[..<idx] + "." + digits[idx...]
    }
}
