import PortcullisModel
import Testing

@testable import JSONSchema

/// SplitMix64: a seeded generator, so that every run checks the same documents.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random JSON texts: mostly well-formed, some with duplicate keys or broken syntax; keys and strings drawn from
/// values the formats and schemas below care about (and Unicode that only looks like them).
struct DocumentGenerator {
    var rng: SeededGenerator

    static let keys = [
        "customer", "currency", "items", "sku", "qty", "note", "order_id", "deliver_after", "a", "b", "x", "a/b", "m~n",
        "é", "e\u{301}", "k\u{2126}", "", "zz", "Customer", "items2", "0", "10", "9",
    ]
    static let strings = [
        "jane@shop.example", "jane.doe+x@shop.example.com", "jane..doe@x.com", "@x.com", "a@", "a@b@c", "a@-b.com",
        "a@b-.com", "a@b..com", "a@b.c\u{301}", "a\u{301}@b.com", "x@\u{301}b.com", "\(String(repeating: "l", count: 64))@x.y",
        "\(String(repeating: "l", count: 65))@x.y", "a@\(String(repeating: "d", count: 63)).com", "a@\(String(repeating: "d", count: 64)).com",
        "EUR", "USD", "JPY", "eur", "SKU-1", "SKU-22", "sku-1", "SKU-123456789", "X SKU-1", "SKU-1\n",
        "2024-02-29T23:59:60.5+01:00", "2023-02-29T10:00:00Z", "2024-01-01t00:00:00z", "2024-13-01T00:00:00Z",
        "123e4567-e89b-12d3-a456-426614174000", "123e4567e89b12d3a456426614174000", "123E4567-E89B-12D3-A456-42661417400G",
        "", "ż", "żó", "🐢🐢", "abc", "a\"b", "tab\there", "\u{0}", "\r\n",
    ]
    static let numbers = [
        "0", "-0", "1", "2", "-1", "1000", "1001", "0.5", "1.0", "1.5", "-2.5e3", "1e2", "1E+2", "1e-2", "999999999999999",
        "-999999999999999", "1000000000000000", "9007199254740993", "12345678901234567890", "1e400", "-1e400", "01", "1.",
        "-", "+1", ".5", "1e", "0e0", "-0.0",
    ]

    init(seed: UInt64) { rng = SeededGenerator(state: seed) }

    mutating func pick<T>(_ values: [T]) -> T { values[Int(rng.next() % UInt64(values.count))] }
    mutating func chance(_ percent: UInt64) -> Bool { rng.next() % 100 < percent }

    mutating func space() -> String { chance(15) ? pick([" ", "\n", "\t ", "\r\n"]) : "" }

