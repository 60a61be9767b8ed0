import CEL

/// A request path test: exact, prefix `/a/*`, suffix `*.json`, presence `*`, or a template with `{*}` (one
/// segment) and `{**}` (the rest). Paths are compared without their query string.
enum PathPattern: Sendable, Hashable {
    enum Segment: Sendable, Hashable {
        case literal(String)
        case one
        case rest
    }

    case exact(String)
    case prefix(String)
    case suffix(String)
    case presence
    case template([Segment])

    /// Parses a pattern; a message when it is malformed.
    static func parse(_ text: String) -> Result<PathPattern, PatternError> {
        if text == "*" { return .success(.presence) }
        if text.utf8.contains(UInt8(ascii: "{")) || text.utf8.contains(UInt8(ascii: "}")) { return template(text) }
        let stars = text.filter { $0 == "*" }.count
        if stars == 0 {
            guard text.hasPrefix("/") else { return .failure(PatternError("a path must start with \"/\"")) }
            return .success(.exact(text))
        }
        if stars == 1, text.hasSuffix("*") {
            guard text.hasPrefix("/") else { return .failure(PatternError("a path must start with \"/\"")) }
            return .success(.prefix(String(text.dropLast())))
        }
        if stars == 1, text.hasPrefix("*") { return .success(.suffix(String(text.dropFirst()))) }
        return .failure(
            PatternError("\"*\" may only start or end a path; use a template such as /a/{*}/b for a segment"))
    }

    private static func template(_ text: String) -> Result<PathPattern, PatternError> {
        guard text.hasPrefix("/") else { return .failure(PatternError("a path template must start with \"/\"")) }
        let raw = text.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        var segments: [Segment] = []
        for (i, part) in raw.enumerated() {
            if part.hasPrefix("{"), part.hasSuffix("}"), part.count >= 2 {
                let inner = part.dropFirst().dropLast()
                let spec = inner.split(separator: "=", maxSplits: 1).last.map(String.init) ?? ""
                if spec == "**" || inner == "**" {
                    guard i == raw.count - 1 else {
                        return .failure(PatternError("{**} must be the last segment of a path template"))
                    }
                    segments.append(.rest)
                } else if spec == "*" || inner == "*" || (!inner.utf8.contains(UInt8(ascii: "=")) && isName(inner)) {
                    segments.append(.one)
                } else {
                    return .failure(PatternError("unknown template variable \"\(part)\"; use {*}, {**} or {name}"))
                }
            } else if part.utf8.contains(UInt8(ascii: "{")) || part.utf8.contains(UInt8(ascii: "}")) || part.utf8.contains(UInt8(ascii: "*")) {
                return .failure(PatternError("a template segment must be a literal, {*} or {**}, not \"\(part)\""))
            } else {
                segments.append(.literal(String(part)))
            }
        }
        return .success(.template(segments))
    }

    private static func isName(_ s: Substring) -> Bool {
        !s.isEmpty && s.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
    }

    /// Whether the path's UTF-8 bytes match, compared byte for byte (as Envoy compares paths).
    func matches(bytes path: UnsafeBufferPointer<UInt8>) -> Bool {
        switch self {
        case .exact(let s): return StringBytes.equal(path, s)
        case .prefix(let p): return StringBytes.starts(path, with: p)
        case .suffix(let s): return StringBytes.ends(path, with: s)
        case .presence: return !path.isEmpty
        case .template(let segments): return Self.matchTemplate(segments, path)
        }
    }

    /// Walks the path's bytes once, segment by segment, without splitting it into an array.
    private static func matchTemplate(_ segments: [Segment], _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let slash = UInt8(ascii: "/")
        let n = b.count
        guard n > 0, b[0] == slash else { return false }
        var pos = 1  // where the next part starts; n + 1 once every part is consumed
        // Segments read in place (`for in` copies each, retaining its literal).
        for i in segments.indices {
            if case .rest = segments[i] { return true }
            guard pos <= n else { return false }
            var end = pos
            while end < n, b[end] != slash { end += 1 }
            switch segments[i] {
            case .one:
                if end == pos { return false }
            case .literal(let s):
                guard StringBytes.equal(UnsafeBufferPointer(rebasing: b[pos..<end]), s) else { return false }
            case .rest:
                return true
            }
            pos = end + 1
        }
        return pos == n + 1
    }

    var indexKey: IndexKey? {
        switch self {
        case .exact(let s): return .exact(s)
        case .prefix(let p): return p.isEmpty ? nil : .prefix(p)
        case .suffix(let s): return s.isEmpty ? nil : .suffix(s)
        case .presence: return nil
        case .template(let segments):
            var literal = ""
            for segment in segments {
                guard case .literal(let s) = segment else {
                    // `{**}` also matches nothing at all (`/files/{**}` matches `/files`).
                    let key = segment == .rest ? literal : literal + "/"
                    return key.isEmpty ? nil : .prefix(key)
                }
                literal += "/" + s
            }
            return .exact(literal)
        }
    }
}

struct PatternError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
