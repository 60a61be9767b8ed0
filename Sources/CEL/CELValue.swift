import CELSupport

/// A CEL runtime value. An evaluation error is a value (`.error`), never a crash.
public enum CELValue: Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case string(String)
    case bytes([UInt8])
    case list([CELValue])
    case map(CELMap)
    case timestamp(CELTimestamp)
    case duration(CELDuration)
    case type(CELTypeName)
    /// An IP address built by `ip("...")`.
    case ip(IPAddress)
    /// A network built by `cidr("...")`.
    case cidr(CIDR)
    case error(CELError)
    /// An optional value (`optional.of(x)` holds x, `optional.none()` holds nil).
    indirect case optional(CELValue?)
}

extension CELValue {
    /// The CEL type name of this value (`type(v)`).
    public var typeName: CELTypeName {
        switch self {
        case .null: return .nullType
        case .bool: return .bool
        case .int: return .int
        case .uint: return .uint
        case .double: return .double
        case .string: return .string
        case .bytes: return .bytes
        case .list: return .list
        case .map: return .map
        case .timestamp: return .timestamp
        case .duration: return .duration
        case .type: return .type
        case .ip: return CELTypeName(name: "net.IP")
        case .cidr: return CELTypeName(name: "net.CIDR")
        case .error: return CELTypeName(name: "error")
        case .optional: return CELTypeName(name: "optional_type")
        }
    }

    /// True when this value is an error.
    public var isError: Bool {
        if case .error = self { return true }
        return false
    }

    static func err(_ message: String) -> CELValue { .error(CELError(message: message)) }
    static func noOverload(_ function: String) -> CELValue { .error(CELError(message: "no such overload: \(function)")) }
}

/// A CEL type value, identified by its name ("int", "list", "google.protobuf.Timestamp", ...).
public struct CELTypeName: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    public init(name: String) { self.name = name }
    public var description: String { name }

    public static let nullType = CELTypeName(name: "null_type")
    public static let bool = CELTypeName(name: "bool")
    public static let int = CELTypeName(name: "int")
    public static let uint = CELTypeName(name: "uint")
    public static let double = CELTypeName(name: "double")
    public static let string = CELTypeName(name: "string")
    public static let bytes = CELTypeName(name: "bytes")
    public static let list = CELTypeName(name: "list")
    public static let map = CELTypeName(name: "map")
    public static let type = CELTypeName(name: "type")
    public static let timestamp = CELTypeName(name: "google.protobuf.Timestamp")
    public static let duration = CELTypeName(name: "google.protobuf.Duration")
}

/// An evaluation error.
public struct CELError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    /// UTF-8 byte offset in the expression of the operation that failed, when known
    /// (`CELProgram.describe(_:)` turns it into line:column and a caret).
    public let offset: Int?
    public init(message: String, offset: Int? = nil) {
        self.message = message
        self.offset = offset
    }
    public var description: String { message }
    /// Errors are equal when their messages are.
    public static func == (a: CELError, b: CELError) -> Bool { a.message == b.message }
}
