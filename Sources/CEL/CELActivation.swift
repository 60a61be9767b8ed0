/// Supplies the values of declared variables, by slot.
public protocol CELActivation {
    /// The value bound to a declared slot; nil = unbound (evaluating it yields a "no such attribute" error value).
    func value(forSlot slot: Int) -> CELValue?

    /// `slot[key]` or `slot.key` for a constant string key, answered without building the map bound to `slot`:
    /// nil = no such short cut (the map is built and indexed as usual); `.some(nil)` = the map has no such key;
    /// `.some(v)` = its value. Must agree with indexing `value(forSlot:)`.
    func entry(forSlot slot: Int, key: String) -> CELValue??
}

extension CELActivation {
    public func entry(forSlot slot: Int, key: String) -> CELValue?? { nil }
}

/// Binds nothing.
public struct CELEmptyActivation: CELActivation {
    public init() {}
    public func value(forSlot slot: Int) -> CELValue? { nil }
}

/// Binds slots from a dictionary. Slots are small dense integers, so the values are kept in an array indexed by
/// slot (no hashing per look-up) unless the slot numbers are sparse.
public struct CELDictionaryActivation: CELActivation {
    private let dense: [CELValue?]
    private let sparse: [Int: CELValue]

    public init(_ values: [Int: CELValue]) {
        let maxSlot = values.keys.max() ?? -1
        if values.keys.allSatisfy({ $0 >= 0 }) && maxSlot < 4 * values.count + 64 {
            var d = [CELValue?](repeating: nil, count: maxSlot + 1)
            for (k, v) in values { d[k] = v }
            dense = d
            sparse = [:]
        } else {
            dense = []
            sparse = values
        }
    }

    public var values: [Int: CELValue] {
        if !sparse.isEmpty { return sparse }
        var out: [Int: CELValue] = [:]
        for (i, v) in dense.enumerated() { if let v { out[i] = v } }
        return out
    }

    public func value(forSlot slot: Int) -> CELValue? {
        if slot >= 0 && slot < dense.count { return dense[slot] }
        return sparse.isEmpty ? nil : sparse[slot]
    }
}

/// Binds slots from an array indexed by slot (nil = unbound); the fastest activation.
public struct CELArrayActivation: CELActivation {
    public var values: [CELValue?]
    public init(_ values: [CELValue?]) { self.values = values }
    public init(slotCount: Int) { values = Array(repeating: nil, count: slotCount) }
    public func value(forSlot slot: Int) -> CELValue? {
        slot >= 0 && slot < values.count ? values[slot] : nil
    }
}
