import CEL

/// A string test with `*` globs: `exact`, `prefix*`, `*suffix`, `*` (any non-empty value), or `a*b*c`.
enum StringPattern: Sendable, Hashable {
    case exact(String)
    case prefix(String)
    case suffix(String)
    case presence
    /// The literal parts between `*`s; the value must start with the first and end with the last.
    case glob([String])

    init(glob text: String) {
        guard text.utf8.contains(UInt8(ascii: "*")) else {
            self = .exact(text)
            return
        }
        let parts = text.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        if parts.allSatisfy(\.isEmpty) {
            self = .presence
        } else if parts.count == 2, parts[0].isEmpty {
            self = .suffix(parts[1])
        } else if parts.count == 2, parts[1].isEmpty {
            self = .prefix(parts[0])
        } else {
            self = .glob(parts)
        }
    }

    func matches(_ value: String) -> Bool {
        StringBytes.withBytes(value) { matches(bytes: $0) }
    }

    /// The same test on a value's UTF-8 bytes: byte-wise, as Envoy compares (the decision path reads the request's
    /// strings in place through this).
    func matches(bytes value: UnsafeBufferPointer<UInt8>) -> Bool {
        switch self {
        case .exact(let s): return StringBytes.equal(value, s)
        case .prefix(let p): return StringBytes.starts(value, with: p)
        case .suffix(let s): return StringBytes.ends(value, with: s)
        case .presence: return !value.isEmpty
        case .glob(let parts): return Self.globMatch(Array(value), parts.map { Array($0.utf8) })
        }
    }

    /// Linear-time glob matching: the first part anchors the start, the last the end, the middle ones are found
    /// left to right (greedy leftmost is correct for `*`-only globs).
    private static func globMatch(_ value: [UInt8], _ parts: [[UInt8]]) -> Bool {
        guard let first = parts.first, let last = parts.last, parts.count >= 2 else { return false }
        guard value.count >= first.count + last.count, value.starts(with: first), value.suffix(last.count).elementsEqual(last)
        else { return false }
        var position = first.count
        let end = value.count - last.count
        for part in parts.dropFirst().dropLast() where !part.isEmpty {
            guard let found = find(part, in: value, from: position, to: end) else { return false }
            position = found + part.count
        }
        return true
    }

    private static func find(_ needle: [UInt8], in hay: [UInt8], from: Int, to: Int) -> Int? {
        guard to - from >= needle.count else { return nil }
        var i = from
        while i + needle.count <= to {
            if hay[i] == needle[0], hay[i..<i + needle.count].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    /// What the index can use: a literal the value must equal, start with or end with.
    var indexKey: IndexKey? {
        switch self {
        case .exact(let s): return .exact(s)
        case .prefix(let p): return p.isEmpty ? nil : .prefix(p)
        case .suffix(let s): return s.isEmpty ? nil : .suffix(s)
        case .presence: return nil
        case .glob(let parts):
            if let f = parts.first, !f.isEmpty { return .prefix(f) }
            if let l = parts.last, !l.isEmpty { return .suffix(l) }
            return nil
        }
    }
}

/// A literal an indexed value must equal, start with, or end with.
enum IndexKey: Sendable, Hashable {
    case exact(String)
    case prefix(String)
    case suffix(String)
}

/// Any of several string patterns, with exact values in a hash set. A class: a decision reads it through its
/// field test without copying (and retaining) the set and both arrays.
final class StringSetMatcher: Sendable {
    let exact: StringHashSet
    let patterns: [StringPattern]
    let all: [StringPattern]

    init(_ patterns: [StringPattern]) {
        all = patterns
        var exact = StringHashSet([])
        var others: [StringPattern] = []
        for p in patterns {
            if case .exact(let s) = p { exact.insert(s) } else { others.append(p) }
        }
        self.exact = exact
        self.patterns = others
    }

    func matches(_ value: String) -> Bool {
        StringBytes.withBytes(value) { matches(bytes: $0) }
    }

    func matches(bytes value: UnsafeBufferPointer<UInt8>) -> Bool {
        if !exact.isEmpty, exact.contains(bytes: value) { return true }
        for i in patterns.indices where patterns[i].matches(bytes: value) { return true }
        return false
    }
}
