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
        validate(JSONTape(value), maxViolations: maxViolations)
    }

    /// `validate` over a parsed tape: the same violations as for its `jsonValue`, without building it.
    public func validate(_ document: JSONTape, maxViolations: Int = 10) -> [SchemaViolation] {
        var run = SchemaValidation(
            nodes: nodes, document: document, limit: max(1, maxViolations), budget: WorkBudget(values: document.count))
        run.check(0, node: 0, depth: 0)
        // An exhausted budget (possibly inside an anyOf/oneOf/not probe) always makes the document invalid.
        if run.budget.exhausted, !run.violations.contains(where: { $0.message == SchemaValidation.budgetMessage }) {
            run.violations.insert(SchemaViolation(pointer: "", message: SchemaValidation.budgetMessage), at: 0)
        }
        return run.violations
    }
}

/// Steps left for one validation, shared by the probes of anyOf/oneOf/not (each probe takes it over and hands it
/// back): `JSONSchema.workBudget + JSONSchema.workPerValue × (values in the document)`.
struct WorkBudget {
    var remaining: Int
    var exhausted = false

    init(values: Int) {
        remaining = JSONSchema.workBudget + JSONSchema.workPerValue * values
    }

    /// Takes one step; false when the budget is spent.
    @inline(__always)
    mutating func step() -> Bool {
        remaining -= 1
        if remaining < 0 {
            exhausted = true
            return false
        }
        return true
    }
}
