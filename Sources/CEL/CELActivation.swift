/// Supplies the values of declared variables, by slot.
public protocol CELActivation {
    /// The value bound to a declared slot; nil = unbound (evaluating it yields a "no such attribute" error value).
    func value(forSlot slot: Int) -> CELValue?
}

/// Binds nothing.
public struct CELEmptyActivation: CELActivation {
    public init() {}
    public func value(forSlot slot: Int) -> CELValue? { nil }
}

/// Binds slots from a dictionary.
public struct CELDictionaryActivation: CELActivation {
    public var values: [Int: CELValue]
    public init(_ values: [Int: CELValue]) { self.values = values }
    public func value(forSlot slot: Int) -> CELValue? { values[slot] }
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
