import PortcullisModel

/// Limits applied while parsing untrusted JSON (request bodies, token segments, JWKS documents).
public struct JSONParseLimits: Sendable, Hashable {
    /// The largest document accepted, in bytes.
    public var maxBytes: Int
    /// The deepest nesting of arrays and objects accepted (a scalar at the top is depth 0).
    public var maxDepth: Int

    public init(maxBytes: Int = 1 << 20, maxDepth: Int = 64) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
    }

    /// 1 MiB, depth 64.
    public static let `default` = JSONParseLimits()
}

/// Why a JSON document was refused. `offset` is the byte offset of the problem (0-based).
public struct StrictJSONError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        case tooLarge(limit: Int)
        case tooDeep(limit: Int)
        case unexpectedEnd
        case unexpectedByte(UInt8)
        case invalidUTF8
        case invalidEscape
        case invalidNumber
        case numberOutOfRange
        case controlCharacterInString
        case duplicateKey(String)
        case trailingData
    }

    public var kind: Kind
    public var offset: Int

    public init(_ kind: Kind, at offset: Int) {
        self.kind = kind
        self.offset = offset
    }

    public var description: String {
        let what: String
        switch kind {
        case .tooLarge(let limit): what = "document larger than \(limit) bytes"
        case .tooDeep(let limit): what = "nesting deeper than \(limit)"
        case .unexpectedEnd: what = "unexpected end of input"
        case .unexpectedByte(let b):
            if b >= 0x21 && b < 0x7F {
                what = "unexpected character '\(Character(Unicode.Scalar(b)))'"
            } else {
                what = "unexpected byte 0x\(String(b, radix: 16, uppercase: true))"
            }
        case .invalidUTF8: what = "invalid UTF-8"
        case .invalidEscape: what = "invalid escape sequence in string"
        case .invalidNumber: what = "invalid number"
        case .numberOutOfRange: what = "number out of range"
        case .controlCharacterInString: what = "unescaped control character in string"
        case .duplicateKey(let key): what = "duplicate object key \"\(key)\""
        case .trailingData: what = "unexpected data after the JSON value"
        }
        return "invalid JSON at byte \(offset): \(what)"
    }
}

/// A strict RFC 8259 JSON parser producing `JSONValue`.
///
/// Refuses, with a `StrictJSONError` naming the byte offset: documents over `maxBytes`, nesting over
/// `maxDepth`, duplicate object keys, invalid UTF-8 (including lone surrogate escapes), unescaped
/// control characters, numbers JSON does not allow (`01`, `1.`, `+1`, `NaN`) or that overflow a
/// `Double`, and anything but whitespace after the value. Recursion is bounded by `maxDepth`.
public struct JSONParser: Sendable {
    public var limits: JSONParseLimits

    public init(limits: JSONParseLimits = .default) {
        self.limits = limits
    }

    /// Parses a complete document.
    public func parse(_ bytes: [UInt8]) throws(StrictJSONError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { (buffer) throws(StrictJSONError) -> JSONValue in try parse(buffer) }
    }

    /// Parses a complete document from bytes the caller keeps alive for the call (nothing returned refers to them).
    public func parse(_ buffer: UnsafeBufferPointer<UInt8>) throws(StrictJSONError) -> JSONValue {
        if buffer.count > limits.maxBytes { throw StrictJSONError(.tooLarge(limit: limits.maxBytes), at: limits.maxBytes) }
        var reader = JSONReader(buffer: buffer, maxDepth: limits.maxDepth)
        return try reader.document()
    }

    /// Parses a complete document from text.
    public func parse(_ text: String) throws(StrictJSONError) -> JSONValue {
        try parse(Array(text.utf8))
    }
}

/// The cursor over the bytes; internal so no pointer escapes the module.
struct JSONReader {
    let buffer: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    var pos = 0
    /// The members of the objects and the items of the arrays being parsed (stacks shared by all levels).
    var keys: [String] = []
    var values: [JSONValue] = []

