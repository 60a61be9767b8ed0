import PortcullisModel
import Testing

@testable import JSONSchema

/// The tape is what bodies are validated on: its parser must give `JSONParser`'s value (or its error at the same
/// offset), and validating it must give the violations validating that value gives.
@Suite struct JSONTapeTests {
    func tapeResult(_ bytes: [UInt8], _ limits: JSONParseLimits = .default) -> Result<JSONValue, StrictJSONError> {
        Result { () throws(StrictJSONError) in try JSONParser(limits: limits).parseTape(bytes).jsonValue }
    }

    @Test func parserAgreesWithTheReference() throws {
        var generator = DocumentGenerator(seed: 99)
        var parsed = 0
        for round in 0..<4000 {
            let text = round % 2 == 0 ? generator.order() : generator.value(depth: 0)
            let bytes = Array(text.utf8)
            let limits = JSONParseLimits(maxBytes: 1 << 20, maxDepth: round % 3 == 0 ? 2 : 64)
            let old = Result { () throws(StrictJSONError) in try Reference.parse(bytes, limits: limits) }
            switch (tapeResult(bytes, limits), old) {
            case (.success(let a), .success(let b)):
                #expect(identical(a, b), "\(text)")
                parsed += 1
            case (.failure(let a), .failure(let b)):
                #expect(a == b, "\(text)")
            case (let new, _):
                Issue.record("tape parser disagrees on \(text): \(new) vs \(old)")
            }
        }
        #expect(parsed > 1000)
    }

    /// Duplicate keys, in small objects and in ones past `smallObject` members, including canonically equivalent
    /// spellings (precomposed and decomposed é), and every truncation of such documents.
    @Test func duplicatesAndTruncationsAgreeWithTheReference() {
        func object(_ count: Int, extra: String) -> String {
            "{" + (0..<count).map { #""k\#($0)":[\#($0),{"k0":1}]"# }.joined(separator: ",") + extra + "}"
        }
        var texts: [String] = []
        for count in [0, 1, 15, 16, 17, 30] {
            texts.append(object(count, extra: count == 0 ? "" : ","))
            texts.append(object(count, extra: (count == 0 ? "" : ",") + #""\#u{E9}":1,"e\#u{301}":2"#))
            texts.append(object(count, extra: (count == 0 ? "" : ",") + #""k0":true"#))
            texts.append(object(count, extra: (count == 0 ? "" : ",") + #""x":1,"x":[1"#))
        }
        for text in texts {
            let bytes = Array(text.utf8)
            for end in 0...bytes.count {
                let prefix = Array(bytes[0..<end])
                let old = Result { () throws(StrictJSONError) in try Reference.parse(prefix) }
                switch (tapeResult(prefix), old) {
                case (.success(let a), .success(let b)): #expect(identical(a, b), "\(text)")
                case (.failure(let a), .failure(let b)): #expect(a == b, "\(text) cut at \(end)")
                case (let new, _): Issue.record("tape parser disagrees on \(text) cut at \(end): \(new) vs \(old)")
                }
            }
        }
    }

    @Test func tapeOfAValueGivesItBack() throws {
        var generator = DocumentGenerator(seed: 5)
        for _ in 0..<500 {
            guard let value = try? Reference.parse(Array(generator.value(depth: 0).utf8)) else { continue }
            let tape = JSONTape(value)
            #expect(identical(tape.jsonValue, value))
            #expect(tape.count == JSONSchema.valueCount(value))
        }
    }

    /// A value deeper than anything the parser accepts still makes a tape (built without recursion) and is refused
    /// by the validator's depth limit, as before.
    @Test func deepValueIsRefusedNotCrashed() throws {
        var value = JSONValue.null
        for _ in 0..<300 { value = .array([value]) }
        let schema = try JSONSchema(json: ##"{"items":{"$ref":"#"}}"##)
        let violations = schema.validate(value)
        #expect(violations.map(\.message) == ["too deeply nested to validate"])
        #expect(violations == Reference.validate(schema, value))
    }

    @Test(arguments: differentialSchemas.indices)
    func validatingTheParsedTapeAgreesWithTheReference(_ index: Int) throws {
        let schema = try JSONSchema(json: differentialSchemas[index])
        var generator = DocumentGenerator(seed: UInt64(index) &+ 1000)
        var invalid = 0
        for round in 0..<800 {
            let text = round % 2 == 0 ? generator.order() : generator.value(depth: 0)
            let bytes = Array(text.utf8)
            guard let document = try? Reference.parse(bytes) else { continue }
            let tape = try JSONParser().parseTape(bytes)
            for limit in [1, 3, 10] {
                let new = schema.validate(tape, maxViolations: limit)
                #expect(new == Reference.validate(schema, document, maxViolations: limit), "\(text)")
                if limit == 10, !new.isEmpty { invalid += 1 }
            }
        }
        #expect(invalid > 10)
    }

    @Test func parsedBodyAgreesWithRequestBody() throws {
        let cases: [(String, String?, Bool)] = [
            (#"{"qty": 2, "tags": ["a", "b"]}"#, "application/json", false),
            (#"{"qty": 2,}"#, "application/json", false),
            ("a=1&b=2&a=3", "application/x-www-form-urlencoded", false),
            ("a=%ZZ", "application/x-www-form-urlencoded", false),
            ("{}", "application/json", true),
            ("{}", "text/plain", false),
            ("{}", nil, false),
        ]
        for (text, contentType, partial) in cases {
            let bytes = Array(text.utf8)
            let parsed = bytes.withUnsafeBufferPointer { ParsedBody.parse(body: $0, contentType: contentType, partial: partial) }
            let old = RequestBody.parse(body: bytes, contentType: contentType, partial: partial)
            #expect(parsed.map(\.requestBody) == old, "\(text)")
            if case .success(let body) = parsed, case .success(let expected) = old {
                #expect(body.jsonValue == expected.jsonValue)
                #expect(body.tape.jsonValue == expected.jsonValue)
            }
        }
    }
}
