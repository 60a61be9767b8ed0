/// The declarations an expression is compiled against: variables (possibly dotted, like "request.method") mapped to
/// slots, and limits.
public struct CELEnvironment: Sendable {
    public var limits: CELLimits
    var slots: [String: Int] = [:]
    var types: [CELType] = []
    var names: [String] = []
    /// Slots whose value is known when expressions are compiled: the checker replaces a read of one with the
    /// value, so the planner folds what depends on it alone (`data.tenants.active` becomes a constant list).
    var constants: [Int: CELValue] = [:]

    public init(limits: CELLimits = CELLimits()) {
        self.limits = limits
    }

    /// Declares a variable and returns its slot (re-declaring a name returns its slot and updates the type).
    @discardableResult
    public mutating func declare(_ name: String, _ type: CELType) -> Int {
        if let s = slots[name] {
            types[s] = type
            return s
        }
        let s = types.count
        slots[name] = s
        types.append(type)
        names.append(name)
        return s
    }

    /// Declares a variable whose value is fixed for every evaluation (a bundle's data): expressions read the
    /// value itself, folded into them when they are planned. Returns its slot, like `declare`.
    @discardableResult
    public mutating func bind(_ name: String, _ type: CELType, constant value: CELValue) -> Int {
        let s = declare(name, type)
        constants[s] = value
        return s
    }

    public func slot(of name: String) -> Int? { slots[name] }

    /// The declared type of a slot.
    public func type(ofSlot slot: Int) -> CELType? { types.indices.contains(slot) ? types[slot] : nil }

    /// The declared name of a slot.
    public func name(ofSlot slot: Int) -> String? { names.indices.contains(slot) ? names[slot] : nil }

    /// Number of declared slots.
    public var slotCount: Int { types.count }
}
