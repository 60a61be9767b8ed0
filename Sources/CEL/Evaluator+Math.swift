/// The math extension (cel-go `ext.Math`): greatest/least, rounding, abs/sign, float classes and bit operations.
extension Evaluator {
    static func mathFunction(_ f: Function, _ args: [CELValue]) -> CELValue {
        switch f {
        case .mathGreatest, .mathLeast:
            var values = args
            if args.count == 1, case .list(let l) = args[0] { values = l }
            guard var best = values.first else { return .err("\(f.rawValue): no arguments") }
            for v in values {
                guard let o = numericCompare(v, best) else {
                    if case .double(let d) = v, d.isNaN { continue }
                    return .noOverload(f.rawValue)
                }
                if (f == .mathGreatest && o > 0) || (f == .mathLeast && o < 0) { best = v }
            }
            switch best {
            case .int, .uint, .double: return best
            default: return .noOverload(f.rawValue)
            }
        case .mathCeil, .mathFloor, .mathRound, .mathTrunc:
            guard case .double(let d) = args[0] else { return .noOverload(f.rawValue) }
            let rule: FloatingPointRoundingRule = switch f {
            case .mathCeil: .up
            case .mathFloor: .down
            case .mathRound: .toNearestOrAwayFromZero
            default: .towardZero
            }
            return .double(d.rounded(rule))
        case .mathAbs:
            switch args[0] {
            case .int(let i): return i == Int64.min ? overflow : .int(abs(i))
            case .uint: return args[0]
            case .double(let d): return .double(abs(d))
            default: return .noOverload(f.rawValue)
            }
        case .mathSign:
            switch args[0] {
            case .int(let i): return .int(i.signum())
            case .uint(let u): return .uint(u == 0 ? 0 : 1)
            case .double(let d): return .double(d.isNaN ? d : (d > 0 ? 1 : (d < 0 ? -1 : 0)))
            default: return .noOverload(f.rawValue)
            }
        case .mathIsInf, .mathIsNaN, .mathIsFinite:
            guard case .double(let d) = args[0] else { return .noOverload(f.rawValue) }
            return .bool(f == .mathIsInf ? d.isInfinite : (f == .mathIsNaN ? d.isNaN : d.isFinite))
        case .mathBitNot:
            switch args[0] {
            case .int(let i): return .int(~i)
            case .uint(let u): return .uint(~u)
            default: return .noOverload(f.rawValue)
            }
        case .mathBitAnd, .mathBitOr, .mathBitXor:
            switch (args[0], args[1]) {
            case (.int(let a), .int(let b)): return .int(f == .mathBitAnd ? a & b : (f == .mathBitOr ? a | b : a ^ b))
            case (.uint(let a), .uint(let b)): return .uint(f == .mathBitAnd ? a & b : (f == .mathBitOr ? a | b : a ^ b))
            default: return .noOverload(f.rawValue)
            }
        case .mathBitShiftLeft, .mathBitShiftRight:
            guard case .int(let n) = args[1] else { return .noOverload(f.rawValue) }
            guard n >= 0 else { return .err("\(f.rawValue): negative offset \(n)") }
            let left = f == .mathBitShiftLeft
            switch args[0] {
            case .int(let i):
                if n >= 64 { return .int(0) }
                return .int(left ? i << n : Int64(bitPattern: UInt64(bitPattern: i) >> UInt64(n)))
            case .uint(let u):
                if n >= 64 { return .uint(0) }
                return .uint(left ? u << UInt64(n) : u >> UInt64(n))
            default: return .noOverload(f.rawValue)
            }
        default:
            return .noOverload(f.rawValue)
        }
    }
}
