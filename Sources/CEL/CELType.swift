/// A static CEL type, as the checker knows it. `.dyn` means "any, known only at evaluation time".
public indirect enum CELType: Sendable, Hashable, CustomStringConvertible {
    case dyn, null, bool, int, uint, double, string, bytes, timestamp, duration, type
    case list(CELType), map(CELType, CELType)

    public var description: String {
        switch self {
        case .dyn: return "dyn"
        case .null: return "null_type"
        case .bool: return "bool"
        case .int: return "int"
        case .uint: return "uint"
        case .double: return "double"
        case .string: return "string"
        case .bytes: return "bytes"
        case .timestamp: return "google.protobuf.Timestamp"
        case .duration: return "google.protobuf.Duration"
        case .type: return "type"
        case .list(let e): return "list(\(e))"
        case .map(let k, let v): return "map(\(k), \(v))"
        }
    }

    var isDyn: Bool { self == .dyn }

    /// True when a value of type `self` may be used where `other` is expected (dyn matches anything).
    func isAssignable(to other: CELType) -> Bool {
        switch (self, other) {
        case (.dyn, _), (_, .dyn): return true
        case (.list(let a), .list(let b)): return a.isAssignable(to: b)
        case (.map(let k1, let v1), .map(let k2, let v2)): return k1.isAssignable(to: k2) && v1.isAssignable(to: v2)
        default: return self == other
        }
    }

    /// The kind ignoring parameters ("list", "map", ...), used to pick overloads.
    var kind: CELType {
        switch self {
        case .list: return .list(.dyn)
        case .map: return .map(.dyn, .dyn)
        default: return self
        }
    }

    var isNumeric: Bool { self == .int || self == .uint || self == .double }

    /// Joins two types (list element or map key/value inference): equal types stay, otherwise dyn.
    static func join(_ a: CELType, _ b: CELType) -> CELType {
        if a == b { return a }
        return .dyn
    }
}
