import Testing
@testable import CEL

@Suite struct EvaluatorTests {
    func typicalEnvironment() -> (CELEnvironment, [Int: CELValue]) {
        var env = CELEnvironment()
        let method = env.declare("request.method", .string)
        let path = env.declare("request.path", .string)
        let claims = env.declare("jwt.claims", .map(.string, .dyn))
        return (env, [method: .string("POST"), path: .string("/orders/7"), claims: .map(CELMap(["role": .string("ops")]))])
    }

    @Test func typicalConditionWithQualifiedSlots() throws {
        let (env, values) = typicalEnvironment()
        let p = try CELProgram(#"request.method == "POST" && request.path.startsWith("/orders") && jwt.claims.role in ["admin", "ops"]"#, environment: env)
        #expect(p.evaluate(CELDictionaryActivation(values)) == .bool(true))
        #expect(p.resultType == .bool)
        #expect(p.referencedSlots == [0, 1, 2])
        var other = values
        other[2] = .map(CELMap(["role": .string("guest")]))
        #expect(p.evaluate(CELDictionaryActivation(other)) == .bool(false))
    }

    @Test func unboundVariableIsAnErrorValue() throws {
        let (env, _) = typicalEnvironment()
        let p = try CELProgram(#"request.method == "GET""#, environment: env)
        #expect(p.evaluate(CELEmptyActivation()).errorMessage?.contains("no such attribute") == true)
        // Absorbed by a short-circuiting operator.
        let q = try CELProgram(#"request.method == "GET" || true"#, environment: env)
        #expect(q.evaluate(CELEmptyActivation()) == .bool(true))
    }

    @Test func hasOnMapsAndSlots() throws {
        let (env, values) = typicalEnvironment()
        let a = CELDictionaryActivation(values)
        #expect(try CELProgram("has(jwt.claims.role)", environment: env).evaluate(a) == .bool(true))
        #expect(try CELProgram("has(jwt.claims.sub)", environment: env).evaluate(a) == .bool(false))
        #expect(try CELProgram("has(jwt.claims)", environment: env).evaluate(a) == .bool(true))
        #expect(try CELProgram("has(jwt.claims)", environment: env).evaluate(CELEmptyActivation()) == .bool(false))
    }

    @Test func logicAbsorbsErrorsCommutatively() throws {
        #expect(try evaluate("1/0 == 1 && false") == .bool(false))
        #expect(try evaluate("false && 1/0 == 1") == .bool(false))
        #expect(try evaluate("1/0 == 1 || true") == .bool(true))
        #expect(try evaluate("true || 1/0 == 1") == .bool(true))
        #expect(try evaluate("1/0 == 1 && true").errorMessage == "divide by zero")
        #expect(try evaluate("dyn(x) || false", ["x": .int(1)]).isError)
        #expect(!diagnostics("x || false", declare: ["x": .int]).isEmpty)
    }

    @Test func integerOverflowIsAnError() throws {
        #expect(try evaluate("x + 1", ["x": .int(Int64.max)]).errorMessage == "integer overflow")
        #expect(try evaluate("x * -1", ["x": .int(Int64.min)]).errorMessage == "integer overflow")
        #expect(try evaluate("x % -1", ["x": .int(Int64.min)]).errorMessage == "integer overflow")
        #expect(try evaluate("x - 1u", ["x": .uint(0)]).errorMessage == "integer overflow")
    }

    @Test func heterogeneousNumbers() throws {
        #expect(try evaluate("dyn(1) == 1.0 && dyn(1u) == 1 && dyn(2) > 1.5 && dyn(1u) < 2") == .bool(true))
        #expect(try evaluate("{1: 'a'}[dyn(1u)]") == .string("a"))
        #expect(try evaluate("dyn(2.0) in [1, 2]") == .bool(true))
    }

    @Test func costBudgetStopsRunawayComprehensions() throws {
        var limits = CELLimits()
        limits.maxCost = 10_000
        let r = try evaluate("l.map(a, l.map(b, l.map(c, a + b + c))).size() > 0",
                             ["l": .list((0..<100).map { .int(Int64($0)) })], limits: limits)
        #expect(r.errorMessage?.contains("cost") == true)
        // The same expression on a small list is fine.
        #expect(try evaluate("l.map(a, l.map(b, a + b)).size()", ["l": .list([.int(1), .int(2)])], limits: limits) == .int(2))
    }

    @Test func costBudgetChargesBigStrings() throws {
        var limits = CELLimits()
        limits.maxCost = 1_000
        let big = String(repeating: "x", count: 100_000)
        #expect(try evaluate("s + s", ["s": .string(big)], limits: limits).errorMessage?.contains("cost") == true)
    }

    @Test func evaluationDepthIsLimited() throws {
        var limits = CELLimits()
        limits.maxEvalDepth = 5
        let chain = Array(repeating: "x", count: 10).joined(separator: " + ")
        #expect(try evaluate(chain, ["x": .int(1)], limits: limits).errorMessage?.contains("nesting") == true)
        #expect(try evaluate("x + x", ["x": .int(1)], limits: limits) == .int(2))
    }

    @Test func macros() throws {
        #expect(try evaluate("[1, 2, 3].map(x, x % 2 == 1, x * 10)") == .list([.int(10), .int(30)]))
        #expect(try evaluate("[1, 2, 3].filter(x, x > 1).all(y, y >= 2)") == .bool(true))
        #expect(try evaluate("{'a': 1, 'b': 2}.exists_one(k, k == 'b')") == .bool(true))
        #expect(try evaluate("l.exists(x, l.exists(y, x + y == 5))", ["l": .list([.int(1), .int(4)])]) == .bool(true))
        #expect(!diagnostics("[1].all(1, true)").isEmpty)
    }

    @Test func stringExtensions() throws {
        #expect(try evaluate("'Hello'.lowerAscii() + 'é'.upperAscii()") == .string("helloé"))
        #expect(try evaluate("'a,b,,c'.split(',')") == .list(["a", "b", "", "c"].map { .string($0) }))
        #expect(try evaluate("'a,b,c'.split(',', 2)") == .list(["a", "b,c"].map { .string($0) }))
        #expect(try evaluate("['a', 'b'].join('-')") == .string("a-b"))
        #expect(try evaluate("'aaa'.replace('a', 'b', 2)") == .string("bba"))
        #expect(try evaluate("'  x \\t'.trim()") == .string("x"))
        #expect(try evaluate("'héllo'.indexOf('l')") == .int(2))
        #expect(try evaluate("'héllo'.lastIndexOf('l')") == .int(3))
        #expect(try evaluate("'héllo'.substring(1, 3)") == .string("él"))
        #expect(try evaluate("'héllo'.charAt(1)") == .string("é"))
        #expect(try evaluate("'abc'.substring(2, 1)").isError)
        #expect(try evaluate("'%s is %d, %.2f'.format(['x', 42, 3.14159])") == .string("x is 42, 3.14"))
        #expect(try evaluate("'/a/b/c'.split('/')[2]") == .string("b"))
    }

    @Test func conversionsAndTypes() throws {
        #expect(try evaluate("type(1) == int && type('a') == string && type([]) == list") == .bool(true))
        #expect(try evaluate("int('12') + int(2.9)") == .int(14))
        #expect(try evaluate("string(b'\\xff')").isError)
        #expect(try evaluate("uint(-1)").errorMessage?.contains("range") == true)
        #expect(try evaluate("string(1.5)") == .string("1.5"))
    }

    @Test func stringsCompareWithoutNormalisation() throws {
        #expect(try evaluate("'\\u00e9' == 'e\\u0301'") == .bool(false))
        #expect(try evaluate("{'\\u00e9': 1}[s]", ["s": .string("e\u{301}")]).isError)
    }

    @Test func mapLiteralRejectsDuplicateKeys() throws {
        #expect(try evaluate("{'a': 1, 'a': 2}").isError)
        #expect(try evaluate("{x: 1, 'a': 2}", ["x": .string("a")]).isError)
    }

    @Test func literalSyntax() {
        #expect(CELValue.list([.int(1), .uint(2), .double(1), .string("s\n"), .bytes([0, 0x41]), .null]).literal
                == #"[1, 2u, 1.0, "s\n", b"\x00A", null]"#)
        #expect(CELValue.map(CELMap([(.string("a"), .bool(true))])).literal == #"{"a": true}"#)
    }

    @Test func jsonInput() throws {
        let v = try CELValue.fromJSON(#"{"a": [1, 2.5, "x", true, null], "b": {"c": -3}}"#)
        guard case .map(let m) = v else { Issue.record("not a map"); return }
        #expect(m[.string("a")] == .list([.int(1), .double(2.5), .string("x"), .bool(true), .null]))
        #expect(m[.string("b")] == .map(CELMap(["c": .int(-3)])))
        #expect(throws: CELValue.JSONError.self) { try CELValue.fromJSON("{") }
    }
}

@Suite struct ErrorLocationTests {
    @Test func evaluationErrorsCarryTheirPosition() throws {
        var env = CELEnvironment()
        let x = env.declare("x", .int)
        let p = try CELProgram("x + 1 > 0 && x / 0 == 1", environment: env)
        guard case .error(let e) = p.evaluate(CELDictionaryActivation([x: .int(1)])) else {
            Issue.record("expected an error"); return
        }
        #expect(e.message == "divide by zero")
        #expect(p.describe(e) == "1:16: divide by zero\n  x + 1 > 0 && x / 0 == 1\n                 ^")
        // A folded constant error keeps its position too.
        let q = try CELProgram("[1, 2][5]", environment: env)
        guard case .error(let f) = q.evaluate(CELEmptyActivation()) else { Issue.record("expected an error"); return }
        #expect(f.offset == 7)
        // Unbound variables point at the name.
        guard case .error(let g) = p.evaluate(CELEmptyActivation()) else { Issue.record("expected an error"); return }
        #expect(g.offset == 0)
    }
}
