import PortcullisModel

/// One reason a document does not match a schema: where (a JSON pointer into the document,
/// `""` for the document itself) and why.
public struct SchemaViolation: Sendable, Hashable, CustomStringConvertible {
    public var pointer: String
    public var message: String

    public init(pointer: String, message: String) {
        self.pointer = pointer
        self.message = message
    }

    /// `"/items/0/qty: must be >= 1"`; the document itself is shown as `(root)`.
    public var description: String {
        "\(pointer.isEmpty ? "(root)" : pointer): \(message)"
    }
}

/// A JSON Schema (draft 2020-12 subset) compiled once, at bundle load time, and then used to
/// validate any number of documents, concurrently.
///
/// Supported keywords: `type`, `properties`, `required`, `additionalProperties` (boolean or schema),
/// `items` (a single schema), `minItems`/`maxItems`, `enum`, `const`, `minimum`/`maximum`,
/// `exclusiveMinimum`/`exclusiveMaximum` (numbers, as in 2020-12), `minLength`/`maxLength` (counted in
/// Unicode code points), `pattern` (linear-time regex, searched unanchored), `allOf`/`anyOf`/`oneOf`/`not`,
/// `format` (`date-time` per RFC 3339, `email`, `uuid`, asserted), and `$ref` to `#` or `#/$defs/<name>`.
/// Annotations (`title`, `description`, `$schema`, `default`, …) are accepted and ignored.
/// Any other keyword, and any other `format`, is a compile error: a schema that silently checks
/// less than its author believes is worse than one that is refused.
public struct JSONSchema: Sendable {
    let nodes: [SchemaNode]

    /// The deepest document nesting the validator descends into (documents parsed with
    /// `JSONParseLimits` are shallower).
    public static let maxValidationDepth = 256

    /// The (sub)schema applications one validation may perform: this base plus `workPerValue` for
    /// each value in the document. A schema whose `anyOf`/`oneOf` branches recurse can otherwise cost
    /// exponential time in the document's depth; past the budget the document is refused (fail
    /// closed) with a violation saying so.
    public static let workBudget = 100_000
    public static let workPerValue = 16

    /// The number of values in a document (iterative: no recursion on input).
    static func valueCount(_ value: JSONValue) -> Int {
        var count = 0
        var stack: [JSONValue] = [value]
        while let v = stack.popLast() {
            count += 1
            switch v {
            case .array(let items): stack.append(contentsOf: items)
            case .object(let fields): stack.append(contentsOf: fields.values)
            default: break
            }
        }
        return count
    }

    /// Compiles a schema document.
    public init(_ schema: JSONValue) throws(SchemaCompileError) {
        try self.init(schema, compilePattern: DefaultPatternCompiler.compile)
    }

    /// Compiles a schema from JSON text (parsed strictly).
    public init(json: String) throws(SchemaCompileError) {
        let value: JSONValue
        do {
            value = try JSONParser().parse(json)
        } catch {
            throw SchemaCompileError(pointer: "", message: error.description)
        }
        try self.init(value)
    }

    init(_ schema: JSONValue, compilePattern: @escaping PatternCompiler) throws(SchemaCompileError) {
        var compiler = SchemaCompiler(root: schema, compilePattern: compilePattern)
        _ = try compiler.compile(schema, pointer: "", depth: 0)
        try compiler.checkCycles()
        nodes = compiler.nodes
    }

    /// True when `value` matches.
    public func isValid(_ value: JSONValue) -> Bool {
        validate(value, maxViolations: 1).isEmpty
    }

    /// Every violation found (at most `maxViolations`), in document order where possible; empty when valid.
    public func validate(_ value: JSONValue, maxViolations: Int = 10) -> [SchemaViolation] {
        var run = SchemaValidation(nodes: nodes, limit: max(1, maxViolations), budget: WorkBudget(JSONSchema.workBudget + JSONSchema.workPerValue * JSONSchema.valueCount(value)))
        var path: [String] = []
        run.check(value, node: 0, path: &path, depth: 0)
        // An exhausted budget (possibly inside an anyOf/oneOf/not probe) always makes the document invalid.
        if run.budget.exhausted, !run.violations.contains(where: { $0.message == SchemaValidation.budgetMessage }) {
            run.violations.insert(SchemaViolation(pointer: "", message: SchemaValidation.budgetMessage), at: 0)
        }
        return run.violations
    }
}

/// One validation run: collects violations up to a limit.
/// Steps left for one validation, shared by the probes of anyOf/oneOf/not.
final class WorkBudget {
    var remaining: Int
    var exhausted = false
    init(_ steps: Int) { remaining = steps }
}

struct SchemaValidation {
    let nodes: [SchemaNode]
    let limit: Int
    let budget: WorkBudget
    /// False for the probes of anyOf/oneOf/not, which only need to know whether anything failed.
    let recording: Bool
    var violations: [SchemaViolation] = []

    init(nodes: [SchemaNode], limit: Int, budget: WorkBudget, recording: Bool = true) {
        self.nodes = nodes
        self.limit = limit
        self.budget = budget
        self.recording = recording
    }

    static let budgetMessage = "validation exceeded its work budget"

    var full: Bool { violations.count >= limit }

