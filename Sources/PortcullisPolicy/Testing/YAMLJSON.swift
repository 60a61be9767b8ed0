import PortcullisModel
import Yams

/// A YAML node as a JSON value (for requests written in test files).
enum YAMLJSON {
    static func json(_ node: Node, reader: NodeReader, depth: Int = 0) -> JSONValue? {
        guard reader.sink.spend(at: reader.location(node)), depth <= 64 else { return nil }
        switch node {
        case .scalar(let scalar):
            guard scalar.style == .plain else { return .string(scalar.string) }
            if PlainScalar.isNull(scalar.string) { return .null }
            if let b = PlainScalar.bool(scalar.string) { return .bool(b) }
            if let i = PlainScalar.int(scalar.string) { return .number(Double(i)) }
            if let d = PlainScalar.double(scalar.string) { return .number(d) }
            return .string(scalar.string)
        case .sequence(let seq):
            var items: [JSONValue] = []
            for item in seq {
                guard let v = json(item, reader: reader, depth: depth + 1) else { return nil }
                items.append(v)
            }
            return .array(items)
        case .mapping(let mapping):
            var fields: [String: JSONValue] = [:]
            for (k, v) in mapping {
                guard let key = k.scalar?.string, let value = json(v, reader: reader, depth: depth + 1) else { return nil }
                fields[key] = value
            }
            return .object(fields)
        case .alias:
            return nil
        }
    }
}
