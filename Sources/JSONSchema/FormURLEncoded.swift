import PortcullisModel

/// Why an `application/x-www-form-urlencoded` body was refused.
public struct FormParseError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { "invalid form body: \(message)" }
}

/// An `application/x-www-form-urlencoded` body (WHATWG URL standard): `name=value` pairs joined
/// by `&`, `+` meaning space, `%XX` escapes decoding to UTF-8.
///
/// Strict where the standard is lenient: a malformed `%` escape or percent-decoded bytes that are
/// not valid UTF-8 are errors, not replacement characters. Empty pairs (`a=1&&b=2`) are skipped;
/// a pair without `=` has the empty value.
public struct FormURLEncoded: Sendable, Hashable {
    /// The pairs in body order, repeated names kept.
    public var fields: [Field]

    public struct Field: Sendable, Hashable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(fields: [Field]) {
        self.fields = fields
    }

    /// Parses a body; `maxBytes` and `maxFields` bound the work.
    public static func parse(_ body: String, maxBytes: Int = 1 << 20, maxFields: Int = 1000) throws(FormParseError) -> FormURLEncoded {
        let bytes = Array(body.utf8)
        if bytes.count > maxBytes { throw FormParseError("body larger than \(maxBytes) bytes") }
        var fields: [Field] = []
        for pair in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            if fields.count >= maxFields { throw FormParseError("more than \(maxFields) fields") }
            let name: ArraySlice<UInt8>
            let value: ArraySlice<UInt8>
            if let eq = pair.firstIndex(of: UInt8(ascii: "=")) {
                name = pair[pair.startIndex..<eq]
                value = pair[(eq + 1)...]
            } else {
                name = pair
                value = []
            }
            fields.append(Field(name: try decode(name), value: try decode(value)))
        }
        return FormURLEncoded(fields: fields)
    }

    /// Percent-decodes one form component (`+` is a space).
    public static func decode<C: Collection>(_ bytes: C, plusIsSpace: Bool = true) throws(FormParseError) -> String
    where C.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i != bytes.endIndex {
            let b = bytes[i]
            if b == UInt8(ascii: "%") {
                let h1 = bytes.index(after: i)
                guard h1 != bytes.endIndex else { throw FormParseError("truncated % escape") }
                let h2 = bytes.index(after: h1)
                guard h2 != bytes.endIndex, let hi = hexValue(bytes[h1]), let lo = hexValue(bytes[h2]) else {
                    throw FormParseError("malformed % escape")
                }
                out.append(hi << 4 | lo)
                i = bytes.index(after: h2)
                continue
            }
            out.append(b == UInt8(ascii: "+") && plusIsSpace ? UInt8(ascii: " ") : b)
            i = bytes.index(after: i)
        }
        guard let s = String(validating: out, as: UTF8.self) else {
            throw FormParseError("escaped bytes are not valid UTF-8")
        }
        return s
    }

    static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// The first value of a field.
    public func first(_ name: String) -> String? {
        fields.first { $0.name == name }?.value
    }

    /// Every value of a field, in order.
    public func values(_ name: String) -> [String] {
        fields.compactMap { $0.name == name ? $0.value : nil }
    }

    /// The body as an object for expressions: each name maps to its first value (a string).
    public var jsonValue: JSONValue {
        var object: [String: JSONValue] = [:]
        for f in fields where object[f.name] == nil { object[f.name] = .string(f.value) }
        return .object(object)
    }

    /// The body as an object where each name maps to the array of all its values.
    public var multiValueJSON: JSONValue {
        var object: [String: [JSONValue]] = [:]
        for f in fields { object[f.name, default: []].append(.string(f.value)) }
        return .object(object.mapValues { .array($0) })
    }
}
