import PortcullisModel

/// A JSON document held as one flat array of values, for validating a request body without building the
/// dictionaries and arrays of a `JSONValue`: a body is usually only validated, and hashing every key into a
/// dictionary (then freeing it) cost more than the validation itself. `jsonValue` builds the tree when something
/// (an expression reading `request.body`) needs it.
///
/// Values are stored in document order (preorder): a container's entry is followed by its items or members and
/// records where its subtree ends; a member's entry names its key. Object keys are distinct (the parser refuses
/// duplicates, as it does for `JSONValue`).
public struct JSONTape: Sendable {
    struct Entry: Sendable {
        enum Kind: UInt8, Sendable {
            case null, bool, number, string, array, object
        }

        var kind: Kind
        var bool = false
        /// The index of this member's key in `strings`; -1 for a value that is not an object member.
        var key: Int
        /// A string's index in `strings`; the number of items or members of an array or object.
        var payload = 0
        /// The index of the entry after this value and everything in it.
        var end: Int
        var number = 0.0
    }

    var entries: [Entry] = []
    /// String values and object keys.
    var strings: [String] = []

    init() {}

    /// A container whose children are still being written, for `init(_:)`. A nominal type, not a tuple: tuple
    /// metadata is looked up at run time on every use.
    private struct Pending {
        let entry: Int
        /// The children's keys (an object's), or empty (an array's).
        let keys: [String]
        let values: [JSONValue]
        var next = 0
    }

    /// The tape of a value (built iteratively: a deep value cannot exhaust the stack).
    public init(_ value: JSONValue) {
        entries.reserveCapacity(16)
        strings.reserveCapacity(8)
        var pending: [Pending] = []
        var current: JSONValue? = value
        var currentKey = -1
        while true {
            if let value = current {
                current = nil
                let index = entries.count
                let key = currentKey
                switch value {
                case .null: entries.append(Entry(kind: .null, key: key, end: index + 1))
                case .bool(let b): entries.append(Entry(kind: .bool, bool: b, key: key, end: index + 1))
                case .number(let d): entries.append(Entry(kind: .number, key: key, end: index + 1, number: d))
                case .string(let s):
                    strings.append(s)
                    entries.append(Entry(kind: .string, key: key, payload: strings.count - 1, end: index + 1))
                case .array(let items):
                    entries.append(Entry(kind: .array, key: key, payload: items.count, end: index + 1))
                    if !items.isEmpty { pending.append(Pending(entry: index, keys: [], values: items)) }
                case .object(let fields):
                    entries.append(Entry(kind: .object, key: key, payload: fields.count, end: index + 1))
                    if !fields.isEmpty { pending.append(Pending(entry: index, keys: Array(fields.keys), values: Array(fields.values))) }
                }
            }
            guard let top = pending.last else { return }
            if top.next < top.values.count {
                current = top.values[top.next]
                if top.keys.isEmpty {
                    currentKey = -1
                } else {
                    strings.append(top.keys[top.next])
                    currentKey = strings.count - 1
                }
                pending[pending.count - 1].next += 1
            } else {
                entries[top.entry].end = entries.count
                pending.removeLast()
            }
        }
    }

    /// The number of values in the document.
    var count: Int { entries.count }

    /// The document as a `JSONValue`: what `JSONParser` gives for the same text.
    public var jsonValue: JSONValue { value(at: 0) }

    /// The value at `index` as a `JSONValue`. Recursion is bounded by the depth of the document, which the parser
    /// (or the `JSONValue` the tape was made from) already had.
    func value(at index: Int) -> JSONValue {
        let e = entries[index]
        switch e.kind {
        case .null: return .null
        case .bool: return .bool(e.bool)
        case .number: return .number(e.number)
        case .string: return .string(strings[e.payload])
        case .array:
            var items: [JSONValue] = []
            items.reserveCapacity(e.payload)
            var i = index + 1
            while i < e.end {
                items.append(value(at: i))
                i = entries[i].end
            }
            return .array(items)
        case .object:
            var fields = [String: JSONValue](minimumCapacity: e.payload)
            var i = index + 1
            while i < e.end {
                fields[strings[entries[i].key]] = value(at: i)
                i = entries[i].end
            }
            return .object(fields)
        }
    }
}
