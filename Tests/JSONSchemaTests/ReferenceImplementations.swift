import PortcullisModel

@testable import JSONSchema

// The parser, validator and format checks as they were before they were made faster (commit 7842942), kept as
// oracles: the differential tests hold the new code to exactly their results (values, errors and offsets,
// violations and their order).

struct ReferenceJSONReader {
    let buffer: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    var pos = 0

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

    mutating func parseObject(depth: Int) throws(StrictJSONError) -> JSONValue {
        if depth > maxDepth { throw StrictJSONError(.tooDeep(limit: maxDepth), at: pos) }
        pos += 1
        var fields: [String: JSONValue] = [:]
        skipWhitespace()
        if try peek() == UInt8(ascii: "}") {
            pos += 1
            return .object(fields)
        }
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
            if fields.updateValue(value, forKey: key) != nil {
                throw StrictJSONError(.duplicateKey(key), at: keyOffset)
            }
            skipWhitespace()
            let next = try peek()
            pos += 1
            if next == UInt8(ascii: ",") { continue }
            if next == UInt8(ascii: "}") { return .object(fields) }
            throw StrictJSONError(.unexpectedByte(next), at: pos - 1)
        }
    }

    mutating func parseArray(depth: Int) throws(StrictJSONError) -> JSONValue {
        if depth > maxDepth { throw StrictJSONError(.tooDeep(limit: maxDepth), at: pos) }
        pos += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if try peek() == UInt8(ascii: "]") {
            pos += 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            items.append(try parseValue(depth: depth))
            skipWhitespace()
            let next = try peek()
            pos += 1
            if next == UInt8(ascii: ",") { continue }
            if next == UInt8(ascii: "]") { return .array(items) }
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
        if pos < buffer.count, buffer[pos] == UInt8(ascii: ".") {
            pos += 1
            guard pos < buffer.count, isDigit(buffer[pos]) else { throw StrictJSONError(.invalidNumber, at: start) }
            while pos < buffer.count, isDigit(buffer[pos]) { pos += 1 }
        }
        if pos < buffer.count, buffer[pos] == UInt8(ascii: "e") || buffer[pos] == UInt8(ascii: "E") {
            pos += 1
            if pos < buffer.count, buffer[pos] == UInt8(ascii: "+") || buffer[pos] == UInt8(ascii: "-") { pos += 1 }
            guard pos < buffer.count, isDigit(buffer[pos]) else { throw StrictJSONError(.invalidNumber, at: start) }
            while pos < buffer.count, isDigit(buffer[pos]) { pos += 1 }
        }
        // A digit straight after a leading zero ("01") is not JSON.
        if pos < buffer.count, isDigit(buffer[pos]) { throw StrictJSONError(.invalidNumber, at: start) }
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
        while end < buffer.count {
            let b = buffer[end]
            if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b < 0x20 { break }
            end += 1
        }
        if end < buffer.count, buffer[end] == UInt8(ascii: "\""),
           let s = String(validating: UnsafeBufferPointer(rebasing: buffer[pos..<end]), as: UTF8.self) {
            pos = end + 1
            return s
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

final class ReferenceWorkBudget {
    var remaining: Int
    var exhausted = false
    init(_ steps: Int) { remaining = steps }
}

struct ReferenceValidation {
    let nodes: [SchemaNode]
    let limit: Int
    let budget: ReferenceWorkBudget
    /// False for the probes of anyOf/oneOf/not, which only need to know whether anything failed.
    let recording: Bool
    var violations: [SchemaViolation] = []

    init(nodes: [SchemaNode], limit: Int, budget: ReferenceWorkBudget, recording: Bool = true) {
        self.nodes = nodes
        self.limit = limit
        self.budget = budget
        self.recording = recording
    }

    static let budgetMessage = "validation exceeded its work budget"

    var full: Bool { violations.count >= limit }

    mutating func report(_ path: [String], _ message: String) {
        guard !full else { return }
        guard recording else {
            violations.append(SchemaViolation(pointer: "", message: message))
            return
        }
        let pointer = path.isEmpty ? "" : "/" + path.map(SchemaPointer.escape).joined(separator: "/")
        violations.append(SchemaViolation(pointer: pointer, message: message))
    }

    /// Whether `value` matches `node`, without recording anything (for anyOf/oneOf/not).
    func matches(_ value: JSONValue, node: Int, path: [String], depth: Int) -> Bool {
        var probe = ReferenceValidation(nodes: nodes, limit: 1, budget: budget, recording: false)
        var p = path
        probe.check(value, node: node, path: &p, depth: depth)
        return probe.violations.isEmpty
    }

    mutating func check(_ value: JSONValue, node index: Int, path: inout [String], depth: Int) {
        guard !full else { return }
        budget.remaining -= 1
        if budget.remaining < 0 {
            budget.exhausted = true
            report(path, ReferenceValidation.budgetMessage)
            return
        }
        if depth > JSONSchema.maxValidationDepth {
            report(path, "too deeply nested to validate")
            return
        }
        let node = nodes[index]
        if let constant = node.constant {
            if !constant { report(path, "is not allowed here") }
            return
        }
        if let ref = node.ref { check(value, node: ref, path: &path, depth: depth + 1) }
        if let types = node.types, !types.admits(value) {
            report(path, "must be of type \(types.description)")
            return
        }
        if let values = node.enumValues, !values.contains(where: { ReferenceValidation.equal($0, value) }) {
            let shown = values.prefix(8).map(JSONWriter.string).joined(separator: ", ")
            report(path, "must be one of [\(shown)\(values.count > 8 ? ", …" : "")]")
        }
        if let c = node.constValue, !ReferenceValidation.equal(c, value) {
            report(path, "must equal \(JSONWriter.string(c))")
        }
        switch value {
        case .number(let d): checkNumber(d, node, path)
        case .string(let s): checkString(s, node, path)
        case .array(let items): checkArray(items, node, &path, depth)
        case .object(let fields): checkObject(fields, node, &path, depth)
        default: break
        }
        for sub in node.allOf { check(value, node: sub, path: &path, depth: depth + 1) }
        if !node.anyOf.isEmpty, !node.anyOf.contains(where: { matches(value, node: $0, path: path, depth: depth + 1) }) {
            report(path, "must match at least one schema in anyOf")
        }
        if !node.oneOf.isEmpty {
            let matched = node.oneOf.filter { matches(value, node: $0, path: path, depth: depth + 1) }.count
            if matched != 1 { report(path, "must match exactly one schema in oneOf (matched \(matched))") }
        }
        if let not = node.not, matches(value, node: not, path: path, depth: depth + 1) {
            report(path, "must not match the schema in not")
        }
    }

    mutating func checkNumber(_ d: Double, _ node: SchemaNode, _ path: [String]) {
        if let m = node.minimum, !(d >= m) { report(path, "must be >= \(JSONWriter.formatNumber(m))") }
        if let m = node.maximum, !(d <= m) { report(path, "must be <= \(JSONWriter.formatNumber(m))") }
        if let m = node.exclusiveMinimum, !(d > m) { report(path, "must be > \(JSONWriter.formatNumber(m))") }
        if let m = node.exclusiveMaximum, !(d < m) { report(path, "must be < \(JSONWriter.formatNumber(m))") }
    }

    mutating func checkString(_ s: String, _ node: SchemaNode, _ path: [String]) {
        if node.minLength != nil || node.maxLength != nil {
            let length = s.unicodeScalars.count
            if let m = node.minLength, length < m { report(path, "must be at least \(m) characters long") }
            if let m = node.maxLength, length > m { report(path, "must be at most \(m) characters long") }
        }
        if let p = node.pattern, !p.matcher.matches(s) {
            report(path, "must match pattern \"\(p.source)\"")
        }
        if let f = node.format, !ReferenceFormats.check(f, s) {
            report(path, "must be a valid \(f.rawValue)")
        }
    }

    mutating func checkArray(_ items: [JSONValue], _ node: SchemaNode, _ path: inout [String], _ depth: Int) {
        if let m = node.minItems, items.count < m { report(path, "must have at least \(m) items") }
        if let m = node.maxItems, items.count > m { report(path, "must have at most \(m) items") }
        if let sub = node.items {
            for (i, item) in items.enumerated() {
                guard !full else { return }
                path.append(String(i))
                check(item, node: sub, path: &path, depth: depth + 1)
                path.removeLast()
            }
        }
    }

    mutating func checkObject(_ fields: [String: JSONValue], _ node: SchemaNode, _ path: inout [String], _ depth: Int) {
        for name in node.required where fields[name] == nil {
            report(path, "missing required property \"\(name)\"")
        }
        guard !node.properties.isEmpty || node.additionalProperties != nil else { return }
        for name in fields.keys.sorted() {
            guard !full, let v = fields[name] else { return }
            path.append(name)
            if let sub = node.properties[name] {
                check(v, node: sub, path: &path, depth: depth + 1)
            } else if let extra = node.additionalProperties {
                if nodes[extra].constant == false {
                    report(path, "is not an allowed property")
                } else {
                    check(v, node: extra, path: &path, depth: depth + 1)
                }
            }
            path.removeLast()
        }
    }

    /// JSON equality for enum/const: numbers by value (1 == 1.0), containers deeply.
    static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        a == b
    }
}

/// The `format` assertions: RFC 3339 date-time, a practical e-mail address, RFC 4122 UUID text.
enum ReferenceFormats {
    static func check(_ format: SchemaFormat, _ s: String) -> Bool {
        switch format {
        case .dateTime: return isDateTime(Array(s.utf8))
        case .email: return isEmail(s)
        case .uuid: return isUUID(Array(s.utf8))
        }
    }

    static func digits(_ b: [UInt8], _ from: Int, _ count: Int) -> Int? {
        guard from + count <= b.count else { return nil }
        var v = 0
        for i in from..<(from + count) {
            let c = b[i]
            guard c >= 0x30 && c <= 0x39 else { return nil }
            v = v * 10 + Int(c - 0x30)
        }
        return v
    }

    /// `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`, `T`/`Z` in either case, ranges checked (leap years,
    /// leap second 60 allowed as RFC 3339 does).
    static func isDateTime(_ b: [UInt8]) -> Bool {
        guard b.count >= 20,
              let year = digits(b, 0, 4), b[4] == UInt8(ascii: "-"),
              let month = digits(b, 5, 2), b[7] == UInt8(ascii: "-"),
              let day = digits(b, 8, 2),
              b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t"),
              let hour = digits(b, 11, 2), b[13] == UInt8(ascii: ":"),
              let minute = digits(b, 14, 2), b[16] == UInt8(ascii: ":"),
              let second = digits(b, 17, 2)
        else { return false }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
              hour <= 23, minute <= 59, second <= 60
        else { return false }
        var i = 19
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
            if i == start { return false }
        }
        guard i < b.count else { return false }
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") { return i + 1 == b.count }
        guard b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-"), i + 6 == b.count,
              let oh = digits(b, i + 1, 2), b[i + 3] == UInt8(ascii: ":"), let om = digits(b, i + 4, 2)
        else { return false }
        return oh <= 23 && om <= 59
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// `local@domain`: a dot-atom local part (at most 64 bytes) and a host name of LDH labels.
    static func isEmail(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, let local = parts.first, let domain = parts.last,
              !local.isEmpty, local.utf8.count <= 64, !domain.isEmpty, domain.utf8.count <= 253
        else { return false }
        for atom in local.split(separator: ".", omittingEmptySubsequences: false) {
            guard !atom.isEmpty, atom.utf8.allSatisfy({ atext.contains($0) }) else { return false }
        }
        return isHostName(domain)
    }

    static let atext = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~".utf8)

    static func isHostName(_ s: Substring) -> Bool {
        for label in s.split(separator: ".", omittingEmptySubsequences: false) {
            let bytes = Array(label.utf8)
            guard !bytes.isEmpty, bytes.count <= 63,
                  bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-"),
                  bytes.allSatisfy({ isAlnum($0) || $0 == UInt8(ascii: "-") })
            else { return false }
        }
        return true
    }

    static func isAlnum(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
    }

    static func isHex(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)
    }

    /// `8-4-4-4-12` hexadecimal digits.
    static func isUUID(_ b: [UInt8]) -> Bool {
        guard b.count == 36 else { return false }
        for (i, c) in b.enumerated() {
            if i == 8 || i == 13 || i == 18 || i == 23 {
                if c != UInt8(ascii: "-") { return false }
            } else if !isHex(c) {
                return false
            }
        }
        return true
    }
}

enum Reference {
    /// The old `JSONParser.parse`.
    static func parse(_ bytes: [UInt8], limits: JSONParseLimits = .default) throws(StrictJSONError) -> JSONValue {
        if bytes.count > limits.maxBytes { throw StrictJSONError(.tooLarge(limit: limits.maxBytes), at: limits.maxBytes) }
        return try bytes.withUnsafeBufferPointer { (buffer) throws(StrictJSONError) -> JSONValue in
            var reader = ReferenceJSONReader(buffer: buffer, maxDepth: limits.maxDepth)
            return try reader.document()
        }
    }

    /// The old `JSONSchema.validate`, over the same compiled nodes.
    static func validate(_ schema: JSONSchema, _ value: JSONValue, maxViolations: Int = 10) -> [SchemaViolation] {
        var run = ReferenceValidation(
            nodes: schema.nodes.map(\.node), limit: max(1, maxViolations),
            budget: ReferenceWorkBudget(JSONSchema.workBudget + JSONSchema.workPerValue * JSONSchema.valueCount(value)))
        var path: [String] = []
        run.check(value, node: 0, path: &path, depth: 0)
        if run.budget.exhausted, !run.violations.contains(where: { $0.message == ReferenceValidation.budgetMessage }) {
            run.violations.insert(SchemaViolation(pointer: "", message: ReferenceValidation.budgetMessage), at: 0)
        }
        return run.violations
    }
}
