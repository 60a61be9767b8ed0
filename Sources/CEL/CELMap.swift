/// A CEL map. Keys are bool, int, uint or string; int, uint and integral double keys compare numerically.
/// Iteration keeps insertion order.
public struct CELMap: Sendable {
    /// The entries live in one immutable object, so copying a map (and a `CELValue` holding one) is one retain.
    final class Storage: Sendable {
        let keyList: [CELValue]
        let valueList: [CELValue]
        /// Normalised keys, parallel to `keyList`.
        let normalized: [CELMapKey]
        /// Built only for maps larger than `CELMap.linearLimit`; small maps are scanned, faster than hashing.
        let index: [CELMapKey: Int]?

        init(_ b: Builder) {
            keyList = b.keyList; valueList = b.valueList; normalized = b.normalized; index = b.index
        }
    }

    /// Accumulates entries; a later duplicate key replaces the earlier value.
    struct Builder {
        var keyList: [CELValue] = []
        var valueList: [CELValue] = []
        var normalized: [CELMapKey] = []
        var index: [CELMapKey: Int]? = nil

        init(capacity: Int = 0) {
            keyList.reserveCapacity(capacity)
            valueList.reserveCapacity(capacity)
            normalized.reserveCapacity(capacity)
        }

        func position(_ k: CELMapKey) -> Int? {
            if let index { return index[k] }
            for i in normalized.indices where normalized[i] == k { return i }
            return nil
        }

        func contains(_ key: CELValue) -> Bool {
            guard let k = CELMapKey(key) else { return false }
            return position(k) != nil
        }

        /// Inserts or replaces. Returns false when the key is not a valid map key kind.
        @discardableResult
        mutating func insert(_ key: CELValue, _ value: CELValue) -> Bool {
            guard let k = CELMapKey(key) else { return false }
            if let i = position(k) {
                valueList[i] = value
                return true
            }
            normalized.append(k)
            keyList.append(key)
            valueList.append(value)
            if index != nil {
                index?[k] = keyList.count - 1
            } else if keyList.count > CELMap.linearLimit {
                var d: [CELMapKey: Int] = [:]
                d.reserveCapacity(keyList.count * 2)
                for (i, n) in normalized.enumerated() { d[n] = i }
                index = d
            }
            return true
        }

        func build() -> CELMap { CELMap(storage: Storage(self)) }
    }

    let storage: Storage
    static let linearLimit = 8

    var keyList: [CELValue] { storage.keyList }

    init(storage: Storage) { self.storage = storage }

    public init() {
        storage = Storage(Builder())
    }

    /// Builds a map; a later duplicate key replaces the earlier value. Keys of unsupported kinds are dropped.
    public init(_ entries: [(CELValue, CELValue)]) {
        var b = Builder(capacity: entries.count)
        for (k, v) in entries { b.insert(k, v) }
        storage = Storage(b)
    }

    public init(_ strings: [String: CELValue]) {
        var b = Builder(capacity: strings.count)
        for (k, v) in strings.sorted(by: { $0.key < $1.key }) { b.insert(.string(k), v) }
        storage = Storage(b)
    }

    /// A string map from header-style pairs: a repeated key's values are joined with `separator`, in order.
    public init(joining pairs: some Sequence<(String, String)>, separator: String) {
        var b = Builder()
        for (k, v) in pairs {
            let key = CELMapKey.string(CELStringKey(k))
            if let i = b.position(key), case .string(let old) = b.valueList[i] {
                b.valueList[i] = .string(old + separator + v)
            } else {
                b.insert(.string(k), .string(v))
            }
        }
        storage = Storage(b)
    }

    func position(_ k: CELMapKey) -> Int? {
        let st = storage
        if let index = st.index { return index[k] }
        for i in st.normalized.indices where st.normalized[i] == k { return i }
        return nil
    }

    func position(string key: String) -> Int? {
        let st = storage
        if let index = st.index { return index[.string(CELStringKey(key))] }
        for i in st.normalized.indices {
            if case .string(let s) = st.normalized[i], StringBytes.equal(s.value, key) { return i }
        }
        return nil
    }

    func contains(_ key: CELValue) -> Bool {
        guard let k = CELMapKey(key) else { return false }
        return position(k) != nil
    }

    public subscript(key: CELValue) -> CELValue? {
        guard let k = CELMapKey(key), let i = position(k) else { return nil }
        return storage.valueList[i]
    }

    /// Fast look-up by a string key.
    public subscript(string key: String) -> CELValue? {
        guard let i = position(string: key) else { return nil }
        return storage.valueList[i]
    }

    public var count: Int { storage.keyList.count }
    public var keys: [CELValue] { keyList }
    public var entries: [(key: CELValue, value: CELValue)] {
        var out: [(key: CELValue, value: CELValue)] = []
        out.reserveCapacity(keyList.count)
        let st = storage
        for i in st.keyList.indices { out.append((st.keyList[i], st.valueList[i])) }
        return out
    }
}

/// The hashable identity of a map key. Numbers are normalised so that 1, 1u and 1.0 are one key.
enum CELMapKey: Hashable, Sendable {
    case bool(Bool)
    case int(Int64)
    case bigUInt(UInt64)   // only values above Int64.max
    case string(CELStringKey)

    init?(_ v: CELValue) {
        switch v {
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .uint(let u): self = u <= UInt64(Int64.max) ? .int(Int64(u)) : .bigUInt(u)
        case .string(let s): self = .string(CELStringKey(s))
        case .double(let d):
            guard d.rounded(.towardZero) == d else { return nil }
            if d >= -9223372036854775808.0 && d < 9223372036854775808.0 {
                self = .int(Int64(d))
            } else if d >= 0 && d < 18446744073709551616.0 {
                self = .bigUInt(UInt64(d))
            } else {
                return nil
            }
        default: return nil
        }
    }
}

/// A string compared and hashed by its UTF-8 bytes: CEL does not normalise Unicode, unlike Swift's `String ==`.
struct CELStringKey: Hashable, Sendable {
    let value: String
    init(_ value: String) { self.value = value }
    static func == (a: CELStringKey, b: CELStringKey) -> Bool { StringBytes.equal(a.value, b.value) }
    func hash(into hasher: inout Hasher) {
        StringBytes.withBytes(value) { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
