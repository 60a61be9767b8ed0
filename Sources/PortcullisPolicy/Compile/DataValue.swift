import CEL
import PortcullisModel

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
    static func cel(_ node: YAMLNode, reader: NodeReader, depth: Int, maxDepth: Int) -> CELValue? {
        guard reader.sink.spend(at: reader.location(node)) else { return nil }
        guard depth <= maxDepth else {
            reader.sink.error("data nested deeper than \(maxDepth) levels", at: reader.location(node))
            return nil
        }
        switch node.kind {
        case .scalar:
            guard node.style == .plain else { return .string(node.string) }
            if PlainScalar.isNull(node.string) { return .null }
            if let b = PlainScalar.bool(node.string) { return .bool(b) }
            if let i = PlainScalar.int(node.string) { return .int(i) }
            if let d = PlainScalar.double(node.string) { return .double(d) }
            return .string(node.string)
        case .sequence:
            var items: [CELValue] = []
            items.reserveCapacity(node.children.count)
            for item in node.children {
                guard let v = cel(item, reader: reader, depth: depth + 1, maxDepth: maxDepth) else { return nil }
                items.append(v)
            }
            return .list(items)
        case .mapping:
            var entries: [(CELValue, CELValue)] = []
            entries.reserveCapacity(node.pairCount)
            var i = 0
            while i + 1 < node.children.count {
                let k = node.children[i], v = node.children[i + 1]
                i += 2
                guard k.kind == .scalar else {
                    reader.sink.error("data keys must be strings", at: reader.location(k))
                    return nil
                }
                guard let value = cel(v, reader: reader, depth: depth + 1, maxDepth: maxDepth) else { return nil }
                entries.append((.string(k.string), value))
            }
            return .map(CELMap(entries))
        case .alias:
            reader.sink.error("unresolved YAML alias in data", at: reader.location(node))
            return nil
        }
    }
}
