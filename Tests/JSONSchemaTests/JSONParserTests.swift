import PortcullisModel
import Testing

@testable import JSONSchema

@Suite struct JSONParserTests {
    let parser = JSONParser()

    @Test func parsesNestedDocument() throws {
        let v = try parser.parse(#" {"a": [1, -2.5e1, true, null, "x\u00e9\ud83d\ude00"], "b": {"c": {}}} "#)
        #expect(v == .object([
            "a": .array([.number(1), .number(-25), .bool(true), .null, .string("xé😀")]),
            "b": .object(["c": .object([:])]),
        ]))
    }

    @Test func acceptsRawUTF8() throws {
        #expect(try parser.parse("\"żółw 🐢\"") == .string("żółw 🐢"))
    }

    @Test(arguments: [
        ("{\"a\":1,\"a\":2}", "duplicate object key \"a\""),
        ("[1,2] x", "unexpected data after the JSON value"),
        ("[1,]", "unexpected character ']'"),
        ("01", "invalid number"),
        ("1.", "invalid number"),
        ("+1", "unexpected character '+'"),
        ("NaN", "unexpected character 'N'"),
        ("1e400", "number out of range"),
        ("\"a\u{01}b\"", "unescaped control character in string"),
        ("\"\\ud800\"", "invalid escape sequence in string"),
        ("\"\\x41\"", "invalid escape sequence in string"),
        ("{\"a\" 1}", "unexpected character '1'"),
        ("[1, 2", "unexpected end of input"),
        ("", "unexpected end of input"),
        ("{'a': 1}", "unexpected character '''"),
    ])
    func rejects(_ text: String, _ message: String) {
        #expect {
            _ = try parser.parse(text)
        } throws: { error in
            (error as? StrictJSONError)?.description.hasSuffix(message) == true
        }
    }

    @Test func rejectsInvalidUTF8() throws {
        for bytes: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0xC0, 0xAF, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xE2, 0x82, 0x22]] {
            #expect(throws: StrictJSONError.self) { _ = try parser.parse(bytes) }
            do {
                _ = try parser.parse(bytes)
            } catch {
                #expect(error.kind == .invalidUTF8)
            }
        }
    }

    @Test func enforcesSizeLimit() throws {
        let small = JSONParser(limits: JSONParseLimits(maxBytes: 10, maxDepth: 8))
        #expect(throws: StrictJSONError(.tooLarge(limit: 10), at: 10)) { _ = try small.parse("[1,2,3,4,5,6]") }
        #expect(try small.parse("[1,2,3]") == .array([.number(1), .number(2), .number(3)]))
    }

    @Test func enforcesDepthLimit() throws {
        let p = JSONParser(limits: JSONParseLimits(maxBytes: 1 << 20, maxDepth: 3))
        _ = try p.parse("[[[1]]]")
        do {
            _ = try p.parse("[[[[1]]]]")
            Issue.record("accepted depth 4")
        } catch {
            #expect(error.kind == .tooDeep(limit: 3))
        }
        // A very deep document is refused, not a stack overflow.
        let deep = String(repeating: "[", count: 100_000)
        #expect(throws: StrictJSONError.self) { _ = try JSONParser().parse(deep) }
    }

    @Test func errorReportsOffset() {
        do {
            _ = try parser.parse("{\"a\": tru}")
            Issue.record("accepted")
        } catch {
            #expect(error.offset == 9)
            #expect(error.description == "invalid JSON at byte 9: unexpected character '}'")
        }
    }

    @Test func writerRoundTrips() throws {
        let v: JSONValue = .object(["b": .array([.number(1), .number(2.5), .string("q\"\n")]), "a": .null])
        let text = JSONWriter.string(v)
        #expect(text == #"{"a":null,"b":[1,2.5,"q\"\n"]}"#)
        #expect(try parser.parse(text) == v)
    }
}