    mutating func report(_ path: [String], _ message: String) {
        guard !full else { return }
        guard recording else {
            violations.append(SchemaViolation(pointer: "", message: message))
            return
        }
        let pointer = path.isEmpty ? "" : "/" + path.map(SchemaPointer.escape).joined(separator: "/")
        violations.append(SchemaViolation(pointer: pointer, message: message))
    }

    /// Whether `value` matches `node`, without recording anything (for anyOf/oneOf/not).
    func matches(_ value: JSONValue, node: Int, path: [String], depth: Int) -> Bool {
        var probe = SchemaValidation(nodes: nodes, limit: 1, budget: budget, recording: false)
        var p = path
        probe.check(value, node: node, path: &p, depth: depth)
        return probe.violations.isEmpty
    }

    mutating func check(_ value: JSONValue, node index: Int, path: inout [String], depth: Int) {
        guard !full else { return }
        budget.remaining -= 1
        if budget.remaining < 0 {
            budget.exhausted = true
            report(path, SchemaValidation.budgetMessage)
            return
        }
        if depth > JSONSchema.maxValidationDepth {
            report(path, "too deeply nested to validate")
            return
        }
        let node = nodes[index]
        if let constant = node.constant {
            if !constant { report(path, "is not allowed here") }
            return
        }
        if let ref = node.ref { check(value, node: ref, path: &path, depth: depth + 1) }
        if let types = node.types, !types.admits(value) {
            report(path, "must be of type \(types.description)")
            return
        }
        if let values = node.enumValues, !values.contains(where: { SchemaValidation.equal($0, value) }) {
            let shown = values.prefix(8).map(JSONWriter.string).joined(separator: ", ")
            report(path, "must be one of [\(shown)\(values.count > 8 ? ", …" : "")]")
        }
        if let c = node.constValue, !SchemaValidation.equal(c, value) {
            report(path, "must equal \(JSONWriter.string(c))")
        }
        switch value {
        case .number(let d): checkNumber(d, node, path)
        case .string(let s): checkString(s, node, path)
        case .array(let items): checkArray(items, node, &path, depth)
        case .object(let fields): checkObject(fields, node, &path, depth)
        default: break
        }
        for sub in node.allOf { check(value, node: sub, path: &path, depth: depth + 1) }
        if !node.anyOf.isEmpty, !node.anyOf.contains(where: { matches(value, node: $0, path: path, depth: depth + 1) }) {
            report(path, "must match at least one schema in anyOf")
        }
        if !node.oneOf.isEmpty {
            let matched = node.oneOf.filter { matches(value, node: $0, path: path, depth: depth + 1) }.count
            if matched != 1 { report(path, "must match exactly one schema in oneOf (matched \(matched))") }
        }
        if let not = node.not, matches(value, node: not, path: path, depth: depth + 1) {
            report(path, "must not match the schema in not")
        }
    }

    mutating func checkNumber(_ d: Double, _ node: SchemaNode, _ path: [String]) {
        if let m = node.minimum, !(d >= m) { report(path, "must be >= \(JSONWriter.formatNumber(m))") }
        if let m = node.maximum, !(d <= m) { report(path, "must be <= \(JSONWriter.formatNumber(m))") }
        if let m = node.exclusiveMinimum, !(d > m) { report(path, "must be > \(JSONWriter.formatNumber(m))") }
        if let m = node.exclusiveMaximum, !(d < m) { report(path, "must be < \(JSONWriter.formatNumber(m))") }
    }

    mutating func checkString(_ s: String, _ node: SchemaNode, _ path: [String]) {
        if node.minLength != nil || node.maxLength != nil {
            let length = s.unicodeScalars.count
            if let m = node.minLength, length < m { report(path, "must be at least \(m) characters long") }
            if let m = node.maxLength, length > m { report(path, "must be at most \(m) characters long") }
        }
        if let p = node.pattern, !p.matcher.matches(s) {
            report(path, "must match pattern \"\(p.source)\"")
        }
        if let f = node.format, !SchemaFormats.check(f, s) {
            report(path, "must be a valid \(f.rawValue)")
        }
    }

    mutating func checkArray(_ items: [JSONValue], _ node: SchemaNode, _ path: inout [String], _ depth: Int) {
        if let m = node.minItems, items.count < m { report(path, "must have at least \(m) items") }
        if let m = node.maxItems, items.count > m { report(path, "must have at most \(m) items") }
        if let sub = node.items {
            for (i, item) in items.enumerated() {
                guard !full else { return }
                path.append(String(i))
                check(item, node: sub, path: &path, depth: depth + 1)
                path.removeLast()
            }
        }
    }

    mutating func checkObject(_ fields: [String: JSONValue], _ node: SchemaNode, _ path: inout [String], _ depth: Int) {
        for name in node.required where fields[name] == nil {
            report(path, "missing required property \"\(name)\"")
        }
        guard !node.properties.isEmpty || node.additionalProperties != nil else { return }
        for name in fields.keys.sorted() {
            guard !full, let v = fields[name] else { return }
            path.append(name)
            if let sub = node.properties[name] {
                check(v, node: sub, path: &path, depth: depth + 1)
            } else if let extra = node.additionalProperties {
                if nodes[extra].constant == false {
                    report(path, "is not an allowed property")
                } else {
                    check(v, node: extra, path: &path, depth: depth + 1)
                }
            }
            path.removeLast()
        }
    }

    /// JSON equality for enum/const: numbers by value (1 == 1.0), containers deeply.
    static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        a == b
    }
}
