import Testing
@testable import CEL

@Suite struct ExtensionTests {
    @Test func celBindNamesAValue() throws {
        #expect(try evaluate("cel.bind(x, 'ab', x + x + x)") == .string("ababab"))
        #expect(try evaluate("cel.bind(x, 0, x == 0)", ["x": .int(1)]) == .bool(true))
        #expect(try evaluate("cel.bind(a, 1, cel.bind(b, a + 1, a + b))") == .int(3))
    }

    @Test func twoVariableComprehensions() throws {
        #expect(try evaluate("[10, 20].all(i, v, v == (i + 1) * 10)") == .bool(true))
        #expect(try evaluate("{'a': 1, 'b': 2}.exists(k, v, k == 'b' && v == 2)") == .bool(true))
        #expect(try evaluate("[1, 2, 3].transformList(i, v, i > 0, v * 10)") == .list([.int(20), .int(30)]))
        #expect(try evaluate("{'a': 1}.transformMap(k, v, v + 1)") == .map(CELMap(["a": .int(2)])))
        #expect(try evaluate("[5].transformMap(i, v, v * 2)") == .map(CELMap([(.int(0), .int(10))])))
    }

    @Test func quotedFieldNamesAndReservedSelectors() throws {
        let headers: CELValue = .map(CELMap(["content-type": .string("text/plain"), "if": .bool(true)]))
        #expect(try evaluate("h.`content-type`", ["h": headers]) == .string("text/plain"))
        #expect(try evaluate("has(h.`x-missing`)", ["h": headers]) == .bool(false))
        #expect(try evaluate("h.if", ["h": headers]) == .bool(true))
    }

    @Test func stringsQuote() throws {
        #expect(try evaluate(#"strings.quote("a\"b\n")"#) == .string(#""a\"b\n""#))
    }

    @Test func formatMapsAndBools() throws {
        #expect(try evaluate("'%s'.format([{'b': 1, 'a': true}])") == .string("{a: true, b: 1}"))
        #expect(try evaluate("'%b'.format([true])") == .string("1"))
    }

    /// Random token soup never crashes any phase: it compiles to a program or fails with diagnostics.
    @Test func randomInputNeverCrashes() {
        let pieces = ["1", "x", "'s'", "b'\\xff'", "(", ")", "[", "]", "{", "}", ":", ",", ".", "+", "-", "*", "/", "%",
                      "==", "<", "&&", "||", "!", "?", "in", "has", "size", "all", "map", "cel.bind", "`f`", "1u",
                      "2.5", "null", "true", "e", "matches", "'('", "timestamp", "\"", "\\", "é", "\n"]
        var rng = SplitMix(seed: 42)
        var compiled = 0
        for _ in 0..<3000 {
            var s = ""
            for _ in 0..<Int(rng.next() % 12 + 1) { s += pieces[Int(rng.next() % UInt64(pieces.count))] + (rng.next() % 3 == 0 ? " " : "") }
            var env = CELEnvironment()
            env.declare("x", .dyn)
            env.declare("e", .dyn)
            if let p = try? CELProgram(s, environment: env, checkTypes: false) {
                compiled += 1
                _ = p.evaluate(CELDictionaryActivation([0: .list([.int(1), .string("a")]), 1: .map(CELMap(["f": .int(1)]))]))
            }
        }
        #expect(compiled > 0)
    }
}

/// A small deterministic generator for reproducible random tests.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct MathExtensionTests {
    @Test func greatestAndLeastKeepTheWinnersType() throws {
        #expect(try evaluate("math.greatest(1, 2.5, 3u)") == .uint(3))
        #expect(try evaluate("math.least([4, -1.5, 2])") == .double(-1.5))
        #expect(try evaluate("math.greatest([])").isError)
        #expect(!diagnostics("math.greatest('a', 1)").isEmpty)
    }

    @Test func roundingSignsAndBits() throws {
        #expect(try evaluate("math.round(-1.5) == -2.0 && math.ceil(1.2) == 2.0 && math.trunc(-1.7) == -1.0") == .bool(true))
        #expect(try evaluate("math.abs(x)", ["x": .int(Int64.min)]).errorMessage == "integer overflow")
        #expect(try evaluate("math.sign(-3) == -1 && math.isNaN(0.0 / 0.0) && !math.isFinite(1.0 / 0.0)") == .bool(true))
        #expect(try evaluate("math.bitShiftRight(-1, 60)") == .int(15))
        #expect(try evaluate("math.bitShiftLeft(1, 64)") == .int(0))
        #expect(try evaluate("math.bitShiftLeft(1, -1)").isError)
        #expect(try evaluate("math.bitAnd(6, 3) + math.bitOr(4, 1) + math.bitXor(5, 1)") == .int(11))
    }

    @Test func celBlockBindsIndexedSubexpressions() throws {
        #expect(try evaluate("cel.block([1, cel.index(0) + 1], cel.index(1) * 10)") == .int(20))
        #expect(try evaluate("[1, 2].map(cel.iterVar(0, 0), cel.iterVar(0, 0) * 2)") == .list([.int(2), .int(4)]))
    }
}

@Suite struct StringSearchTests {
    @Test func searchesAreLinearAndCorrect() throws {
        // A periodic text and needle would make a naive search quadratic; these complete promptly.
        let hay = String(repeating: "a", count: 200_000)
        let needle = String(repeating: "a", count: 5_000) + "b"
        let vars: [String: CELValue] = ["h": .string(hay), "n": .string(needle)]
        #expect(try evaluate("h.contains(n)", vars) == .bool(false))
        #expect(try evaluate("h.indexOf(n)", vars) == .int(-1))
        #expect(try evaluate("h.lastIndexOf(n)", vars) == .int(-1))
        #expect(try evaluate("size(h.split(n))", vars) == .int(1))
        #expect(try evaluate("h.replace(n, 'x') == h", vars) == .bool(true))
        #expect(try evaluate("'abcabc'.lastIndexOf('bc')") == .int(4))
        #expect(try evaluate("'abcabc'.lastIndexOf('bc', 3)") == .int(1))
        #expect(try evaluate("'abcabc'.indexOf('bc', 2)") == .int(4))
        #expect(try evaluate("'a-b-c'.replace('-', '+', 1)") == .string("a+b-c"))
        #expect(try evaluate("'a--b'.split('-')") == .list(["a", "", "b"].map { .string($0) }))
    }
}

@Suite struct OptionalValueTests {
    @Test func optionalSelectionAndDefaults() throws {
        let claims: CELValue = .map(CELMap(["sub": .string("alice")]))
        #expect(try evaluate("c.?role.orValue('guest')", ["c": claims]) == .string("guest"))
        #expect(try evaluate("c.?sub.orValue('guest')", ["c": claims]) == .string("alice"))
        #expect(try evaluate("c[?'sub'].hasValue() && !c[?'x'].hasValue()", ["c": claims]) == .bool(true))
        #expect(try evaluate("optional.none().value()").isError)
        #expect(try evaluate("optional.of(2).optMap(x, x * 10).value()") == .int(20))
        #expect(try evaluate("[1, ?optional.none(), ?optional.of(3)]") == .list([.int(1), .int(3)]))
        #expect(try evaluate("{?'a': optional.none(), 'b': 1}") == .map(CELMap(["b": .int(1)])))
        #expect(try evaluate("optional.ofNonZeroValue('') == optional.none()") == .bool(true))
        #expect(try evaluate("optional.of(1)").literal == "optional.of(1)")
    }
}
