import PortcullisModel
import Testing

@testable import JSONSchema

/// `JSONWriter` as it was before it wrote bytes (commit b84861b): scalar by scalar into a `String`.
enum ReferenceWriter {
    static func string(_ value: JSONValue) -> String {
        var out = ""
        write(value, into: &out)
        return out
    }

    static func write(_ value: JSONValue, into out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let d): out += JSONWriter.formatNumber(d)
        case .string(let s): writeString(s, into: &out)
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                write(item, into: &out)
            }
            out += "]"
        case .object(let fields):
            out += "{"
            for (i, key) in fields.keys.sorted().enumerated() {
                if i > 0 { out += "," }
                writeString(key, into: &out)
                out += ":"
                if let v = fields[key] { write(v, into: &out) }
            }
            out += "}"
        }
    }

    static func writeString(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}

@Suite struct JSONWriterTests {
    @Test func agreesWithTheReference() {
        var generator = DocumentGenerator(seed: 11)
        var written = 0
        for _ in 0..<2000 {
            guard let value = try? Reference.parse(Array(generator.value(depth: 0).utf8)) else { continue }
            #expect(Array(JSONWriter.string(value).utf8) == Array(ReferenceWriter.string(value).utf8))
            written += 1
        }
        #expect(written > 500)
    }

    /// Every control character, the characters JSON escapes, and non-ASCII text (2-, 3- and 4-byte UTF-8,
    /// a decomposed accent) in keys and values.
    @Test func escapesAsTheReferenceDoes() throws {
        var text = ""
        for v in 0..<0x20 { text.unicodeScalars.append(Unicode.Scalar(UInt8(v))) }
        text += "\"\\/ \u{7F}é€😀e\u{301}"
        let value = JSONValue.object([text: .array([.string(text), .string(""), .number(-0.5), .null, .bool(false)])])
        let written = JSONWriter.string(value)
        #expect(Array(written.utf8) == Array(ReferenceWriter.string(value).utf8))
        #expect(written.hasPrefix(#"{"\u0000\u0001"#))
        #expect(try JSONParser().parse(written) == value)
        #expect(JSONWriter.bytes(value) == Array(written.utf8))
    }
}
