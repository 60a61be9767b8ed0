import PortcullisModel
import Testing

@testable import JSONSchema

/// A stand-in for the regex engine: `^lit` (prefix), `lit$` (suffix) or a substring search.
struct FakeMatcher: PatternMatcher {
    let source: String
    func matches(_ string: String) -> Bool {
        if source.hasPrefix("^") { return string.hasPrefix(source.dropFirst()) }
        if source.hasSuffix("$") { return string.hasSuffix(source.dropLast()) }
        return string.contains(source)
    }
}

func schema(_ json: String) throws -> JSONSchema {
    let value = try JSONParser().parse(json)
    return try JSONSchema(value, compilePattern: { FakeMatcher(source: $0) })
}

func errors(_ s: JSONSchema, _ doc: String) throws -> [String] {
    s.validate(try JSONParser().parse(doc)).map(\.description)
}

@Suite struct JSONSchemaKeywordTests {
    /// Each keyword: a passing document, a failing one, and the exact violation reported.
    @Test(arguments: [
        (#"{"type":"string"}"#, #""a""#, "1", "(root): must be of type string"),
        (#"{"type":["integer","null"]}"#, "3", "3.5", "(root): must be of type null or integer"),
        (#"{"properties":{"qty":{"type":"number"}}}"#, #"{"qty":1}"#, #"{"qty":"1"}"#, "/qty: must be of type number"),
        (#"{"required":["id"]}"#, #"{"id":1}"#, #"{"x":1}"#, #"(root): missing required property "id""#),
        (#"{"properties":{"a":{}},"additionalProperties":false}"#, #"{"a":1}"#, #"{"a":1,"b":2}"#, "/b: is not an allowed property"),
        (#"{"additionalProperties":{"type":"boolean"}}"#, #"{"a":true}"#, #"{"a":1}"#, "/a: must be of type boolean"),
        (#"{"items":{"properties":{"qty":{"minimum":1}}}}"#, #"[{"qty":1}]"#, #"[{"qty":1},{"qty":0}]"#, "/1/qty: must be >= 1"),
        (#"{"minItems":1}"#, "[1]", "[]", "(root): must have at least 1 items"),
        (#"{"maxItems":1}"#, "[1]", "[1,2]", "(root): must have at most 1 items"),
        (#"{"enum":["a","b",1]}"#, "1.0", #""c""#, #"(root): must be one of ["a", "b", 1]"#),
        (#"{"const":{"k":[1]}}"#, #"{"k":[1]}"#, #"{"k":[2]}"#, #"(root): must equal {"k":[1]}"#),
        (#"{"maximum":10}"#, "10", "10.5", "(root): must be <= 10"),
        (#"{"exclusiveMinimum":0}"#, "0.1", "0", "(root): must be > 0"),
        (#"{"exclusiveMaximum":5}"#, "4", "5", "(root): must be < 5"),
        (#"{"minLength":2}"#, #""żó""#, #""ż""#, "(root): must be at least 2 characters long"),
        (#"{"maxLength":2}"#, #""🐢🐢""#, #""abc""#, "(root): must be at most 2 characters long"),
        (#"{"pattern":"^SKU-"}"#, #""SKU-1""#, #""X-1""#, #"(root): must match pattern "^SKU-""#),
        (#"{"allOf":[{"type":"number"},{"minimum":3}]}"#, "4", "2", "(root): must be >= 3"),
        (#"{"anyOf":[{"type":"string"},{"minimum":3}]}"#, #""x""#, "2", "(root): must match at least one schema in anyOf"),
        (#"{"oneOf":[{"type":"number"},{"minimum":3}]}"#, "2", "4", "(root): must match exactly one schema in oneOf (matched 2)"),
        (#"{"not":{"type":"null"}}"#, "1", "null", "(root): must not match the schema in not"),
        (#"{"format":"date-time"}"#, #""2024-02-29T23:59:60.5+01:00""#, #""2023-02-29T10:00:00Z""#, "(root): must be a valid date-time"),
        (#"{"format":"email"}"#, #""jane.doe+x@shop.example.com""#, #""jane..doe@x.com""#, "(root): must be a valid email"),
        (#"{"format":"uuid"}"#, #""123e4567-e89b-12d3-a456-426614174000""#, #""123e4567e89b12d3a456426614174000""#, "(root): must be a valid uuid"),
        (##"{"$defs":{"pos":{"minimum":1}},"properties":{"n":{"$ref":"#/$defs/pos"}}}"##, ##"{"n":1}"##, ##"{"n":0}"##, "/n: must be >= 1"),
        (#"{"properties":{"x":false}}"#, "{}", #"{"x":null}"#, "/x: is not allowed here"),
    ])
    func keyword(_ schemaText: String, _ good: String, _ bad: String, _ expected: String) throws {
        let s = try schema(schemaText)
        #expect(try errors(s, good) == [])
        #expect(try errors(s, bad) == [expected])
        #expect(s.isValid(try JSONParser().parse(good)))
        #expect(!s.isValid(try JSONParser().parse(bad)))
    }

    @Test func orderSchemaReportsEveryViolationWithPointers() throws {
        let s = try schema(#"""
        {
          "type": "object",
          "required": ["customer", "items"],
          "additionalProperties": false,
          "properties": {
            "customer": {"type": "string", "format": "email"},
            "items": {
              "type": "array", "minItems": 1,
              "items": {
                "type": "object", "required": ["sku", "qty"],
                "properties": {"sku": {"type": "string"}, "qty": {"type": "integer", "minimum": 1}}
              }
            }
          }
        }
        """#)
        #expect(try errors(s, #"{"customer":"a@b.example","items":[{"sku":"x","qty":2}]}"#) == [])
        #expect(try errors(s, #"{"customer":"nope","items":[{"sku":"x","qty":0},{"qty":1.5}],"extra":1}"#) == [
            "/customer: must be a valid email",
            "/extra: is not an allowed property",
            "/items/0/qty: must be >= 1",
            #"/items/1: missing required property "sku""#,
            "/items/1/qty: must be of type integer",
        ])
    }

    @Test func pointerEscapesSlashAndTilde() throws {
        let s = try schema(#"{"properties":{"a/b~c":{"type":"string"}}}"#)
        #expect(try errors(s, #"{"a/b~c":1}"#) == ["/a~1b~0c: must be of type string"])
    }

    @Test func recursiveRefTerminates() throws {
        let s = try schema(##"{"$defs":{"node":{"type":"object","properties":{"next":{"$ref":"#/$defs/node"}}}},"$ref":"#/$defs/node"}"##)
        #expect(try errors(s, #"{"next":{"next":{}}}"#) == [])
        #expect(try errors(s, #"{"next":{"next":1}}"#) == ["/next/next: must be of type object"])
        // A reference cycle that consumes no input is refused at compile time.
        #expect {
            _ = try schema(##"{"$defs":{"a":{"$ref":"#/$defs/b"},"b":{"anyOf":[{"$ref":"#/$defs/a"}]}},"$ref":"#/$defs/a"}"##)
        } throws: { error in
            (error as? SchemaCompileError)?.message == "reference cycle that never descends into the document"
        }
        #expect(throws: SchemaCompileError.self) { _ = try schema(##"{"not":{"$ref":"#"}}"##) }
    }

    @Test func branchingRecursionIsBoundedByAWorkBudget() throws {
        // Each level tries both anyOf branches on failure: 2^depth work without a budget.
        let s = try schema(##"{"$defs":{"n":{"type":"array","items":{"anyOf":[{"$ref":"#/$defs/n"},{"$ref":"#/$defs/n"}]}}},"$ref":"#/$defs/n"}"##)
        var doc: JSONValue = .number(1)
        for _ in 0..<40 { doc = .array([doc]) }
        let result = s.validate(doc)
        #expect(result.first?.description == "(root): validation exceeded its work budget")
        #expect(!s.isValid(doc))
        // Inside `not`, an exhausted probe still fails the document (fail closed).
        let n = try schema(##"{"$defs":{"n":{"type":"array","items":{"anyOf":[{"$ref":"#/$defs/n"},{"$ref":"#/$defs/n"}]}}},"not":{"$ref":"#/$defs/n"}}"##)
        #expect(!n.isValid(doc))
        #expect(s.isValid(.array([.array([])])))
    }

    @Test func largeLegitimateDocumentsStayWithinTheBudget() throws {
        let s = try schema(#"{"items":{"type":"object","required":["a"],"properties":{"a":{"anyOf":[{"type":"string"},{"minimum":0}]},"b":{},"c":{}}}}"#)
        let item: JSONValue = .object(["a": .number(1), "b": .null, "c": .string("x")])
        let doc: JSONValue = .array(Array(repeating: item, count: 30_000))
        #expect(s.validate(doc) == [])
    }

    @Test func maxViolationsBoundsOutput() throws {
        let s = try schema(#"{"items":{"type":"string"}}"#)
        #expect(s.validate(.array(Array(repeating: .number(1), count: 50)), maxViolations: 3).count == 3)
    }

    @Test func dateTimeEdgeCases() {
        for good in ["2024-01-01T00:00:00Z", "2024-01-01t00:00:00z", "1999-12-31T23:59:59.123456-08:00"] {
            #expect(SchemaFormats.isDateTime(Array(good.utf8)), "\(good)")
        }
        for bad in ["2024-01-01", "2024-13-01T00:00:00Z", "2024-04-31T00:00:00Z", "2024-01-01T24:00:00Z",
                    "2024-01-01T00:00:00", "2024-01-01T00:00:00.Z", "2024-01-01T00:00:00+0100", "2024-01-01 00:00:00Z"] {
            #expect(!SchemaFormats.isDateTime(Array(bad.utf8)), "\(bad)")
        }
    }
}

@Suite struct JSONSchemaCompileTests {
    @Test(arguments: [
        (#"{"type":"strin"}"#, #"schema /type: unknown type "strin"; use null, boolean, integer, number, string, array or object"#),
        (#"{"properties":{"a":{"minimum":"1"}}}"#, "schema /properties/a/minimum: must be a number"),
        (#"{"required":"a"}"#, "schema /required: must be an array of strings"),
        (#"{"format":"int32"}"#, #"schema /format: unsupported format "int32"; supported: date-time, email, uuid"#),
        (#"{"patternProperties":{}}"#, #"schema /patternProperties: unsupported keyword "patternProperties""#),
        (##"{"$ref":"#/$defs/missing"}"##, ##"schema /$ref: $ref "#/$defs/missing" does not resolve"##),
        (##"{"$ref":"https://example.com/s.json"}"##, ##"schema /$ref: unsupported $ref "https://example.com/s.json"; only "#" and "#/$defs/<name>" are supported"##),
        (#"{"items":[{}]}"#, "schema /items: items must be a schema (draft 2020-12); tuple validation uses prefixItems, which is not supported"),
        (#"{"minLength":-1}"#, "schema /minLength: must be a non-negative integer"),
        ("[]", "schema (root): a schema must be an object or a boolean"),
        (#"{"anyOf":[]}"#, "schema /anyOf: must be a non-empty array of schemas"),
    ])
    func compileErrorsAreClear(_ text: String, _ message: String) throws {
        #expect {
            _ = try schema(text)
        } throws: { error in
            (error as? SchemaCompileError)?.description == message
        }
    }

    @Test func annotationsAreAccepted() throws {
        let s = try schema(#"{"$schema":"https://json-schema.org/draft/2020-12/schema","title":"T","description":"d","default":1,"type":"number"}"#)
        #expect(s.isValid(.number(1)))
    }

    @Test func patternUsesTheLinearRegexEngine() throws {
        let s = try JSONSchema(json: #"{"pattern":"^SKU-[0-9]{3}$"}"#)
        #expect(s.validate(.string("SKU-123")) == [])
        #expect(s.validate(.string("SKU-12")).map(\.description) == [#"(root): must match pattern "^SKU-[0-9]{3}$""#])
        // Unanchored search, as JSON Schema specifies.
        #expect(try JSONSchema(json: #"{"pattern":"b+"}"#).isValid(.string("abbbc")))
        // A pathological backtracking pattern still runs in linear time.
        let evil = try JSONSchema(json: #"{"pattern":"^(a+)+$"}"#)
        #expect(!evil.isValid(.string(String(repeating: "a", count: 5000) + "!")))
    }

    @Test func invalidPatternIsACompileError() {
        #expect {
            _ = try JSONSchema(json: #"{"properties":{"sku":{"pattern":"(unclosed"}}}"#)
        } throws: { error in
            (error as? SchemaCompileError)?.description.hasPrefix(#"schema /properties/sku/pattern: invalid pattern "(unclosed": "#) == true
        }
    }

    @Test func compiledSchemaIsSendable() async throws {
        let s = try schema(#"{"type":"integer"}"#)
        let results = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<8 { group.addTask { s.isValid(.number(Double(i))) } }
            var all: [Bool] = []
            for await r in group { all.append(r) }
            return all
        }
        #expect(results == Array(repeating: true, count: 8))
    }
}
