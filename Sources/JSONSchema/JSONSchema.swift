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
    let nodes: [ValidationNode]

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
        nodes = compiler.nodes.map(ValidationNode.init)
    }

    /// True when `value` matches.
    public func isValid(_ value: JSONValue) -> Bool {
        validate(value, maxViolations: 1).isEmpty
    }

    /// Every violation found (at most `maxViolations`), in document order where possible; empty when valid.
    public func validate(_ value: JSONValue, maxViolations: Int = 10) -> [SchemaViolation] {
        var run = SchemaValidation(nodes: nodes, limit: max(1, maxViolations), budget: WorkBudget(document: value))
        run.check(value, node: 0, depth: 0)
        // An exhausted budget (possibly inside an anyOf/oneOf/not probe) always makes the document invalid.
        if run.budget.exhausted, !run.violations.contains(where: { $0.message == SchemaValidation.budgetMessage }) {
            run.violations.insert(SchemaViolation(pointer: "", message: SchemaValidation.budgetMessage), at: 0)
        }
        return run.violations
    }
}

/// Steps left for one validation, shared by the probes of anyOf/oneOf/not (each probe takes it over and hands it
/// back).
///
/// The budget is `JSONSchema.workBudget + JSONSchema.workPerValue × (values in the document)`. Counting the values
/// walks the whole document, so it is done only when the base is spent: a run exhausts the budget exactly when it
/// would with the full budget granted up front.
struct WorkBudget {
    var remaining = JSONSchema.workBudget
    var exhausted = false
    /// The document, until its per-value share has been added to `remaining`.
    var document: JSONValue?

    init(document: JSONValue) {
        self.document = document
    }

    /// Takes one step; false when the budget is spent.
    @inline(__always)
    mutating func step() -> Bool {
        remaining -= 1
        if remaining < 0 { return slowStep() }
        return true
    }

    mutating func slowStep() -> Bool {
        if let value = document {
            document = nil
            remaining += JSONSchema.workPerValue * JSONSchema.valueCount(value)
        }
        if remaining < 0 {
            exhausted = true
            return false
        }
        return true
    }
}

/// One step of the way from the document to the value being checked.
enum PathStep {
    case key(String)
    case index(Int)
}

/// One validation run: collects violations up to a limit.
struct SchemaValidation {
    let nodes: [ValidationNode]
    let limit: Int
    /// False for the probes of anyOf/oneOf/not, which only need to know whether anything failed.
    let recording: Bool
    var budget: WorkBudget
    var violations: [SchemaViolation] = []
    /// Where the value being checked is (recording runs only). A JSON pointer is built from it only when a
    /// violation is recorded.
    var path: [PathStep] = []
    /// The members of every object being visited, each object's sorted by key: a stack, reused (and handed to
    /// probes) so that visiting an object allocates nothing.
    var members: [(key: String, value: JSONValue)] = []

    init(nodes: [ValidationNode], limit: Int, budget: WorkBudget, recording: Bool = true) {
        self.nodes = nodes
        self.limit = limit
        self.budget = budget
        self.recording = recording
    }

    static let budgetMessage = "validation exceeded its work budget"

    var full: Bool { violations.count >= limit }

    /// The JSON pointer of `path`.
    var pointer: String {
        var out = ""
        for step in path {
            out += "/"
            switch step {
            case .key(let key): out += SchemaPointer.escape(key)
            case .index(let i): out += String(i)
            }
        }
        return out
    }

    mutating func report(_ message: String) {
        guard !full else { return }
        if violations.capacity == 0 { violations.reserveCapacity(min(limit, 16)) }
        violations.append(SchemaViolation(pointer: recording ? pointer : "", message: message))
    }

    mutating func enter(_ step: PathStep) {
        guard recording else { return }
        if path.capacity == 0 { path.reserveCapacity(8) }
        path.append(step)
    }

    mutating func leave() {
        if recording { path.removeLast() }
    }

    /// Whether `value` matches `node`, without recording anything (for anyOf/oneOf/not).
    mutating func matches(_ value: JSONValue, node: Int, depth: Int) -> Bool {
        var probe = SchemaValidation(nodes: nodes, limit: 1, budget: budget, recording: false)
        swap(&members, &probe.members)
        probe.check(value, node: node, depth: depth)
        swap(&members, &probe.members)
        budget = probe.budget
        return probe.violations.isEmpty
    }

    mutating func check(_ value: JSONValue, node index: Int, depth: Int) {
        guard !full else { return }
        if !budget.step() {
            report(SchemaValidation.budgetMessage)
            return
        }
        if depth > JSONSchema.maxValidationDepth {
            report("too deeply nested to validate")
            return
        }
        let n = nodes[index]
        if let constant = n.node.constant {
            if !constant { report("is not allowed here") }
            return
        }
        if let ref = n.node.ref { check(value, node: ref, depth: depth + 1) }
        if let types = n.node.types, !types.admits(value) {
            report(n.typeMessage)
            return
        }
        if let values = n.node.enumValues, !values.contains(where: { SchemaValidation.equal($0, value) }) {
            report(n.enumMessage)
        }
        if let c = n.node.constValue, !SchemaValidation.equal(c, value) {
            report(n.constMessage)
        }
        switch value {
        case .number(let d): checkNumber(d, n)
        case .string(let s): checkString(s, n)
        case .array(let items): checkArray(items, n, depth)
        case .object(let fields): checkObject(fields, n, depth)
        default: break
        }
        for sub in n.node.allOf { check(value, node: sub, depth: depth + 1) }
        if !n.node.anyOf.isEmpty {
            var matched = false
            for sub in n.node.anyOf where matches(value, node: sub, depth: depth + 1) {
                matched = true
                break
            }
            if !matched { report("must match at least one schema in anyOf") }
        }
        if !n.node.oneOf.isEmpty {
            var matched = 0
            for sub in n.node.oneOf where matches(value, node: sub, depth: depth + 1) { matched += 1 }
            if matched != 1 { report("must match exactly one schema in oneOf (matched \(matched))") }
        }
        if let not = n.node.not, matches(value, node: not, depth: depth + 1) {
            report("must not match the schema in not")
        }
    }

