import Yams

/// Typed, schema-checked access to YAML nodes; every problem becomes a diagnostic, nothing throws.
struct NodeReader {
    let file: String
    let sink: DiagnosticSink

    func location(_ node: Node) -> SourceLocation {
        let mark = node.mark
        return SourceLocation(file: file, line: mark?.line ?? 0, column: mark?.column ?? 0)
    }

    /// Where a scalar's text starts (after its opening quote, if any).
    func contentLocation(_ node: Node) -> SourceLocation {
        var loc = location(node)
        if let scalar = node.scalar, scalar.style == .singleQuoted || scalar.style == .doubleQuoted { loc.column += 1 }
        return loc
    }

    func typeName(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let s): return s.string.isEmpty && s.style == .plain ? "empty" : "\(String(reflecting: s.string))"
        case .alias: return "an alias"
        }
    }

    /// The pairs of a mapping whose keys are all in `allowed` (after applying `aliases`), reporting the others.
    func mapping(
        _ node: Node, what: String, allowed: [String], aliases: [String: String] = [:]
    ) -> [String: (key: Node, value: Node)]? {
        guard sink.spend(at: location(node)) else { return nil }
        guard case .mapping(let mapping) = node else {
            sink.error("\(what) must be a mapping, not \(typeName(node))", at: location(node))
            return nil
        }
        var result: [String: (key: Node, value: Node)] = [:]
        for (key, value) in mapping {
            guard let raw = key.scalar?.string else {
                sink.error("\(what) keys must be strings", at: location(key))
                continue
            }
            let name = aliases[raw] ?? raw
            guard allowed.contains(name) else {
                var message = "unknown field \(String(reflecting: raw)) in \(what)"
                if let suggestion = Spelling.suggest(raw, among: allowed) { message += " (did you mean \"\(suggestion)\"?)" }
                sink.error(message, at: location(key))
                continue
            }
            if result[name] != nil {
                sink.error("field \(String(reflecting: name)) is given twice in \(what)", at: location(key))
                continue
            }
            result[name] = (key, value)
        }
        return result
    }

    func string(_ node: Node, what: String) -> Located<String>? {
        guard sink.spend(at: location(node)) else { return nil }
        guard case .scalar(let scalar) = node, !PlainScalar.isNull(node) else {
            sink.error("\(what) must be a string, not \(typeName(node))", at: location(node))
            return nil
        }
        return Located(value: scalar.string, location: contentLocation(node))
    }

    func nonEmptyString(_ node: Node, what: String) -> Located<String>? {
        guard let s = string(node, what: what) else { return nil }
        if s.value.isEmpty {
            sink.error("\(what) must not be empty", at: s.location)
            return nil
        }
        return s
    }

    func bool(_ node: Node, what: String) -> Bool? {
        guard sink.spend(at: location(node)) else { return nil }
        if case .scalar(let scalar) = node, scalar.style == .plain {
            switch scalar.string {
            case "true", "True", "TRUE": return true
            case "false", "False", "FALSE": return false
            default: break
            }
        }
        sink.error("\(what) must be true or false, not \(typeName(node))", at: location(node))
        return nil
    }

    func int(_ node: Node, what: String, range: ClosedRange<Int>) -> Located<Int>? {
        guard sink.spend(at: location(node)) else { return nil }
        if case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .singleQuoted
            || scalar.style == .doubleQuoted, let value = Int(scalar.string), range.contains(value)
        {
            return Located(value: value, location: contentLocation(node))
        }
        sink.error(
            "\(what) must be an integer from \(range.lowerBound) to \(range.upperBound), not \(typeName(node))",
            at: location(node))
        return nil
    }

    /// A list of nodes; a single non-list value is read as a one-element list when `allowSingle`.
    func list(_ node: Node, what: String, allowSingle: Bool = false) -> [Node]? {
        guard sink.spend(at: location(node)) else { return nil }
        switch node {
        case .sequence(let seq):
            return Array(seq)
        case .scalar where allowSingle:
            return [node]
        default:
            sink.error("\(what) must be a list, not \(typeName(node))", at: location(node))
            return nil
        }
    }

    /// A non-empty list of non-empty strings.
    func stringList(_ node: Node, what: String) -> [Located<String>]? {
        guard let items = list(node, what: what, allowSingle: true) else { return nil }
        if items.isEmpty {
            sink.error("\(what) is an empty list, which matches nothing; remove the field instead", at: location(node))
            return nil
        }
        var out: [Located<String>] = []
        var ok = true
        for item in items {
            if let s = nonEmptyString(item, what: "each of \(what)") { out.append(s) } else { ok = false }
        }
        return ok ? out : nil
    }

    /// A mapping of string keys to string values, in order.
    func stringMap(_ node: Node, what: String) -> [(key: Located<String>, value: Located<String>)]? {
        guard sink.spend(at: location(node)) else { return nil }
        guard case .mapping(let mapping) = node else {
            sink.error("\(what) must be a mapping, not \(typeName(node))", at: location(node))
            return nil
        }
        var out: [(key: Located<String>, value: Located<String>)] = []
        var ok = true
        for (k, v) in mapping {
            guard let key = nonEmptyString(k, what: "a key of \(what)"), let value = string(v, what: "\(what).\(k.string ?? "")")
            else {
                ok = false
                continue
            }
            out.append((key, value))
        }
        return ok ? out : nil
    }
}

/// "Did you mean" suggestions for misspelt field names.
enum Spelling {
    static func suggest(_ word: String, among candidates: [String]) -> String? {
        var best: (String, Int)?
        for candidate in candidates {
            let d = distance(Array(word.lowercased()), Array(candidate))
            if d <= max(1, candidate.count / 3), d < (best?.1 ?? Int.max) { best = (candidate, d) }
        }
        return best?.0
    }

    private static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var beforePrevious = previous
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], beforePrevious[j - 2] + 1)  // a transposition
                }
            }
            beforePrevious = previous
            previous = current
        }
        return previous[b.count]
    }
}
