/// A CEL map. Keys are bool, int, uint or string; int, uint and integral double keys compare numerically.
/// Iteration keeps insertion order.
public struct CELMap: Sendable {
    @usableFromInline var keyList: [CELValue]
    @usableFromInline var valueList: [CELValue]
    @usableFromInline var index: [CELMapKey: Int]

    public init() {
        keyList = []; valueList = []; index = [:]
    }

    /// Builds a map; a later duplicate key replaces the earlier value. Keys of unsupported kinds are dropped.
    public init(_ entries: [(CELValue, CELValue)]) {
        self.init()
        for (k, v) in entries { _ = insert(k, v) }
    }

    public init(_ strings: [String: CELValue]) {
        self.init()
        keyList.reserveCapacity(strings.count)
        valueList.reserveCapacity(strings.count)
        for (k, v) in strings.sorted(by: { $0.key < $1.key }) { _ = insert(.string(k), v) }
    }

    /// Inserts or replaces. Returns false when the key is not a valid map key kind.
    @discardableResult
    mutating func insert(_ key: CELValue, _ value: CELValue) -> Bool {
        guard let k = CELMapKey(key) else { return false }
        if let i = index[k] {
            valueList[i] = value
        } else {
            index[k] = keyList.count
            keyList.append(key)
            valueList.append(value)
        }
        return true
    }

    func contains(_ key: CELValue) -> Bool {
        guard let k = CELMapKey(key) else { return false }
        return index[k] != nil
    }

    public subscript(key: CELValue) -> CELValue? {
        guard let k = CELMapKey(key), let i = index[k] else { return nil }
        return valueList[i]
    }

    /// Fast look-up by a string key.
    @inlinable public subscript(string key: String) -> CELValue? {
        guard let i = index[.string(CELStringKey(key))] else { return nil }
        return valueList[i]
    }

    public var count: Int { keyList.count }
    public var keys: [CELValue] { keyList }
    public var entries: [(key: CELValue, value: CELValue)] {
        var out: [(key: CELValue, value: CELValue)] = []
        out.reserveCapacity(keyList.count)
        for i in keyList.indices { out.append((keyList[i], valueList[i])) }
        return out
    }
}

/// The hashable identity of a map key. Numbers are normalised so that 1, 1u and 1.0 are one key.
@usableFromInline
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
@usableFromInline
struct CELStringKey: Hashable, Sendable {
    @usableFromInline let value: String
    @inlinable init(_ value: String) { self.value = value }
    @inlinable static func == (a: CELStringKey, b: CELStringKey) -> Bool { a.value.utf8.elementsEqual(b.value.utf8) }
    @inlinable func hash(into hasher: inout Hasher) {
        var v = value
        v.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
