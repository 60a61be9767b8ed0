/// Parses RE2 syntax into a `RegexNode`. Recursion depth is bounded by `maxDepth` (group nesting).
struct RegexParser {
    static let maxRepeat = 1000
    static let maxDepth = 200

    struct Flags {
        var caseInsensitive = false
        var dotAll = false
        var multiLine = false
        var ungreedy = false
    }

    let scalars: [Unicode.Scalar]
    var pos = 0
    var flags = Flags()

    init(_ pattern: String) {
        scalars = Array(pattern.unicodeScalars)
    }

    static func parse(_ pattern: String) throws(LinearRegexError) -> RegexNode {
        var parser = RegexParser(pattern)
        let node = try parser.parseAlternation(depth: 0)
        if parser.pos < parser.scalars.count {
            // Only an unmatched ')' stops the top-level alternation early.
            throw LinearRegexError(message: "unexpected ): no group to close", offset: parser.pos)
        }
        return node
    }

    var atEnd: Bool { pos >= scalars.count }
    var peek: Unicode.Scalar? { pos < scalars.count ? scalars[pos] : nil }

    func peek(at offset: Int) -> Unicode.Scalar? {
        let i = pos + offset
        return i < scalars.count ? scalars[i] : nil
    }

    func error(_ message: String, at offset: Int) -> LinearRegexError {
        LinearRegexError(message: message, offset: offset)
    }

    mutating func parseAlternation(depth: Int) throws(LinearRegexError) -> RegexNode {
        var branches = [try parseConcatenation(depth: depth)]
        while peek == "|" {
            pos += 1
            branches.append(try parseConcatenation(depth: depth))
        }
        return branches.count == 1 ? branches[0] : .alternate(branches)
    }

    mutating func parseConcatenation(depth: Int) throws(LinearRegexError) -> RegexNode {
        var items: [RegexNode] = []
        while let c = peek, c != "|", c != ")" {
            let start = pos
            if c == "*" || c == "+" || c == "?" {
                throw error("missing argument to repetition operator: \(c)", at: start)
            }
            if c == "{", parseCountedRepeat() != nil {
                throw error("missing argument to repetition operator: {", at: start)
            }
            guard let atom = try parseAtom(depth: depth) else { continue }
            items.append(try parseRepetitions(of: atom))
        }
        switch items.count {
        case 0: return .empty
        case 1: return items[0]
        default: return .concat(items)
        }
    }

    /// Applies postfix operators; a second operator on the same atom (`a**`) is an error, as in RE2.
    mutating func parseRepetitions(of atom: RegexNode) throws(LinearRegexError) -> RegexNode {
        var node = atom
        var repeated = false
        while let c = peek {
            let start = pos
            let bounds: (Int, Int?)
            switch c {
            case "*": pos += 1; bounds = (0, nil)
            case "+": pos += 1; bounds = (1, nil)
            case "?": pos += 1; bounds = (0, 1)
            case "{":
                guard let counted = parseCountedRepeat() else { return node }
                pos = counted.end
                if counted.min > Self.maxRepeat || (counted.max ?? 0) > Self.maxRepeat {
                    throw error("invalid repeat count: at most \(Self.maxRepeat)", at: start)
                }
                if let max = counted.max, max < counted.min {
                    throw error("invalid repeat count: maximum is less than minimum", at: start)
                }
                bounds = (counted.min, counted.max)
            default:
                return node
            }
            if repeated {
                throw error("invalid nested repetition operator", at: start)
            }
            repeated = true
            if peek == "?" { pos += 1 }            // lazy: irrelevant for a yes/no match
            else if peek == "+" {
                throw error("possessive repetition is not supported", at: pos)
            }
            node = .repetition(node, min: bounds.0, max: bounds.1)
        }
        return node
    }

    /// `{n}`, `{n,}` or `{n,m}` at `pos`; nil when the text is not a counted repetition (then `{` is a literal).
    func parseCountedRepeat() -> (min: Int, max: Int?, end: Int)? {
        var i = pos
        guard i < scalars.count, scalars[i] == "{" else { return nil }
        i += 1
        func number(_ i: inout Int) -> Int? {
            var value = 0
            var digits = 0
            while i < scalars.count, let d = asciiDigit(scalars[i]) {
                value = Swift.min(value * 10 + d, 1_000_000)
                digits += 1
                i += 1
            }
            return digits > 0 ? value : nil
        }
        guard let minimum = number(&i) else { return nil }
        var maximum: Int? = minimum
        if i < scalars.count, scalars[i] == "," {
            i += 1
            if i < scalars.count, scalars[i] == "}" {
                maximum = nil
            } else {
                guard let m = number(&i) else { return nil }
                maximum = m
            }
        }
        guard i < scalars.count, scalars[i] == "}" else { return nil }
        return (minimum, maximum, i + 1)
    }