    mutating func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += chance(50) ? "\\n" : "\\u000a"
            case "\r": out += "\\r"
            case "\t": out += chance(10) ? "\t" : "\\t"  // a raw tab is refused
            case "\u{0}": out += "\\u0000"
            default:
                if scalar.value > 0x7F, chance(20) {
                    // Escape it (as a surrogate pair when needed).
                    for unit in String(scalar).utf16 { out += "\\u" + String(unit, radix: 16) }
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    mutating func value(depth: Int) -> String {
        let r = rng.next() % 100
        if depth > 4 || r < 30 { return scalar() }
        if r < 60 {
            let count = chance(10) ? 17 + Int(rng.next() % 8) : Int(rng.next() % 5)
            var members: [String] = []
            var used = Set<String>()
            for _ in 0..<count {
                var key = pick(Self.keys)
                if count > 4 { key += String(rng.next() % 40) }
                if used.contains(key), !chance(5) { continue }
                used.insert(key)
                members.append(space() + quoted(key) + space() + ":" + space() + value(depth: depth + 1) + space())
            }
            return "{" + members.joined(separator: ",") + (chance(2) ? "," : "") + "}"
        }
        let count = chance(10) ? 20 : Int(rng.next() % 4)
        var items: [String] = []
        for _ in 0..<count { items.append(space() + value(depth: depth + 1) + space()) }
        return "[" + items.joined(separator: ",") + (chance(2) ? "," : "") + "]"
    }

    mutating func scalar() -> String {
        switch rng.next() % 10 {
        case 0: return pick(["true", "false", "null", "nul", "tru"])
        case 1, 2, 3: return pick(Self.numbers)
        default: return quoted(pick(Self.strings))
        }
    }

    /// An order-shaped document, often valid, with random damage.
    mutating func order() -> String {
        var members = [
            #""customer":\#(quoted(chance(80) ? "jane@shop.example" : pick(Self.strings)))"#,
            #""currency":\#(chance(80) ? "\"EUR\"" : scalar())"#,
        ]
        var items: [String] = []
        for _ in 0..<(chance(90) ? 1 + Int(rng.next() % 3) : 0) {
            var item = [
                #""sku":\#(quoted(chance(80) ? "SKU-\(rng.next() % 100)" : pick(Self.strings)))"#,
                #""qty":\#(chance(80) ? String(1 + rng.next() % 5) : pick(Self.numbers))"#,
            ]
            if chance(10) { item.append(#""gift":true"#) }
            if chance(10) { item.removeFirst() }
            items.append("{" + item.joined(separator: ",") + "}")
        }
        members.append(#""items":[\#(items.joined(separator: ","))]"#)
        if chance(10) { members.append(#""order_id":\#(quoted(pick(Self.strings)))"#) }
        if chance(10) { members.append(#""deliver_after":\#(quoted(pick(Self.strings)))"#) }
        if chance(10) { members.append(#""note":\#(value(depth: 2))"#) }
        if chance(10) { members.append(#""coupon":"X""#) }
        if chance(10) { members.remove(at: Int(rng.next() % UInt64(members.count))) }
        return "{" + members.shuffled(using: &rng).joined(separator: ",") + "}"
    }
}

/// Deep equality that also tells -0 from 0 and compares keys by their scalars.
func identical(_ a: JSONValue, _ b: JSONValue) -> Bool {
    switch (a, b) {
    case (.null, .null): return true
    case (.bool(let x), .bool(let y)): return x == y
    case (.number(let x), .number(let y)): return x.bitPattern == y.bitPattern
    case (.string(let x), .string(let y)): return Array(x.unicodeScalars) == Array(y.unicodeScalars)
    case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy { identical($0, $1) }
    case (.object(let x), .object(let y)):
        guard x.count == y.count else { return false }
        for (key, value) in x {
            guard let index = y.index(forKey: key), Array(y[index].key.unicodeScalars) == Array(key.unicodeScalars),
                identical(value, y[index].value)
            else { return false }
        }
        return true
    default: return false
    }
}

let orderSchemaText = #"""
    {
      "type": "object",
      "required": ["customer", "currency", "items"],
      "additionalProperties": false,
      "properties": {
        "order_id": {"type": "string", "format": "uuid"},
        "customer": {"type": "string", "format": "email", "maxLength": 254},
        "currency": {"enum": ["EUR", "USD", "GBP"]},
        "deliver_after": {"type": "string", "format": "date-time"},
        "note": {"type": "string", "maxLength": 500},
        "items": {
          "type": "array", "minItems": 1, "maxItems": 100,
          "items": {
            "type": "object", "required": ["sku", "qty"], "additionalProperties": false,
            "properties": {
              "sku": {"type": "string", "pattern": "^SKU-[0-9]{1,8}$"},
              "qty": {"type": "integer", "minimum": 1, "maximum": 1000}
            }
          }
        }
      }
    }
    """#

/// Schemas exercising every keyword, with the real regex engine.
let differentialSchemas: [String] = [
    orderSchemaText,
    #"{"type":"object","properties":{"a":{"type":"string","minLength":1,"maxLength":3},"b":{"format":"email"}},"required":["a","b","é"]}"#,
    #"{"additionalProperties":{"type":["integer","string"],"minimum":2,"maxLength":2},"properties":{"x":false,"a/b":{"const":1},"m~n":{"enum":[1,"EUR",null]}}}"#,
    #"{"items":{"anyOf":[{"type":"string","format":"date-time"},{"type":"number","exclusiveMinimum":0}]},"maxItems":3}"#,
    ##"{"oneOf":[{"type":"object"},{"type":"array","items":{"$ref":"#"}},{"not":{"type":"null"}}]}"##,
    ##"{"$defs":{"node":{"type":["object","array","string","number","null"],"properties":{"items":{"items":{"$ref":"#/$defs/node"}}},"additionalProperties":{"$ref":"#/$defs/node"}}},"$ref":"#/$defs/node"}"##,
    #"{"allOf":[{"required":["customer"]},{"properties":{"customer":{"format":"uuid"}}}],"not":{"required":["coupon"]}}"#,
    ##"{"items":{"oneOf":[{"items":{"$ref":"#"}},{"items":{"$ref":"#"}}]}}"##,
    #"{"properties":{"qty":{"exclusiveMaximum":1000,"maximum":5,"minimum":-1}},"additionalProperties":{"pattern":"[0-9]","minLength":2}}"#,
]

@Suite struct DifferentialTests {
    /// The parser gives the old parser's value, or its error at the same offset.
    @Test func parserAgreesWithTheReference() throws {
        var generator = DocumentGenerator(seed: 42)
        var parsed = 0
        for round in 0..<4000 {
            let text = round % 2 == 0 ? generator.order() : generator.value(depth: 0)
            let bytes = Array(text.utf8)
            let limits = JSONParseLimits(maxBytes: 1 << 20, maxDepth: round % 3 == 0 ? 2 : 64)
            let new = Result { () throws(StrictJSONError) in try JSONParser(limits: limits).parse(bytes) }
            let old = Result { () throws(StrictJSONError) in try Reference.parse(bytes, limits: limits) }
            switch (new, old) {
            case (.success(let a), .success(let b)):
                #expect(identical(a, b), "\(text)")
                parsed += 1
            case (.failure(let a), .failure(let b)):
                #expect(a == b, "\(text)")
            default:
                Issue.record("parser disagrees on \(text): \(new) vs \(old)")
            }
        }
        #expect(parsed > 1000)
    }

    /// Validation reports the old validator's violations, in the same order, for every limit.
    @Test(arguments: differentialSchemas.indices)
    func validatorAgreesWithTheReference(_ index: Int) throws {
        let schema = try JSONSchema(json: differentialSchemas[index])
        var generator = DocumentGenerator(seed: UInt64(index) &+ 7)
        var invalid = 0
        for round in 0..<1500 {
            let text = round % 2 == 0 ? generator.order() : generator.value(depth: 0)
            guard let document = try? Reference.parse(Array(text.utf8)) else { continue }
            for limit in [1, 3, 10] {
                let new = schema.validate(document, maxViolations: limit)
                let old = Reference.validate(schema, document, maxViolations: limit)
                #expect(new == old, "\(text)")
                if limit == 10, !new.isEmpty { invalid += 1 }
            }
            #expect(schema.isValid(document) == Reference.validate(schema, document, maxViolations: 1).isEmpty)
        }
        #expect(invalid > 10)
    }

    /// The work budget runs out at the same point: schemas whose anyOf branches recurse, over deep documents
    /// (arrays, and objects, whose members the probes visit), also inside `not`.
    @Test func budgetAgreesWithTheReference() throws {
        let schemas = [
            ##"{"$defs":{"n":{"type":"array","items":{"anyOf":[{"$ref":"#/$defs/n"},{"$ref":"#/$defs/n"}]}}},"$ref":"#/$defs/n"}"##,
            ##"{"$defs":{"n":{"type":"array","items":{"anyOf":[{"$ref":"#/$defs/n"},{"$ref":"#/$defs/n"}]}}},"not":{"$ref":"#/$defs/n"}}"##,
            ##"{"$defs":{"n":{"type":"object","required":["a","b"],"additionalProperties":{"type":"string"},"properties":{"a":{"anyOf":[{"$ref":"#/$defs/n"},{"$ref":"#/$defs/n"}]}}}},"$ref":"#/$defs/n"}"##,
        ]
        var exhausted = 0
        for text in schemas {
            let schema = try JSONSchema(json: text)
            for depth in [2, 12, 15, 16, 17, 40] {
                for leaf in ["1", "[]", "{}", #"{"b":1,"c":2}"#] {
                    var array = leaf
                    var object = leaf
                    for level in 0..<depth {
                        array = "[" + array + "]"
                        object = #"{"c":"x","a":"# + object + (level % 2 == 0 ? #","b":1}"# : "}")
                    }
                    for document in [try JSONParser().parse(array), try JSONParser().parse(object)] {
                        for limit in [1, 10] {
                            let violations = schema.validate(document, maxViolations: limit)
                            #expect(violations == Reference.validate(schema, document, maxViolations: limit), "\(text) \(depth) \(leaf)")
                            if violations.contains(where: { $0.message == SchemaValidation.budgetMessage }) { exhausted += 1 }
                        }
                    }
                }
            }
        }
        #expect(exhausted > 10)
    }

    /// The formats, on byte-level edge cases.
    @Test func formatsAgreeWithTheReference() {
        var samples = DocumentGenerator.strings
        let alphabet: [String] = ["a", "Z", "0", "-", ".", "@", "+", "_", "\u{301}", "é", " ", "\r\n", "T", ":", "Z", "1", "2"]
        var rng = SeededGenerator(state: 3)
        for _ in 0..<20000 {
            var s = ""
            for _ in 0..<Int(rng.next() % 12) { s += alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            samples.append(s)
            samples.append("jane" + s + "@shop.example")
            samples.append("a@" + s)
        }
        for s in samples {
            for format in [SchemaFormat.dateTime, .email, .uuid] {
                #expect(SchemaFormats.check(format, s) == ReferenceFormats.check(format, s), "\(format) \(s.debugDescription)")
            }
        }
    }

    /// The content type selects the parser as `mediaType` did.
    @Test func mediaKindAgreesWithMediaType() {
        var samples = [
            "application/json", "Application/JSON; charset=utf-8", " application/json ", "\tapplication/json\t;x",
            "application/json\u{301}", "application/\u{301}x+json", "application/x+json", "application/+json", "application+json",
            "APPLICATION/VND.API+JSON", "application/x-www-form-urlencoded", "application/x-www-form-urlencoded;charset=x",
            "text/plain", "", ";", " ; application/json", "application/json \r\n", "\u{212A}", "application/jsoN\u{0}",
            "application/json;", "application/json ;", " \u{301}application/json", "applicatio n/json",
        ]
        let parts = ["application", "/", "json", "+", "JSON", ";", " ", "\t", "x-www-form-urlencoded", "\u{301}", "é", "\r\n", "A"]
        var rng = SeededGenerator(state: 5)
        for _ in 0..<20000 {
            var s = ""
            for _ in 0..<Int(rng.next() % 7) { s += parts[Int(rng.next() % UInt64(parts.count))] }
            samples.append(s)
        }
        for s in samples {
            #expect(MediaKind(s) == MediaKind.of(mediaType: RequestBody.mediaType(s)), "\(s.debugDescription)")
        }
    }
}
