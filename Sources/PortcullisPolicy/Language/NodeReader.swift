/// Typed, schema-checked access to YAML nodes; every problem becomes a diagnostic, nothing throws.
/// Generic over the node type: `YAMLNode` for policies, the manifest and data, Yams' `Node` for identity and test
/// files. Names for messages (`what`) are only built when there is something to report.
struct NodeReader {
    let file: String
    let sink: DiagnosticSink

    func location<N: YAMLNodeView>(_ node: N) -> SourceLocation {
        SourceLocation(file: file, line: node.viewLine, column: node.viewColumn)
    }

    /// Where a scalar's text starts (after its opening quote, if any).
    func contentLocation<N: YAMLNodeView>(_ node: N) -> SourceLocation {
        var loc = location(node)
        if let style = node.scalarStyle, style == .singleQuoted || style == .doubleQuoted { loc.column += 1 }
        return loc
    }

    func typeName<N: YAMLNodeView>(_ node: N) -> String {
        switch node.viewKind {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar:
            let s = node.scalarText ?? ""
            return s.isEmpty && node.scalarStyle == .plain ? "empty" : "\(String(reflecting: s))"
        case .alias: return "an alias"
        }
    }

    /// The pairs of a mapping whose keys are all in `allowed` (after applying `aliases`), reporting the others.
    func mapping<N: YAMLNodeView>(
        _ node: N, what: @autoclosure () -> String, allowed: [String], aliases: [String: String] = [:]
    ) -> [String: (key: N, value: N)]? {
        guard let fields = fields(node, what: what(), allowed: allowed, aliases: aliases) else { return nil }
        var result: [String: (key: N, value: N)] = [:]
        for entry in fields.entries { result[entry.name] = (entry.key, entry.value) }
        return result
    }

    /// As `mapping`, in the order written, without building a dictionary.
    func fields<N: YAMLNodeView>(
        _ node: N, what: @autoclosure () -> String, allowed: [String], aliases: [String: String] = [:]
    ) -> Fields<N>? {
        guard sink.spend(at: location(node)) else { return nil }
        var result = Fields<N>()
        result.entries.reserveCapacity(min(node.mappingCount, allowed.count))
        let isMapping = node.forEachPair { key, value in
            guard let raw = key.scalarText else {
                sink.error("\(what()) keys must be strings", at: location(key))
                return
            }
            let name = aliases.isEmpty ? raw : aliases[raw] ?? raw
            guard allowed.contains(name) else {
                var message = "unknown field \(String(reflecting: raw)) in \(what())"
                if let suggestion = Spelling.suggest(raw, among: allowed) { message += " (did you mean \"\(suggestion)\"?)" }
                sink.error(message, at: location(key))
                return
            }
            if result[name] != nil {
                sink.error("field \(String(reflecting: name)) is given twice in \(what())", at: location(key))
                return
            }
            result.entries.append((name, key, value))
        }
        guard isMapping else {
            sink.error("\(what()) must be a mapping, not \(typeName(node))", at: location(node))
            return nil
        }
        return result
    }

    func string<N: YAMLNodeView>(_ node: N, what: @autoclosure () -> String) -> Located<String>? {
        guard sink.spend(at: location(node)) else { return nil }
        guard let text = node.scalarText, !PlainScalar.isNull(node) else {
            sink.error("\(what()) must be a string, not \(typeName(node))", at: location(node))
            return nil
        }
        return Located(value: text, location: contentLocation(node))
    }

    func nonEmptyString<N: YAMLNodeView>(_ node: N, what: @autoclosure () -> String) -> Located<String>? {
        guard let s = string(node, what: what()) else { return nil }
        if s.value.isEmpty {
            sink.error("\(what()) must not be empty", at: s.location)
            return nil
        }
        return s
    }

    func bool<N: YAMLNodeView>(_ node: N, what: @autoclosure () -> String) -> Bool? {
        guard sink.spend(at: location(node)) else { return nil }
        if node.scalarStyle == .plain, let text = node.scalarText {
            switch text {
            case "true", "True", "TRUE": return true
            case "false", "False", "FALSE": return false
            default: break
            }
        }
        sink.error("\(what()) must be true or false, not \(typeName(node))", at: location(node))
        return nil
    }

    func int<N: YAMLNodeView>(_ node: N, what: @autoclosure () -> String, range: ClosedRange<Int>) -> Located<Int>? {
        guard sink.spend(at: location(node)) else { return nil }
        if let style = node.scalarStyle, style == .plain || style == .singleQuoted || style == .doubleQuoted,
            let text = node.scalarText, let value = Int(text), range.contains(value)
        {
            return Located(value: value, location: contentLocation(node))
        }
        sink.error(
            "\(what()) must be an integer from \(range.lowerBound) to \(range.upperBound), not \(typeName(node))",
            at: location(node))
        return nil
    }

    /// A list of nodes; a single non-list value is read as a one-element list when `allowSingle`.
    func list<N: YAMLNodeView>(_ node: N, what: @autoclosure () -> String, allowSingle: Bool = false) -> [N]? {
        guard sink.spend(at: location(node)) else { return nil }
        if let items = node.sequenceItems { return items }
        if allowSingle, node.viewKind == .scalar { return [node] }
        sink.error("\(what()) must be a list, not \(typeName(node))", at: location(node))
        return nil
    }

    /// A non-empty list of non-empty strings.
    func stringList<N: YAMLNodeView>(_ node: N, what: @autoclosure () -> String) -> [Located<String>]? {
        guard let items = list(node, what: what(), allowSingle: true) else { return nil }
        if items.isEmpty {
            sink.error("\(what()) is an empty list, which matches nothing; remove the field instead", at: location(node))
            return nil
        }
        var out: [Located<String>] = []
        out.reserveCapacity(items.count)
        var ok = true
        for item in items {
            if let s = nonEmptyString(item, what: "each of \(what())") { out.append(s) } else { ok = false }
        }
        return ok ? out : nil
    }

    /// A mapping of string keys to string values, in order.
    func stringMap<N: YAMLNodeView>(
        _ node: N, what: @autoclosure () -> String
    ) -> [(key: Located<String>, value: Located<String>)]? {
        guard sink.spend(at: location(node)) else { return nil }
        var out: [(key: Located<String>, value: Located<String>)] = []
        var ok = true
        let isMapping = node.forEachPair { k, v in
            guard let key = nonEmptyString(k, what: "a key of \(what())"),
                let value = string(v, what: "\(what()).\(k.scalarText ?? "")")
            else {
                ok = false
                return
            }
            out.append((key, value))
        }
        guard isMapping else {
            sink.error("\(what()) must be a mapping, not \(typeName(node))", at: location(node))
            return nil
        }
        return ok ? out : nil
    }
}

/// The fields of a mapping checked by `NodeReader.fields`, in the order written (a handful: looked up by scanning).
struct Fields<N> {
    var entries: [(name: String, key: N, value: N)] = []

    var isEmpty: Bool { entries.isEmpty }

    subscript(name: String) -> (key: N, value: N)? {
        for entry in entries where entry.name == name { return (entry.key, entry.value) }
        return nil
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
