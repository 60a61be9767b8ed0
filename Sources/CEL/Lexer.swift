/// Splits CEL source into tokens. Problems are collected as diagnostics; lexing always reaches the end.
struct Lexer {
    let src: [UInt8]
    var pos = 0
    var errors: [(message: String, offset: Int, length: Int)] = []

    static let reservedWords: Set<String> = [
        "as", "break", "const", "continue", "else", "for", "function", "if", "import", "let", "loop", "package",
        "namespace", "return", "var", "void", "while",
    ]

    /// One-character punctuation by ASCII code.
    static let singles: [String?] = (0..<128).map { c in
        "+-*/%!<>?:.,()[]{}".unicodeScalars.contains(Unicode.Scalar(UInt8(c))) ? String(Unicode.Scalar(UInt8(c))) : nil
    }

    init(_ src: [UInt8]) { self.src = src }

    private func peek(_ k: Int = 0) -> UInt8 {
        pos + k < src.count ? src[pos + k] : 0
    }

    private mutating func error(_ m: String, at o: Int, length: Int = 1) {
        errors.append((m, o, length))
    }

    /// Lexes everything, ending with an `.eof` token.
    mutating func tokenize() -> [Token] {
        var out: [Token] = []
        while true {
            let t = next()
            out.append(t)
            if case .eof = t.kind { break }
        }
        return out
    }

    private mutating func skipSpace() {
        while pos < src.count {
            let c = src[pos]
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x0C {
                pos += 1
            } else if c == UInt8(ascii: "/") && peek(1) == UInt8(ascii: "/") {
                while pos < src.count && src[pos] != 0x0A { pos += 1 }
            } else {
                break
            }
        }
    }