    init(buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.buffer = buffer
        self.maxDepth = maxDepth
    }

    mutating func document() throws(StrictJSONError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue(depth: 0)
        skipWhitespace()
        if pos != buffer.count { throw StrictJSONError(.trailingData, at: pos) }
        return value
    }

    mutating func skipWhitespace() {
        while pos < buffer.count {
            switch buffer[pos] {
            case 0x20, 0x09, 0x0A, 0x0D: pos += 1
            default: return
            }
        }
    }

    func peek() throws(StrictJSONError) -> UInt8 {
        guard pos < buffer.count else { throw StrictJSONError(.unexpectedEnd, at: pos) }
        return buffer[pos]
    }

    mutating func parseValue(depth: Int) throws(StrictJSONError) -> JSONValue {
        let b = try peek()
        switch b {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw StrictJSONError(.unexpectedByte(b), at: pos)
        }
    }

    mutating func literal(_ word: StaticString) throws(StrictJSONError) {
        let count = word.utf8CodeUnitCount
        let start = word.utf8Start
        for i in 0..<count {
            let b = try peek()
            if b != start[i] { throw StrictJSONError(.unexpectedByte(b), at: pos) }
            pos += 1
        }
    }

    /// Objects with at most this many members are checked for duplicate keys by comparing with the earlier ones;
    /// a larger object continues in a dictionary.
    static let smallObject = 16

    mutating func parseObject(depth: Int) throws(StrictJSONError) -> JSONValue {
        if depth > maxDepth { throw StrictJSONError(.tooDeep(limit: maxDepth), at: pos) }
        pos += 1
        skipWhitespace()
        if try peek() == UInt8(ascii: "}") {
            pos += 1
            return .object([:])
        }
        // Members go on the `keys`/`values` stacks until the object ends, so that its dictionary is allocated once,
        // at its size; past `smallObject` members they go straight into `large`.
        if keys.capacity == 0 { keys.reserveCapacity(16) }
        if values.capacity == 0 { values.reserveCapacity(32) }
        let keyBase = keys.count
        let valueBase = values.count
        var large: [String: JSONValue]?
        while true {
            skipWhitespace()
            let keyOffset = pos
            let b = try peek()
            guard b == UInt8(ascii: "\"") else { throw StrictJSONError(.unexpectedByte(b), at: pos) }
            let key = try parseString()
            skipWhitespace()
            let colon = try peek()
            guard colon == UInt8(ascii: ":") else { throw StrictJSONError(.unexpectedByte(colon), at: pos) }
            pos += 1
            skipWhitespace()
            let value = try parseValue(depth: depth)
            if large != nil {
                if large!.updateValue(value, forKey: key) != nil {
                    throw StrictJSONError(.duplicateKey(key), at: keyOffset)
                }
            } else {
                // String equality, as the dictionary's: canonically equivalent keys are duplicates.
                for i in keyBase..<keys.count where keys[i] == key {
                    throw StrictJSONError(.duplicateKey(key), at: keyOffset)
                }
                if keys.count - keyBase == Self.smallObject {
                    var fields = popMembers(keyBase, valueBase, capacity: Self.smallObject + 1)
                    fields[key] = value
                    large = fields
                } else {
                    keys.append(key)
                    values.append(value)
                }
            }
            skipWhitespace()
            let next = try peek()
            pos += 1
            if next == UInt8(ascii: ",") { continue }
            if next == UInt8(ascii: "}") {
                if let fields = large { return .object(fields) }
                return .object(popMembers(keyBase, valueBase, capacity: keys.count - keyBase))
            }
            throw StrictJSONError(.unexpectedByte(next), at: pos - 1)
        }
    }

    /// The members above `keyBase`/`valueBase` (distinct keys) as a dictionary, taken off the stacks.
    mutating func popMembers(_ keyBase: Int, _ valueBase: Int, capacity: Int) -> [String: JSONValue] {
        var fields = [String: JSONValue](minimumCapacity: capacity)
        for i in 0..<(keys.count - keyBase) {
            fields[keys[keyBase + i]] = values[valueBase + i]
        }
        keys.removeLast(keys.count - keyBase)
        values.removeLast(values.count - valueBase)
        return fields
    }