    func asciiDigit(_ c: Unicode.Scalar) -> Int? {
        c.value >= 0x30 && c.value <= 0x39 ? Int(c.value - 0x30) : nil
    }

    /// One atom, or nil for a flag group such as `(?i)` that only changes flags.
    mutating func parseAtom(depth: Int) throws(LinearRegexError) -> RegexNode? {
        guard let c = peek else { return .empty }
        switch c {
        case "(":
            return try parseGroup(depth: depth)
        case "[":
            return try parseClass()
        case ".":
            pos += 1
            return flags.dotAll ? .anyScalar : .anyNotNewline
        case "^":
            pos += 1
            return .assertion(flags.multiLine ? .beginLine : .beginText)
        case "$":
            pos += 1
            return .assertion(flags.multiLine ? .endLine : .endText)
        case "\\":
            return try parseEscape()
        default:
            pos += 1
            return literal(c.value)
        }
    }

    func literal(_ v: UInt32) -> RegexNode {
        if flags.caseInsensitive {
            let variants = CaseFolding.variants(of: v)
            if !variants.isEmpty {
                var set = ScalarRanges()
                set.add(v, v)
                for o in variants { set.add(o, o) }
                set.normalize()
                return .set(set)
            }
        }
        return .scalar(v)
    }

    func setNode(_ set: ScalarRanges) -> RegexNode {
        .set(flags.caseInsensitive ? set.caseFolded() : set)
    }

    mutating func parseGroup(depth: Int) throws(LinearRegexError) -> RegexNode? {
        let start = pos
        if depth >= Self.maxDepth {
            throw error("expression nests too deeply (more than \(Self.maxDepth) groups)", at: start)
        }
        pos += 1
        if peek == "?" {
            pos += 1
            switch peek {
            case "=", "!":
                throw error("lookahead (?\(peek!) is not supported", at: start)
            case "<" where peek(at: 1) == "=" || peek(at: 1) == "!":
                throw error("lookbehind (?<\(peek(at: 1)!) is not supported", at: start)
            case "P" where peek(at: 1) == "=" || peek(at: 1) == ">":
                throw error("backreferences are not supported: (?P\(peek(at: 1)!)", at: start)
            case "P" where peek(at: 1) == "<":
                pos += 2
                try parseGroupName(groupStart: start)
            case "<":
                pos += 1
                try parseGroupName(groupStart: start)
            default:
                // Flags: (?i) (?i-s) (?i:...)
                var negate = false
                var sawFlag = false
                var newFlags = flags
                while let f = peek {
                    switch f {
                    case "i": newFlags.caseInsensitive = !negate
                    case "s": newFlags.dotAll = !negate
                    case "m": newFlags.multiLine = !negate
                    case "U": newFlags.ungreedy = !negate
                    case "-":
                        if negate { throw error("invalid or unsupported Perl syntax: double negation in flags", at: start) }
                        negate = true
                        sawFlag = false
                        pos += 1
                        continue
                    case ")":
                        if !sawFlag { throw error("invalid or unsupported Perl syntax: missing flags", at: start) }
                        pos += 1
                        flags = newFlags
                        return nil
                    case ":":
                        if negate && !sawFlag { throw error("invalid or unsupported Perl syntax: missing flags", at: start) }
                        pos += 1
                        let saved = flags
                        flags = newFlags
                        let inner = try parseAlternation(depth: depth + 1)
                        flags = saved
                        try expectClose(groupStart: start)
                        return inner
                    default:
                        throw error("invalid or unsupported Perl syntax: (?\(f)", at: start)
                    }
                    sawFlag = true
                    pos += 1
                }
                throw error("missing closing ): unterminated group", at: start)
            }
        }
        let saved = flags
        let inner = try parseAlternation(depth: depth + 1)
        flags = saved
        try expectClose(groupStart: start)
        return inner
    }

    mutating func expectClose(groupStart: Int) throws(LinearRegexError) {
        guard peek == ")" else {
            throw error("missing closing ): unterminated group", at: groupStart)
        }
        pos += 1
    }

    mutating func parseGroupName(groupStart: Int) throws(LinearRegexError) {
        var name = ""
        while let c = peek, c != ">" {
            let isWord = c.value < 0x80 && (c.properties.isAlphabetic || asciiDigit(c) != nil || c == "_")
            guard isWord else { throw error("invalid named capture group name", at: groupStart) }
            name.unicodeScalars.append(c)
            pos += 1
        }
        guard peek == ">", !name.isEmpty else {
            throw error("invalid named capture group name", at: groupStart)
        }
        pos += 1
    }
}
