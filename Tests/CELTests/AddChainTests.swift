import Testing
@testable import CEL

/// `AddChainNode` must give exactly what the nested `Call2Node`s it replaces give: value, error message and
/// offset, and the cost and depth it leaves behind, whatever the operands (strings, numbers, lists, errors, unbound
/// variables) and the limits.
@Suite struct AddChainTests {
    static let operands = [
        "'a'", "s", "long", "'é'", "1", "n", "[1]", "l", "(1/0)", "missing", "dyn(s)", "dyn(n)", "('x' + s)", "b'z'",
    ]

    @Test func chainsEvaluateAsTheNestedAdditionsWould() throws {
        var env = CELEnvironment()
        let slots = [
            env.declare("s", .string), env.declare("long", .string), env.declare("n", .int), env.declare("l", .list(.int)),
            env.declare("missing", .string),
        ]
        let values: [Int: CELValue] = [
            slots[0]: .string("svc"), slots[1]: .string(String(repeating: "0123456789", count: 40)), slots[2]: .int(7),
            slots[3]: .list([.int(2)]),
        ]
        let activation = CELDictionaryActivation(values)
        var g = SplitMix(seed: 7)
        var chains = 0
        for _ in 0..<3_000 {
            let count = 3 + Int(g.next() % 4)
            let source = (0..<count).map { _ in Self.operands[Int(g.next() % UInt64(Self.operands.count))] }.joined(separator: " + ")
            let program = try CELProgram(source, environment: env, checkTypes: false)
            guard let chain = program.core.root as? AddChainNode else { continue }
            chains += 1
            let nested = Self.nested(chain)
            for (maxCost, maxDepth) in [(1_000_000, 100), (3 + Int(g.next() % 40), 100), (1_000_000, 1 + Int(g.next() % 6))] {
                let limits = CELLimits(maxSourceLength: 10_000, maxParseDepth: 100, maxCost: maxCost, maxEvalDepth: maxDepth)
                var a = EvalContext(limits: limits)
                var b = EvalContext(limits: limits)
                let fused = chain.eval(activation, &a)
                let reference = nested.eval(activation, &b)
                #expect(Self.describe(fused) == Self.describe(reference), "\(source) with cost \(maxCost), depth \(maxDepth)")
                #expect(a.cost == b.cost && a.depth == b.depth, "\(source) with cost \(maxCost), depth \(maxDepth)")
            }
        }
        #expect(chains > 2_000)
    }

    @Test func stringChainIsOneString() throws {
        #expect(try evaluate("'denied by ' + p + '/' + r + ' (request ' + id + ')'", [
            "p": .string("storefront"), "r": .string("admin"), "id": .string("4f1c"),
        ]) == .string("denied by storefront/admin (request 4f1c)"))
    }

    /// The nested additions the chain stands for, with the same operands and source offsets.
    static func nested(_ chain: AddChainNode) -> ExecNode {
        var node: ExecNode = Call2Node(.add, chain.parts[0], chain.parts[1])
        node.offset = chain.innerOffsets[0]
        for i in 2..<chain.parts.count {
            let outer = Call2Node(.add, node, chain.parts[i])
            outer.offset = i - 1 < chain.innerOffsets.count ? chain.innerOffsets[i - 1] : chain.offset
            node = outer
        }
        return node
    }

    static func describe(_ v: CELValue) -> String {
        if case .error(let e) = v { return "error \(e.message) at \(e.offset.map(String.init) ?? "-")" }
        return "\(v)"
    }
}

