import CEL
import PortcullisModel
import Yams

/// Converts bundle data files (YAML or JSON) and Envoy metadata into CEL values.
enum DataValue {
    static func cel(_ json: JSONValue) -> CELValue {
        switch json {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .number(let d): return .double(d)
        case .string(let s): return .string(s)
        case .array(let items): return .list(items.map { cel($0) })
        case .object(let fields): return .map(CELMap(fields.mapValues { cel($0) }))
        }
    }

    /// A YAML node as a CEL value; nil (with a diagnostic) when it is too deep or the bundle's node budget is spent.
    static func cel(_ node: Node, reader: NodeReader, depth: Int, maxDepth: Int) -> CELValue? {
        guard reader.sink.spend(at: reader.location(node)) else { return nil }
        guard depth <= maxDepth else {
            reader.sink.error("data nested deeper than \(maxDepth) levels", at: reader.location(node))
            return nil
        }
        switch node {
        case .scalar(let scalar):
            guard scalar.style == .plain else { return .string(scalar.string) }
            if PlainScalar.isNull(scalar.string) { return .null }
            if let b = PlainScalar.bool(scalar.string) { return .bool(b) }
            if let i = PlainScalar.int(scalar.string) { return .int(i) }
            if let d = PlainScalar.double(scalar.string) { return .double(d) }
            return .string(scalar.string)
        case .sequence(let seq):
            var items: [CELValue] = []
            for item in seq {
                guard let v = cel(item, reader: reader, depth: depth + 1, maxDepth: maxDepth) else { return nil }
                items.append(v)
            }
            return .list(items)
        case .mapping(let mapping):
            var entries: [(CELValue, CELValue)] = []
            for (k, v) in mapping {
                guard let key = k.scalar?.string else {
                    reader.sink.error("data keys must be strings", at: reader.location(k))
                    return nil
                }
                guard let value = cel(v, reader: reader, depth: depth + 1, maxDepth: maxDepth) else { return nil }
                entries.append((.string(key), value))
            }
            return .map(CELMap(entries))
        case .alias:
            reader.sink.error("unresolved YAML alias in data", at: reader.location(node))
            return nil
        }
    }
}
