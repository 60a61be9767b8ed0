extension RegexParser {
    /// A bracketed class `[...]`, `[^...]` with ranges, escapes and `[:name:]` POSIX classes.
    mutating func parseClass() throws(LinearRegexError) -> RegexNode {
        let start = pos
        pos += 1
        var negated = false
        if peek == "^" {
            negated = true
            pos += 1
        }
        var set = ScalarRanges()
        var first = true
        while true {
            guard let c = peek else {
                throw error("missing closing ]: unterminated character class", at: start)
            }
            if c == "]" && !first { pos += 1; break }
            first = false
            if c == "[", peek(at: 1) == ":", let posix = try parsePosixClass() {
                set.add(posix)
                continue
            }
            let itemStart = pos
            let lo: UInt32
            switch try classAtom() {
            case .set(let s):
                set.add(s)
                continue
            case .scalar(let v):
                lo = v
            case .assertion, .quoted:
                throw error("invalid escape sequence inside character class", at: itemStart)
            }
            // A range a-z, unless '-' is the last item before ']'.
            if peek == "-", let next = peek(at: 1), next != "]" {
                pos += 1
                let hiStart = pos
                guard case .scalar(let hi) = try classAtom() else {
                    throw error("invalid character class range", at: hiStart)
                }
                if hi < lo {
                    throw error("invalid character class range: \(Self.describe(lo))-\(Self.describe(hi))", at: itemStart)
                }
                set.add(lo, hi)
            } else {
                set.add(lo, lo)
            }
        }
        set.normalize()
        if flags.caseInsensitive { set = set.caseFolded() }
        if negated { set = set.negated() }
        return .set(set)
    }

    static func describe(_ v: UInt32) -> String {
        guard let s = Unicode.Scalar(v) else { return "\\x{\(String(v, radix: 16))}" }
        return String(Character(s))
    }

    mutating func classAtom() throws(LinearRegexError) -> Escape {
        guard let c = peek else {
            throw error("missing closing ]: unterminated character class", at: pos)
        }
        if c == "\\" { return try escape(inClass: true) }
        pos += 1
        return .scalar(c.value)
    }

    /// `[:alpha:]` or `[:^alpha:]` at `pos`; nil (pos unchanged) when the text is not a POSIX class.
    mutating func parsePosixClass() throws(LinearRegexError) -> ScalarRanges? {
        let start = pos
        var i = pos + 2
        var name = ""
        while i < scalars.count, scalars[i] != ":" {
            if scalars[i] == "]" { return nil }
            name.unicodeScalars.append(scalars[i])
            i += 1
        }
        guard i + 1 < scalars.count, scalars[i + 1] == "]" else { return nil }
        var negate = false
        if name.hasPrefix("^") {
            negate = true
            name.removeFirst()
        }
        guard let set = UnicodeClasses.posix(name) else {
            throw error("invalid character class range: unknown POSIX class [:\(name):]", at: start)
        }
        pos = i + 2
        return negate ? set.negated() : set
    }
}
