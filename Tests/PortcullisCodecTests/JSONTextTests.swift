import PortcullisModel
import Testing

@Suite struct JSONTextTests {
    @Test func parsesEveryKind() throws {
        let v = try JSONValue(parsing: #" {"a":[1,-2.5e1,true,false,null],"s":"x\"\\\/\n\u00e9\ud83d\ude00"} "#)
        #expect(v == .object(["a": .array([.number(1), .number(-25), .bool(true), .bool(false), .null]),
                              "s": .string("x\"\\/\né😀")]))
    }

    @Test func serializesDeterministically() throws {
        let v = JSONValue.object(["b": .number(2), "a": .array([.number(1.5), .string("q\"\u{01}")]), "c": .null])
        #expect(v.serialized() == #"{"a":[1.5,"q\"\u0001"],"b":2,"c":null}"#)
        #expect(try JSONValue(parsing: v.serialized()) == v)
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "tru", "\"\\x\"", "\"\u{01}\"", "\"\\ud800\"", "1 2",
                      "{a:1}", "[1]]"])
    func rejectsBadText(text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: text) }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: [0x22, 0xFF, 0x22]) }
    }

    @Test func boundsNesting() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: deep) }
        let ok = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect((try? JSONValue(parsing: ok)) != nil)
    }

    @Test func timestampsRoundTrip() {
        #expect(Timestamp(rfc3339: "1970-01-01T00:00:00Z") == Timestamp(seconds: 0))
        #expect(Timestamp(rfc3339: "2024-02-29T23:59:59.000000001+01:00") == Timestamp(seconds: 1_709_247_599, nanos: 1))
        #expect(Timestamp(rfc3339: "1969-12-31T23:59:59Z") == Timestamp(seconds: -1))
        #expect(Timestamp(rfc3339: "2023-02-29T00:00:00Z") == nil)
        #expect(Timestamp(rfc3339: "2024-01-01") == nil)
        #expect(Timestamp(seconds: 1_714_566_896, nanos: 500_000_000).rfc3339 == "2024-05-01T12:34:56.500Z")
        #expect(Timestamp(seconds: -1).rfc3339 == "1969-12-31T23:59:59Z")
        #expect(Timestamp(seconds: 0, nanos: 1000).rfc3339 == "1970-01-01T00:00:00.000001Z")
    }
}

@Suite struct JSONRobustnessTests {
    @Test func mutatedDocumentsNeverCrash() {
        let valid = Array(CheckRequestJSONTests.opaInput.utf8)
        var rng = SystemRandomNumberGenerator()
        var rejected = 0
        for _ in 0..<3000 {
            var b = valid
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let i = Int.random(in: 0..<b.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: b[i] = UInt8.random(in: 0...255, using: &rng)
                case 1: b.remove(at: i)
                default: b.insert(Array("{}[]\",:\\".utf8).randomElement(using: &rng)!, at: i)
                }
            }
            if (try? AuthzRequest(checkRequestJSON: b)) == nil { rejected += 1 }
        }
        #expect(rejected > 0)
        #expect((try? AuthzRequest(checkRequestJSON: valid)) != nil)
    }

    @Test func writesNoHTTPAndNanos() throws {
        let r = AuthzRequest(source: PeerInfo(principal: "p"), time: Timestamp(seconds: 5, nanos: 7))
        let text = r.checkRequestJSON()
        #expect(text == #"{"attributes":{"source":{"principal":"p"},"request":{"time":"1970-01-01T00:00:05.000000007Z"}}}"#)
        let back = try AuthzRequest(checkRequestJSON: text)
        #expect(back.http == nil)
        #expect(back.time == Timestamp(seconds: 5, nanos: 7))
    }
}