    mutating func checkNumber(_ d: Double, _ n: ValidationNode) {
        if let m = n.node.minimum, !(d >= m) { report("must be >= \(JSONWriter.formatNumber(m))") }
        if let m = n.node.maximum, !(d <= m) { report("must be <= \(JSONWriter.formatNumber(m))") }
        if let m = n.node.exclusiveMinimum, !(d > m) { report("must be > \(JSONWriter.formatNumber(m))") }
        if let m = n.node.exclusiveMaximum, !(d < m) { report("must be < \(JSONWriter.formatNumber(m))") }
    }

    mutating func checkString(_ s: String, _ n: ValidationNode) {
        let minLength = n.node.minLength
        let maxLength = n.node.maxLength
        if minLength != nil || maxLength != nil {
            // Lengths are in code points, which never outnumber the UTF-8 bytes: count them only when the byte
            // count does not already decide both bounds.
            let bytes = s.utf8.count
            let decided = (minLength.map { bytes < $0 } ?? true) && (maxLength.map { bytes <= $0 } ?? true)
            let length = decided ? bytes : s.unicodeScalars.count
            if let m = minLength, length < m { report("must be at least \(m) characters long") }
            if let m = maxLength, length > m { report("must be at most \(m) characters long") }
        }
        if let p = n.node.pattern, !p.matcher.matches(s) {
            report("must match pattern \"\(p.source)\"")
        }
        if let f = n.node.format, !SchemaFormats.check(f, s) {
            report("must be a valid \(f.rawValue)")
        }
    }

    mutating func checkArray(_ items: [JSONValue], _ n: ValidationNode, _ depth: Int) {
        if let m = n.node.minItems, items.count < m { report("must have at least \(m) items") }
        if let m = n.node.maxItems, items.count > m { report("must have at most \(m) items") }
        if let sub = n.node.items {
            for i in items.indices {
                guard !full else { return }
                enter(.index(i))
                check(items[i], node: sub, depth: depth + 1)
                leave()
            }
        }
    }

    mutating func checkObject(_ fields: [String: JSONValue], _ n: ValidationNode, _ depth: Int) {
        let visits = !n.node.properties.isEmpty || n.node.additionalProperties != nil
        guard visits || !n.node.required.isEmpty else { return }
        // This object's members, sorted by key, on top of the stack.
        let base = members.count
        if members.capacity == 0 { members.reserveCapacity(max(16, fields.count)) }
        members.append(contentsOf: fields)
        let end = members.count
        sortMembers(base, end)
        defer { members.removeLast(end - base) }

        for name in n.node.required where !hasMember(name, base, end) {
            report("missing required property \"\(name)\"")
        }
        guard visits else { return }
        let properties = n.sortedProperties
        var p = 0
        for i in base..<end {
            guard !full else { return }
            let (key, v) = members[i]
            // Both lists are sorted by the same order: walk the properties alongside the keys.
            while p < properties.count, properties[p].name < key { p += 1 }
            enter(.key(key))
            if p < properties.count, properties[p].name == key {
                check(v, node: properties[p].node, depth: depth + 1)
            } else if let extra = n.node.additionalProperties {
                if nodes[extra].node.constant == false {
                    report("is not an allowed property")
                } else {
                    check(v, node: extra, depth: depth + 1)
                }
            }
            leave()
        }
    }

    /// Sorts `members[start..<end]` by key (keys are distinct). Small objects by insertion, in place.
    mutating func sortMembers(_ start: Int, _ end: Int) {
        if end - start <= 16 {
            var i = start + 1
            while i < end {
                var j = i
                while j > start, members[j].key < members[j - 1].key {
                    members.swapAt(j, j - 1)
                    j -= 1
                }
                i += 1
            }
        } else {
            let sorted = members[start..<end].sorted { $0.key < $1.key }
            members.replaceSubrange(start..<end, with: sorted)
        }
    }

    /// Whether `members[start..<end]` (sorted) has the key `name`.
    func hasMember(_ name: String, _ start: Int, _ end: Int) -> Bool {
        var lo = start
        var hi = end
        while lo < hi {
            let mid = (lo + hi) / 2
            let key = members[mid].key
            if key < name {
                lo = mid + 1
            } else if name < key {
                hi = mid
            } else {
                return true
            }
        }
        return false
    }

    /// JSON equality for enum/const: numbers by value (1 == 1.0), containers deeply.
    static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        a == b
    }
}
