extension RegexParser {
    /// What an escape sequence denotes.
    enum Escape {
        case scalar(UInt32)
        case set(ScalarRanges)
        case assertion(RegexAssertion)
        case quoted([UInt32])
    }

    /// An escape outside a class.
    mutating func parseEscape() throws(LinearRegexError) -> RegexNode {
        switch try escape(inClass: false) {
        case .scalar(let v): return literal(v)
        case .set(let set): return setNode(set)
        case .assertion(let a): return .assertion(a)
        case .quoted(let values):
            let nodes = values.map { literal($0) }
            if nodes.isEmpty { return .empty }
            return nodes.count == 1 ? nodes[0] : .concat(nodes)
        }
    }

    /// Parses the escape at `pos` (which holds the backslash).
    mutating func escape(inClass: Bool) throws(LinearRegexError) -> Escape {
        let start = pos
        pos += 1
        guard let c = peek else {
            throw error("trailing backslash at end of expression", at: start)
        }
        pos += 1
        switch c {
        case "a": return .scalar(0x07)
        case "f": return .scalar(0x0C)
        case "t": return .scalar(0x09)
        case "n": return .scalar(0x0A)
        case "r": return .scalar(0x0D)
        case "v": return .scalar(0x0B)
        case "d", "D", "s", "S", "w", "W":
            return .set(UnicodeClasses.perl(c) ?? ScalarRanges())
        case "p", "P":
            return .set(try unicodeClass(negated: c == "P", escapeStart: start))
        case "x":
            return .scalar(try hexEscape(escapeStart: start))
        case "0":
            // Octal: \0, \01, \012
            var value: UInt32 = 0
            var n = 0
            while n < 2, let d = peek, d.value >= 0x30, d.value <= 0x37 {
                value = value * 8 + (d.value - 0x30)
                pos += 1
                n += 1
            }
            return .scalar(value)
        case "1", "2", "3", "4", "5", "6", "7":
            // RE2 reads \1 followed by digits as octal (\123); a lone \1 is a backreference.
            if let d = peek, d.value >= 0x30, d.value <= 0x37 {
                var value = c.value - 0x30
                var n = 1
                while n < 3, let d = peek, d.value >= 0x30, d.value <= 0x37 {
                    value = value * 8 + (d.value - 0x30)
                    pos += 1
                    n += 1
                }
                return .scalar(value)
            }
            throw error("backreferences are not supported: \\\(c)", at: start)
        case "8", "9":
            throw error("backreferences are not supported: \\\(c)", at: start)
        case "k", "g":
            throw error("backreferences are not supported: \\\(c)", at: start)
        case "A" where !inClass: return .assertion(.beginText)
        case "z" where !inClass: return .assertion(.endText)
        case "b" where !inClass: return .assertion(.wordBoundary)
        case "B" where !inClass: return .assertion(.notWordBoundary)
        case "Q" where !inClass:
            var values: [UInt32] = []
            while let q = peek {
                if q == "\\", peek(at: 1) == "E" {
                    pos += 2
                    return .quoted(values)
                }
                values.append(q.value)
                pos += 1
            }
            return .quoted(values)
        case "C":
            throw error("\\C (any byte) is not supported", at: start)
        case "Z":
            throw error("\\Z is not supported; use \\z or $", at: start)
        default:
            // Any ASCII punctuation may be escaped.
            if c.value < 0x80, !(c.properties.isAlphabetic || asciiDigit(c) != nil), c.value > 0x20, c.value != 0x7F {
                return .scalar(c.value)
            }
            throw error("invalid escape sequence: \\\(c)", at: start)
        }
    }

    mutating func hexEscape(escapeStart: Int) throws(LinearRegexError) -> UInt32 {
        func hex(_ c: Unicode.Scalar?) -> UInt32? {
            guard let v = c?.value else { return nil }
            switch v {
            case 0x30...0x39: return v - 0x30
            case 0x41...0x46: return v - 0x41 + 10
            case 0x61...0x66: return v - 0x61 + 10
            default: return nil
            }
        }
        if peek == "{" {
            pos += 1
            var value: UInt32 = 0
            var digits = 0
            while let h = hex(peek) {
                value = value * 16 + h
                digits += 1
                pos += 1
                if value > ScalarRanges.maxScalar {
                    throw error("invalid escape sequence: code point out of range", at: escapeStart)
                }
            }
            guard digits > 0, peek == "}" else {
                throw error("invalid escape sequence: malformed \\x{...}", at: escapeStart)
            }
            pos += 1
            return value
        }
        guard let h1 = hex(peek), let h2 = hex(peek(at: 1)) else {
            throw error("invalid escape sequence: \\x needs two hex digits", at: escapeStart)
        }
        pos += 2
        return h1 * 16 + h2
    }

    mutating func unicodeClass(negated: Bool, escapeStart: Int) throws(LinearRegexError) -> ScalarRanges {
        var name = ""
        guard let first = peek else {
            throw error("invalid character class range: missing Unicode class name", at: escapeStart)
        }
        if first == "{" {
            pos += 1
            while let c = peek, c != "}" {
                name.unicodeScalars.append(c)
                pos += 1
            }
            guard peek == "}" else {
                throw error("invalid character class range: unterminated \\p{", at: escapeStart)
            }
            pos += 1
        } else {
            name.unicodeScalars.append(first)
            pos += 1
        }
        var negate = negated
        if name.hasPrefix("^") {
            negate.toggle()
            name.removeFirst()
        }
        guard let set = UnicodeClasses.unicode(name) else {
            throw error("invalid character class range: unknown or unsupported Unicode class \(name)", at: escapeStart)
        }
        return negate ? set.negated() : set
    }
}
