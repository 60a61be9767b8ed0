/// `p0 + p1 + … + pk` (k ≥ 2), parsed as nested additions `((p0 + p1) + p2) + …`, evaluated in one node: strings are
/// joined once, at the end, instead of allocating a new string at every `+` (deny bodies and header values are
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
        let first = parts[0].eval(act, &c)
        if first.isError { return leaving(levels, first, &c) }
        // While the running value is a string, it is kept as its pieces (on the stack) and their total length:
        // the cost of each `+` depends only on the lengths, and the string is built once, at the end.
        return withUnsafeTemporaryAllocation(of: String.self, capacity: parts.count) { pieces in
            let base = pieces.baseAddress.unsafelyUnwrapped
            var n = 0
            var length = 0
            defer { base.deinitialize(count: n) }
            var acc = first
            if case .string(let s) = acc {
                base.initialize(to: s)
                n = 1
                length = s.utf8.count
            }
            for level in 1...levels {
                let y = parts[level].eval(act, &c)
                if y.isError { return leaving(levels - level + 1, y, &c) }
                if n > 0, case .string(let s) = y {
                    let count = s.utf8.count
                    c.cost &+= (length + count) >> 4
                    if c.cost > c.maxCost { return leaving(levels - level + 1, locate(Evaluator.costExceeded, level: level), &c) }
                    (base + n).initialize(to: s)
                    n += 1
                    length += count
                } else {
                    if n > 0 {
                        acc = .string(Self.join(base, n, length))
                        base.deinitialize(count: n)
                        n = 0
                    }
                    acc = locate(Evaluator.add(acc, y, &c), level: level)
                    if acc.isError { return leaving(levels - level + 1, acc, &c) }
                    if case .string(let s) = acc {
                        base.initialize(to: s)
                        n = 1
                        length = s.utf8.count
                    }
                }
                c.leave()
            }
            return n > 0 ? .string(Self.join(base, n, length)) : acc
        }
    }

    /// The `n` strings at `pieces`, `length` UTF-8 bytes in all, as one string (one allocation).
    private static func join(_ pieces: UnsafeMutablePointer<String>, _ n: Int, _ length: Int) -> String {
        if n == 1 { return pieces[0] }
        return String(unsafeUninitializedCapacity: length) { buffer in
            var at = 0
            for i in 0..<n {
                var piece = pieces[i]
                piece.withUTF8 { bytes in
                    _ = UnsafeMutableBufferPointer(rebasing: buffer[at..<(at + bytes.count)]).initialize(from: bytes)
                    at += bytes.count
                }
            }
            return at
        }
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
