/// Request headers with lower-cased names, in arrival order, repeated names kept.
public struct HTTPHeaders: Sendable, Sequence {
    public struct Field: Sendable, Hashable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public private(set) var fields: [Field]

    public init(_ pairs: [(String, String)] = []) {
        fields = pairs.map { Field(name: $0.0.lowercased(), value: $0.1) }
    }

    /// Adds a header; the name is lower-cased.
    public mutating func add(_ name: String, _ value: String) {
        fields.append(Field(name: HTTPHeaders.lowercased(name), value: value))
    }

    /// Reserves room for `n` fields (the codec knows the count up front).
    public mutating func reserveCapacity(_ n: Int) {
        fields.reserveCapacity(n)
    }

    /// `name.lowercased()`, without a new string when it is already lower-case ASCII
    /// (as Envoy sends header names).
    public static func lowercased(_ name: String) -> String {
        var name = name
        let plain = name.withUTF8 { utf8 in !utf8.contains { ($0 >= 0x41 && $0 <= 0x5A) || $0 >= 0x80 } }
        return plain ? name : name.lowercased()
    }

    /// Removes every header with this (lower-case) name.
    public mutating func remove(_ name: String) {
        let n = name.lowercased()
        fields.removeAll { $0.name == n }
    }

    /// The first value of a header (name given lower-case).
    public func first(_ name: String) -> String? {
        for i in fields.indices where Self.same(fields[i].name, name) { return fields[i].value }
        return nil
    }

    /// Name equality with the length compared first: most fields differ in length, and `==` on strings of
    /// different lengths still goes through the general comparison.
    @inlinable
    public static func same(_ a: String, _ b: String) -> Bool { a.utf8.count == b.utf8.count && a == b }

    /// Every value of a header, in order.
    public func values(_ name: String) -> [String] {
        fields.compactMap { Self.same($0.name, name) ? $0.value : nil }
    }

    /// A header's values joined with "," as Envoy's `headers` map does; nil when absent.
    public subscript(name: String) -> String? {
        var found: String?
        for i in fields.indices where Self.same(fields[i].name, name) {
            if let previous = found { found = previous + "," + fields[i].value } else { found = fields[i].value }
        }
        return found
    }

    public var count: Int { fields.count }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }
}
