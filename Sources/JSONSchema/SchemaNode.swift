import PortcullisModel

/// The JSON types the `type` keyword names, as a bit set.
struct JSONTypeSet: OptionSet, Sendable, Hashable {
    let rawValue: UInt8
    static let null = JSONTypeSet(rawValue: 1)
    static let boolean = JSONTypeSet(rawValue: 2)
    static let integer = JSONTypeSet(rawValue: 4)
    static let number = JSONTypeSet(rawValue: 8)
    static let string = JSONTypeSet(rawValue: 16)
    static let array = JSONTypeSet(rawValue: 32)
    static let object = JSONTypeSet(rawValue: 64)

    static let names: [(String, JSONTypeSet)] = [
        ("null", .null), ("boolean", .boolean), ("integer", .integer), ("number", .number),
        ("string", .string), ("array", .array), ("object", .object),
    ]

    static func named(_ name: String) -> JSONTypeSet? {
        names.first { $0.0 == name }?.1
    }

    var description: String {
        JSONTypeSet.names.filter { contains($0.1) }.map(\.0).joined(separator: " or ")
    }

    /// True when `value` is one of these types (`integer` admits a number with no fraction).
    func admits(_ value: JSONValue) -> Bool {
        switch value {
        case .null: return contains(.null)
        case .bool: return contains(.boolean)
        case .number(let d):
            return contains(.number) || (contains(.integer) && d.isFinite && d == d.rounded(.towardZero))
        case .string: return contains(.string)
        case .array: return contains(.array)
        case .object: return contains(.object)
        }
    }

    /// `admits` for a value on a tape.
    func admits(_ entry: JSONTape.Entry) -> Bool {
        switch entry.kind {
        case .null: return contains(.null)
        case .bool: return contains(.boolean)
        case .number:
            let d = entry.number
            return contains(.number) || (contains(.integer) && d.isFinite && d == d.rounded(.towardZero))
        case .string: return contains(.string)
        case .array: return contains(.array)
        case .object: return contains(.object)
        }
    }
}

/// The `format` values this implementation asserts.
enum SchemaFormat: String, Sendable {
    case dateTime = "date-time"
    case email
    case uuid
}

/// One compiled (sub)schema. Subschemas are referred to by index into `CompiledSchema.nodes`,
/// which is how `$ref` cycles are represented without reference cycles.
struct SchemaNode: Sendable {
    /// A boolean schema: `true` accepts everything, `false` nothing.
    var constant: Bool?
    var types: JSONTypeSet?
    var properties: [String: Int] = [:]
    var required: [String] = []
    var additionalProperties: Int?
    var items: Int?
    var minItems: Int?
    var maxItems: Int?
    var enumValues: [JSONValue]?
    var constValue: JSONValue?
    var minimum: Double?
    var maximum: Double?
    var exclusiveMinimum: Double?
    var exclusiveMaximum: Double?
    var minLength: Int?
    var maxLength: Int?
    var pattern: (source: String, matcher: any PatternMatcher)?
    var format: SchemaFormat?
    var allOf: [Int] = []
    var anyOf: [Int] = []
    var oneOf: [Int] = []
    var not: Int?
    var ref: Int?
}

/// A compiled node as the validator reads it: shared by reference (reading one costs a single retain, not a copy
/// of every field), with the property names sorted so that an object's sorted keys are matched by a merge walk
/// instead of a hash lookup per key.
final class ValidationNode: Sendable {
    let node: SchemaNode
    /// `properties`, sorted by name (String `<`, the order the validator visits an object's keys in).
    let sortedProperties: [(name: String, node: Int)]

    /// `node.pattern`, held by reference: reading it costs a retain, not a copy of the existential matcher.
    let pattern: CompiledPattern?

    /// The messages of the `type`, `enum` and `const` violations, which depend only on the schema.
    let typeMessage: String
    let enumMessage: String
    let constMessage: String

    init(_ node: SchemaNode) {
        self.node = node
        sortedProperties = node.properties.map { (name: $0.key, node: $0.value) }.sorted { $0.name < $1.name }
        pattern = node.pattern.map { CompiledPattern(source: $0.source, matcher: $0.matcher) }
        typeMessage = node.types.map { "must be of type \($0.description)" } ?? ""
        if let values = node.enumValues {
            let shown = values.prefix(8).map(JSONWriter.string).joined(separator: ", ")
            enumMessage = "must be one of [\(shown)\(values.count > 8 ? ", …" : "")]"
        } else {
            enumMessage = ""
        }
        constMessage = node.constValue.map { "must equal \(JSONWriter.string($0))" } ?? ""
    }
}

/// A `pattern` keyword's source and its compiled matcher.
final class CompiledPattern: Sendable {
    let source: String
    let matcher: any PatternMatcher
    /// The violation message, made once.
    let message: String

    init(source: String, matcher: any PatternMatcher) {
        self.source = source
        self.matcher = matcher
        message = "must match pattern \"\(source)\""
    }
}