    static func isIdentStart(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c == UInt8(ascii: "_")
    }
    static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    static func isHex(_ c: UInt8) -> Bool {
        isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46)
    }

    mutating func next() -> Token {
        skipSpace()
        let start = pos
        guard pos < src.count else { return Token(kind: .eof, start: pos, end: pos) }
        let c = src[pos]
        if Lexer.isIdentStart(c) {
            // string prefixes: r, b, rb, br (any case)
            var p = 0
            var raw = false, bytes = false
            while p < 2 {
                let x = peek(p) | 0x20
                if x == UInt8(ascii: "r") && !raw { raw = true; p += 1 } else if x == UInt8(ascii: "b") && !bytes { bytes = true; p += 1 } else { break }
            }
            if p > 0 && (peek(p) == UInt8(ascii: "\"") || peek(p) == UInt8(ascii: "'")) {
                pos += p
                return lexString(start: start, raw: raw, bytes: bytes)
            }
            while pos < src.count && (Lexer.isIdentStart(src[pos]) || Lexer.isDigit(src[pos])) { pos += 1 }
            let name = String(decoding: src[start..<pos], as: UTF8.self)
            if Lexer.reservedWords.contains(name) { return Token(kind: .reserved(name), start: start, end: pos) }
            return Token(kind: .ident(name), start: start, end: pos)
        }
        if Lexer.isDigit(c) || (c == UInt8(ascii: ".") && Lexer.isDigit(peek(1))) {
            return lexNumber(start: start)
        }
        if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
            return lexString(start: start, raw: false, bytes: false)
        }
        if c == UInt8(ascii: "`") {
            pos += 1
            let s = pos
            while pos < src.count && src[pos] != UInt8(ascii: "`") && src[pos] != 0x0A { pos += 1 }
            guard pos < src.count, src[pos] == UInt8(ascii: "`"), pos > s else {
                error("unterminated or empty quoted field name", at: start, length: pos - start)
                return Token(kind: .invalid, start: start, end: pos)
            }
            let name = String(decoding: src[s..<pos], as: UTF8.self)
            pos += 1
            return Token(kind: .quotedIdent(name), start: start, end: pos)
        }
        let d = peek(1)
        let two: String? = switch (c, d) {
        case (UInt8(ascii: "="), UInt8(ascii: "=")): "=="
        case (UInt8(ascii: "!"), UInt8(ascii: "=")): "!="
        case (UInt8(ascii: "<"), UInt8(ascii: "=")): "<="
        case (UInt8(ascii: ">"), UInt8(ascii: "=")): ">="
        case (UInt8(ascii: "&"), UInt8(ascii: "&")): "&&"
        case (UInt8(ascii: "|"), UInt8(ascii: "|")): "||"
        default: nil
        }
        if let two {
            pos += 2
            return Token(kind: .punct(two), start: start, end: pos)
        }
        if c < 0x80, let p = Lexer.singles[Int(c)] {
            pos += 1
            return Token(kind: .punct(p), start: start, end: pos)
        }
        // Unknown character: consume one whole UTF-8 sequence.
        pos += 1
        while pos < src.count && src[pos] & 0xC0 == 0x80 { pos += 1 }
        let shown = String(decoding: src[start..<pos], as: UTF8.self)
        error("unexpected character '\(shown)'", at: start, length: pos - start)
        return Token(kind: .invalid, start: start, end: pos)
    }

    private mutating func lexNumber(start: Int) -> Token {
        // hex
        if src[pos] == UInt8(ascii: "0") && (peek(1) | 0x20) == UInt8(ascii: "x") {
            pos += 2
            let ds = pos
            while pos < src.count && Lexer.isHex(src[pos]) { pos += 1 }
            let digits = String(decoding: src[ds..<pos], as: UTF8.self)
            if digits.isEmpty { error("malformed hexadecimal literal", at: start, length: pos - start) }
            let value = UInt64(digits, radix: 16)
            if (peek() | 0x20) == UInt8(ascii: "u") {
                pos += 1
                return Token(kind: .uint(value), start: start, end: pos)
            }
            return Token(kind: .int(value), start: start, end: pos)
        }
        while pos < src.count && Lexer.isDigit(src[pos]) { pos += 1 }
        var isFloat = false
        if peek() == UInt8(ascii: ".") && Lexer.isDigit(peek(1)) {
            isFloat = true
            pos += 1
            while pos < src.count && Lexer.isDigit(src[pos]) { pos += 1 }
        }
        if (peek() | 0x20) == UInt8(ascii: "e") {
            var k = 1
            if peek(k) == UInt8(ascii: "+") || peek(k) == UInt8(ascii: "-") { k += 1 }
            if Lexer.isDigit(peek(k)) {
                isFloat = true
                pos += k
                while pos < src.count && Lexer.isDigit(src[pos]) { pos += 1 }
            }
        }
        let text = String(decoding: src[start..<pos], as: UTF8.self)
        if isFloat {
            guard let d = Double(text) else {
                error("malformed number", at: start, length: pos - start)
                return Token(kind: .invalid, start: start, end: pos)
            }
            return Token(kind: .double(d), start: start, end: pos)
        }
        let value = UInt64(text)
        if (peek() | 0x20) == UInt8(ascii: "u") {
            pos += 1
            return Token(kind: .uint(value), start: start, end: pos)
        }
        return Token(kind: .int(value), start: start, end: pos)
    }

    private mutating func lexString(start: Int, raw: Bool, bytes: Bool) -> Token {
        let q = src[pos]
        let triple = peek(1) == q && peek(2) == q
        pos += triple ? 3 : 1
        var out: [UInt8] = []
        var closed = false
        while pos < src.count {
            let c = src[pos]
            if c == q {
                if !triple { pos += 1; closed = true; break }
                if peek(1) == q && peek(2) == q { pos += 3; closed = true; break }
                out.append(c); pos += 1; continue
            }
            if !triple && (c == 0x0A || c == 0x0D) { break }
            if c == UInt8(ascii: "\\") && !raw {
                lexEscape(into: &out, bytes: bytes)
                continue
            }
            out.append(c)
            pos += 1
        }
        if !closed {
            error("unterminated string literal", at: start, length: pos - start)
            return Token(kind: .invalid, start: start, end: pos)
        }
        if bytes { return Token(kind: .bytes(out), start: start, end: pos) }
        guard let s = String(validating: out, as: UTF8.self) else {
            error("string literal is not valid UTF-8", at: start, length: pos - start)
            return Token(kind: .invalid, start: start, end: pos)
        }
        return Token(kind: .string(s), start: start, end: pos)
    }

    private mutating func hexValue(count: Int) -> UInt32? {
        var v: UInt32 = 0
        for k in 0..<count {
            let c = peek(k)
            guard Lexer.isHex(c) else { return nil }
            let d: UInt32 = Lexer.isDigit(c) ? UInt32(c - 0x30) : UInt32((c | 0x20) - 0x61 + 10)
            v = v * 16 + d
        }
        pos += count
        return v
    }

    private func appendScalar(_ v: UInt32, into out: inout [UInt8]) -> Bool {
        guard let s = Unicode.Scalar(v) else { return false }
        out.append(contentsOf: Array(String(Character(s)).utf8))
        return true
    }

    private mutating func lexEscape(into out: inout [UInt8], bytes: Bool) {
        let escStart = pos
        pos += 1
        guard pos < src.count else { error("unterminated escape sequence", at: escStart); return }
        let c = src[pos]
        pos += 1
        switch c {
        case UInt8(ascii: "a"): out.append(0x07)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "v"): out.append(0x0B)
        case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "`"), UInt8(ascii: "?"):
            out.append(c)
        case UInt8(ascii: "x"), UInt8(ascii: "X"):
            guard let v = hexValue(count: 2) else { error("invalid \\x escape", at: escStart, length: 2); return }
            if bytes { out.append(UInt8(v)) } else { _ = appendScalar(v, into: &out) }
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            if bytes { error("\\u escapes are not allowed in bytes literals", at: escStart, length: 2); return }
            guard let v = hexValue(count: c == UInt8(ascii: "u") ? 4 : 8), appendScalar(v, into: &out) else {
                error("invalid unicode escape", at: escStart, length: 2); return
            }
        case UInt8(ascii: "0")...UInt8(ascii: "3"):
            let d1 = peek(), d2 = peek(1)
            guard (0x30...0x37).contains(d1), (0x30...0x37).contains(d2) else {
                error("invalid octal escape", at: escStart, length: 2); return
            }
            pos += 2
            let v = UInt32(c - 0x30) * 64 + UInt32(d1 - 0x30) * 8 + UInt32(d2 - 0x30)
            if bytes { out.append(UInt8(v)) } else { _ = appendScalar(v, into: &out) }
        default:
            error("invalid escape sequence '\\\(String(UnicodeScalar(c)))'", at: escStart, length: 2)
        }
    }
}
