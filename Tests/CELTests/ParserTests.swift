import Testing
@testable import CEL

@Suite struct ParserTests {
    @Test func errorNamesLineAndColumnWithCaret() {
        let d = diagnostics("1 +\n  (2 * )")
        #expect(d.count == 1)
        let first = try! #require(d.first)
        #expect(first.line == 2)
        #expect(first.column == 8)
        #expect(first.description == "2:8: unexpected ')'\n    (2 * )\n         ^")
    }

    @Test func reportsSeveralErrorsAtOnce() {
        let d = diagnostics("a + b.size() + f(c)", declare: ["a": .int])
        let messages = d.map(\.message)
        #expect(messages.contains { $0.contains("'b'") })
        #expect(messages.contains { $0.contains("'f'") })
        #expect(messages.contains { $0.contains("'c'") })
        #expect(d.count == 3)
    }

    @Test func reportsSeveralSyntaxErrorsAtOnce() {
        let d = diagnostics("[1, 2 3] + {1: } + 'unterminated")
        #expect(d.count >= 2)
    }

    @Test func typeErrorPointsAtTheOperator() {
        let d = diagnostics(#""a" - 1"#)
        #expect(d.count == 1)
        #expect(d.first?.column == 5)
        #expect(d.first?.message.contains("no matching overload") == true)
    }

    @Test func columnsCountUnicodeScalars() {
        let d = diagnostics("'é' + x")
        #expect(d.first?.column == 7)
    }

    @Test func nestingDepthIsLimited() {
        let deep = String(repeating: "(", count: 500) + "1" + String(repeating: ")", count: 500)
        let d = diagnostics(deep)
        #expect(d.contains { $0.message.contains("nests more than") })
        // Very deep input fails cleanly instead of overflowing the stack.
        let huge = String(repeating: "[", count: 30_000)
        #expect(!diagnostics(huge).isEmpty)
    }

    @Test func longOperatorChainsAreLimited() {
        let chain = Array(repeating: "x", count: 400).joined(separator: " + ")
        let d = diagnostics(chain, declare: ["x": .int])
        #expect(d.contains { $0.message.contains("nests more than") })
        // A chain within the limit is fine.
        let short = Array(repeating: "x", count: 50).joined(separator: " + ")
        #expect(diagnostics(short, declare: ["x": .int]).isEmpty)
    }

    @Test func sourceLengthIsLimited() {
        var limits = CELLimits()
        limits.maxSourceLength = 100
        let d = diagnostics(String(repeating: "1 + ", count: 40) + "1", limits: limits)
        #expect(d.count == 1)
        #expect(d.first?.message.contains("limit is 100") == true)
    }

    @Test func reservedWordsAreRejected() {
        #expect(diagnostics("while").first?.message.contains("reserved") == true)
    }

    @Test func literals() throws {
        #expect(try evaluate("-9223372036854775808") == .int(Int64.min))
        #expect(!diagnostics("9223372036854775808").isEmpty)
        #expect(try evaluate("0xFFu") == .uint(255))
        #expect(try evaluate("1e3") == .double(1000))
        #expect(try evaluate(#"r'\d'"#) == .string("\\d"))
        #expect(try evaluate(#"b'\xff\000'"#) == .bytes([0xFF, 0]))
        #expect(try evaluate("'''a\nb'''") == .string("a\nb"))
        #expect(try evaluate("// comment\n1") == .int(1))
    }
}
