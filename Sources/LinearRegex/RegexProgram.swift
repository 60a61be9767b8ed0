/// One instruction of the compiled Thompson NFA.
enum RegexInstruction: Sendable, Equatable {
    case scalar(UInt32)
    case set(Int)              // index into `RegexProgram.sets`
    case anyScalar
    case anyNotNewline
    case split(Int32, Int32)
    case jump(Int32)
    case assertion(RegexAssertion)
    case match
}

/// A compiled pattern: instructions starting at 0, immutable.
struct RegexProgram: Sendable {
    static let maxInstructions = 20_000

    var instructions: [RegexInstruction] = []
    var sets: [ScalarRanges] = []

    var count: Int { instructions.count }

    /// Does the consuming instruction at `pc` accept `c`?
    @inline(__always)
    func accepts(_ pc: Int, _ c: UInt32) -> Bool {
        switch instructions[pc] {
        case .scalar(let v): return v == c
        case .set(let i): return sets[i].contains(c)
        case .anyScalar: return true
        case .anyNotNewline: return c != 0x0A
        default: return false
        }
    }

    func isConsuming(_ pc: Int) -> Bool {
        switch instructions[pc] {
        case .scalar, .set, .anyScalar, .anyNotNewline: return true
        default: return false
        }
    }
}

/// Turns a `RegexNode` into a `RegexProgram`.
struct RegexCompiler {
    var program = RegexProgram()

    static func compile(_ node: RegexNode) throws(LinearRegexError) -> RegexProgram {
        let size = node.programSize(limit: RegexProgram.maxInstructions)
        if size >= RegexProgram.maxInstructions {
            throw LinearRegexError(
                message: "expression too large: compiles to more than \(RegexProgram.maxInstructions) instructions",
                offset: 0
            )
        }
        var compiler = RegexCompiler()
        compiler.program.instructions.reserveCapacity(size + 1)
        compiler.emit(node)
        compiler.append(.match)
        return compiler.program
    }

    var here: Int32 { Int32(program.instructions.count) }

    @discardableResult
    mutating func append(_ inst: RegexInstruction) -> Int {
        program.instructions.append(inst)
        return program.instructions.count - 1
    }

    mutating func emit(_ node: RegexNode) {
        switch node {
        case .empty:
            break
        case .scalar(let v):
            append(.scalar(v))
        case .set(let set):
            if set.ranges.count == 1, set.ranges[0].lowerBound == set.ranges[0].upperBound {
                append(.scalar(set.ranges[0].lowerBound))
            } else if set.ranges == [0...ScalarRanges.maxScalar] {
                append(.anyScalar)
            } else {
                program.sets.append(set)
                append(.set(program.sets.count - 1))
            }
        case .anyScalar:
            append(.anyScalar)
        case .anyNotNewline:
            append(.anyNotNewline)
        case .assertion(let a):
            append(.assertion(a))
        case .concat(let nodes):
            for n in nodes { emit(n) }
        case .alternate(let nodes):
            var jumps: [Int] = []
            for (i, n) in nodes.enumerated() {
                if i == nodes.count - 1 {
                    emit(n)
                } else {
                    let split = append(.jump(0))
                    emit(n)
                    jumps.append(append(.jump(0)))
                    program.instructions[split] = .split(Int32(split + 1), here)
                }
            }
            for j in jumps { program.instructions[j] = .jump(here) }
        case .repetition(let body, let min, let max):
            emitRepetition(body, min: min, max: max)
        }
    }

    mutating func emitStar(_ body: RegexNode) {
        let loop = append(.jump(0))
        emit(body)
        append(.jump(Int32(loop)))
        program.instructions[loop] = .split(Int32(loop + 1), here)
    }

    mutating func emitRepetition(_ body: RegexNode, min: Int, max: Int?) {
        guard let max else {
            if min == 0 {
                emitStar(body)
            } else {
                for _ in 0..<(min - 1) { emit(body) }
                let top = here
                emit(body)
                append(.split(top, here + 1))
            }
            return
        }
        for _ in 0..<min { emit(body) }
        guard max > min else { return }
        var splits: [Int] = []
        for _ in min..<max {
            splits.append(append(.jump(0)))
            emit(body)
        }
        for s in splits { program.instructions[s] = .split(Int32(s + 1), here) }
    }
}
