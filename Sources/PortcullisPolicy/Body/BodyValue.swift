import CEL
import JSONSchema
import PortcullisModel

/// A parsed body as expressions see it (`request.body`).
enum BodyValue {
    /// JSON objects become maps with string keys, arrays lists; a number without a fraction (within ±2^53, where a
    /// double is exact) becomes an `int`, so that `request.body.qty == 2` and `request.body.qty + 1` read naturally;
    /// other numbers are `double`. A form is a map from each field name to its first value.
    static func cel(_ body: RequestBody) -> CELValue {
        cel(body.jsonValue)
    }

    /// Recursion is bounded by the parser's depth limit (`BodyLimits.json.maxDepth`).
    static func cel(_ json: JSONValue) -> CELValue {
        switch json {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .number(let d):
            if d == d.rounded(.towardZero), abs(d) <= 9_007_199_254_740_992 { return .int(Int64(d)) }
            return .double(d)
        case .string(let s): return .string(s)
        case .array(let items): return .list(items.map { cel($0) })
        case .object(let fields):
            // Keys sorted, so that iteration order (and so `request.body.map(k, …)`) does not depend on hashing.
            return .map(CELMap(fields.keys.sorted().map { (CELValue.string($0), cel(fields[$0] ?? .null)) }))
        }
    }
}