    mutating func parseArray(depth: Int) throws(StrictJSONError) -> JSONValue {
        if depth > maxDepth { throw StrictJSONError(.tooDeep(limit: maxDepth), at: pos) }
        pos += 1
        skipWhitespace()
        if try peek() == UInt8(ascii: "]") {
            pos += 1
            return .array([])
        }
        // Items go on the `values` stack until the array ends, so that it is allocated once, at its size.
        if values.capacity == 0 { values.reserveCapacity(32) }
        let base = values.count
        while true {
            skipWhitespace()
            let item = try parseValue(depth: depth)
            values.append(item)
            skipWhitespace()
            let next = try peek()
            pos += 1
            if next == UInt8(ascii: ",") { continue }
            if next == UInt8(ascii: "]") {
                let items = Array(values[base...])
                values.removeLast(values.count - base)
                return .array(items)
            }
            throw StrictJSONError(.unexpectedByte(next), at: pos - 1)
        }
    }

    mutating func parseNumber() throws(StrictJSONError) -> Double {
        let start = pos
        if buffer[pos] == UInt8(ascii: "-") { pos += 1 }
        // int = zero / ( digit1-9 *DIGIT )
        let first = try peek()
        if first == UInt8(ascii: "0") {
            pos += 1
        } else if first >= UInt8(ascii: "1") && first <= UInt8(ascii: "9") {
            while pos < buffer.count, isDigit(buffer[pos]) { pos += 1 }
        } else {
            throw StrictJSONError(.invalidNumber, at: start)
        }
        var fraction = false
        if pos < buffer.count, buffer[pos] == UInt8(ascii: ".") {
            fraction = true
            pos += 1
            guard pos < buffer.count, isDigit(buffer[pos]) else { throw StrictJSONError(.invalidNumber, at: start) }
            while pos < buffer.count, isDigit(buffer[pos]) { pos += 1 }
        }
        if pos < buffer.count, buffer[pos] == UInt8(ascii: "e") || buffer[pos] == UInt8(ascii: "E") {
            fraction = true
            pos += 1
            if pos < buffer.count, buffer[pos] == UInt8(ascii: "+") || buffer[pos] == UInt8(ascii: "-") { pos += 1 }
            guard pos < buffer.count, isDigit(buffer[pos]) else { throw StrictJSONError(.invalidNumber, at: start) }
            while pos < buffer.count, isDigit(buffer[pos]) { pos += 1 }
        }
        // A digit straight after a leading zero ("01") is not JSON.
        if pos < buffer.count, isDigit(buffer[pos]) { throw StrictJSONError(.invalidNumber, at: start) }
        let negative = buffer[start] == UInt8(ascii: "-")
        let digitsStart = negative ? start + 1 : start
        if !fraction, pos - digitsStart <= 15 {
            // An integer of at most 15 digits is below 2^53, so exact in a Double: the value the decimal
            // conversion gives (including -0).
            var magnitude = 0
            for i in digitsStart..<pos { magnitude = magnitude * 10 + Int(buffer[i] &- UInt8(ascii: "0")) }
            return negative ? -Double(magnitude) : Double(magnitude)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<pos]), as: UTF8.self)
        guard let value = Double(text) else { throw StrictJSONError(.invalidNumber, at: start) }
        if !value.isFinite { throw StrictJSONError(.numberOutOfRange, at: start) }
        return value
    }

    func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    mutating func parseString() throws(StrictJSONError) -> String {
        pos += 1  // opening quote
        // Fast path: no escapes or control characters before the closing quote; Swift's UTF-8
        // validation is as strict as ours (no overlongs, surrogates or values past U+10FFFF).
        var end = pos
        var ascii = true
        while end < buffer.count {
            let b = buffer[end]
            if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b < 0x20 { break }
            if b >= 0x80 { ascii = false }
            end += 1
        }
        if end < buffer.count, buffer[end] == UInt8(ascii: "\"") {
            let bytes = UnsafeBufferPointer(rebasing: buffer[pos..<end])
            // ASCII needs no validation (and `String(validating:)` looks up generic metadata on every call).
            if ascii {
                pos = end + 1
                return String(decoding: bytes, as: UTF8.self)
            }
            if let s = String(validating: bytes, as: UTF8.self) {
                pos = end + 1
                return s
            }
        }
        var scalars = String.UnicodeScalarView()
        while true {
            guard pos < buffer.count else { throw StrictJSONError(.unexpectedEnd, at: pos) }
            let b = buffer[pos]
            switch b {
            case UInt8(ascii: "\""):
                pos += 1
                return String(scalars)
            case UInt8(ascii: "\\"):
                scalars.append(try parseEscape())
            case 0..<0x20:
                throw StrictJSONError(.controlCharacterInString, at: pos)
            case 0x20..<0x80:
                scalars.append(Unicode.Scalar(b))
                pos += 1
            default:
                scalars.append(try decodeUTF8())
            }
        }
    }

    /// Decodes one multi-byte UTF-8 sequence strictly (no overlongs, no surrogates, <= U+10FFFF).
    mutating func decodeUTF8() throws(StrictJSONError) -> Unicode.Scalar {
        let start = pos
        let b0 = buffer[pos]
        var need: Int
        var value: UInt32
        var minimum: UInt32
        switch b0 {
        case 0xC2...0xDF: need = 1; value = UInt32(b0 & 0x1F); minimum = 0x80
        case 0xE0...0xEF: need = 2; value = UInt32(b0 & 0x0F); minimum = 0x800
        case 0xF0...0xF4: need = 3; value = UInt32(b0 & 0x07); minimum = 0x10000
        default: throw StrictJSONError(.invalidUTF8, at: start)
        }
        pos += 1
        while need > 0 {
            guard pos < buffer.count else { throw StrictJSONError(.invalidUTF8, at: start) }
            let b = buffer[pos]
            guard b & 0xC0 == 0x80 else { throw StrictJSONError(.invalidUTF8, at: start) }
            value = (value << 6) | UInt32(b & 0x3F)
            pos += 1
            need -= 1
        }
        guard value >= minimum, let scalar = Unicode.Scalar(value) else {
            throw StrictJSONError(.invalidUTF8, at: start)
        }
        return scalar
    }

    mutating func parseEscape() throws(StrictJSONError) -> Unicode.Scalar {
        let start = pos
        pos += 1
        guard pos < buffer.count else { throw StrictJSONError(.unexpectedEnd, at: pos) }
        let b = buffer[pos]
        pos += 1
        switch b {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let high = try hex4(start: start)
            if high >= 0xD800 && high <= 0xDBFF {
                guard pos + 1 < buffer.count, buffer[pos] == UInt8(ascii: "\\"), buffer[pos + 1] == UInt8(ascii: "u") else {
                    throw StrictJSONError(.invalidEscape, at: start)
                }
                pos += 2
                let low = try hex4(start: start)
                guard low >= 0xDC00 && low <= 0xDFFF else { throw StrictJSONError(.invalidEscape, at: start) }
                let combined = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                guard let scalar = Unicode.Scalar(combined) else { throw StrictJSONError(.invalidEscape, at: start) }
                return scalar
            }
            guard let scalar = Unicode.Scalar(high) else { throw StrictJSONError(.invalidEscape, at: start) }
            return scalar
        default:
            throw StrictJSONError(.invalidEscape, at: start)
        }
    }

    mutating func hex4(start: Int) throws(StrictJSONError) -> UInt32 {
        guard pos + 4 <= buffer.count else { throw StrictJSONError(.invalidEscape, at: start) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let b = buffer[pos]
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: throw StrictJSONError(.invalidEscape, at: start)
            }
            value = value << 4 | UInt32(digit)
            pos += 1
        }
        return value
    }
}
