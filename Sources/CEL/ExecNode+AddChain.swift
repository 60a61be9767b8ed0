/// `p0 + p1 + … + pk` (k ≥ 2), parsed as nested additions `((p0 + p1) + p2) + …`, evaluated in one node: strings are
/// appended to one growing buffer instead of allocating a new string at every `+` (deny bodies and header values are
/// such chains). Everything else — evaluation order, the first error winning, cost and depth accounting, the source
/// offset of each `+` in errors — is what the nested `Call2Node`s would do; other operand types fall back to
/// `Evaluator.add` step by step.
final class AddChainNode: ExecNode, @unchecked Sendable {
    let parts: [ExecNode]
    /// The source offset of each `+` but the last (whose offset is this node's own), innermost first.
    let innerOffsets: [Int]

    /// Extends `left` (an addition, or a chain of them) by `+ right`.
    static func extending(_ left: ExecNode, with right: ExecNode) -> AddChainNode? {
        if let chain = left as? AddChainNode {
            return AddChainNode(parts: chain.parts + [right], innerOffsets: chain.innerOffsets + [chain.offset])
        }
        if let call = left as? Call2Node, call.function == .add {
            return AddChainNode(parts: [call.arg0, call.arg1, right], innerOffsets: [call.offset])
        }
        return nil
    }

    private init(parts: [ExecNode], innerOffsets: [Int]) {
        self.parts = parts
        self.innerOffsets = innerOffsets
    }

    override func eval<A: CELActivation>(_ act: A, _ c: inout EvalContext) -> CELValue {
        let levels = parts.count - 1
        // The nested nodes enter all their levels (outermost first) before the innermost evaluates its left operand.
        for entered in 0..<levels {
            guard c.enter() else {
                for _ in 0..<entered { c.leave() }
                return c.failure
            }
        }
        var acc = parts[0].eval(act, &c)
        if acc.isError { return leaving(levels, acc, &c) }
        // While the running value is a string, its text is kept here and grown in place.
        var text: String?
        if case .string(let s) = acc { text = s }
        for level in 1...levels {
            let y = parts[level].eval(act, &c)
            if y.isError { return leaving(levels - level + 1, y, &c) }
            if var t = text, case .string(let s) = y {
                text = nil  // the buffer is uniquely held while appending
                c.cost &+= (t.utf8.count + s.utf8.count) >> 4
                if c.cost > c.maxCost { return leaving(levels - level + 1, locate(Evaluator.costExceeded, level: level), &c) }
                if t.utf8.count + s.utf8.count > 15 { t.reserveCapacity(max(64, 2 * (t.utf8.count + s.utf8.count))) }
                t.append(s)
                text = t
            } else {
                if let t = text { acc = .string(t) }
                acc = locate(Evaluator.add(acc, y, &c), level: level)
                if acc.isError { return leaving(levels - level + 1, acc, &c) }
                if case .string(let s) = acc { text = s } else { text = nil }
            }
            c.leave()
        }
        if let t = text { return .string(t) }
        return acc
    }

    /// The error of the `+` at `level` (1 = the innermost), located at that operator as its own node would do.
    private func locate(_ v: CELValue, level: Int) -> CELValue {
        let at = level <= innerOffsets.count ? innerOffsets[level - 1] : offset
        if case .error(let e) = v, e.offset == nil, at >= 0 { return .error(CELError(message: e.message, offset: at)) }
        return v
    }

    private func leaving(_ n: Int, _ v: CELValue, _ c: inout EvalContext) -> CELValue {
        for _ in 0..<n { c.leave() }
        return v
    }
}
