/// What surrounds a position in the input: used to decide zero-width assertions.
struct BoundaryFlags: OptionSet, Sendable {
    let rawValue: UInt8
    static let beginText = BoundaryFlags(rawValue: 1)
    static let beginLine = BoundaryFlags(rawValue: 2)
    static let endText = BoundaryFlags(rawValue: 4)
    static let endLine = BoundaryFlags(rawValue: 8)
    static let wordBoundary = BoundaryFlags(rawValue: 16)

    /// The kind of the scalar before a position, as far as assertions care.
    enum Previous: UInt8, Sendable {
        case begin = 0, newline, word, other
    }

    @inline(__always)
    static func isWord(_ c: UInt32) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || c == 0x5F || (c >= 0x61 && c <= 0x7A)
    }

    @inline(__always)
    static func kind(of c: UInt32) -> Previous {
        if c == 0x0A { return .newline }
        return isWord(c) ? .word : .other
    }

    /// Flags between `previous` and `next` (nil = end of input).
    static func between(_ previous: Previous, _ next: UInt32?) -> BoundaryFlags {
        var f: BoundaryFlags = []
        if previous == .begin { f.insert([.beginText, .beginLine]) }
        if previous == .newline { f.insert(.beginLine) }
        let wordBefore = previous == .word
        let wordAfter: Bool
        if let next {
            if next == 0x0A { f.insert(.endLine) }
            wordAfter = isWord(next)
        } else {
            f.insert([.endText, .endLine])
            wordAfter = false
        }
        if wordBefore != wordAfter { f.insert(.wordBoundary) }
        return f
    }

    func satisfies(_ a: RegexAssertion) -> Bool {
        switch a {
        case .beginText: return contains(.beginText)
        case .endText: return contains(.endText)
        case .beginLine: return contains(.beginLine)
        case .endLine: return contains(.endLine)
        case .wordBoundary: return contains(.wordBoundary)
        case .notWordBoundary: return !contains(.wordBoundary)
        }
    }
}

/// Thompson-NFA state-set operations shared by the DFA builder and the NFA simulation.
struct RegexMachine {
    let program: RegexProgram
    var stack: [Int32] = []

    /// `isAssertion[pc]`: the kernel pcs whose closure depends on the position.
    let isAssertion: [Bool]

    init(program: RegexProgram) {
        self.program = program
        isAssertion = program.instructions.map { if case .assertion = $0 { true } else { false } }
        stack.reserveCapacity(16)
    }

    var matchPC: Int32 { Int32(program.count - 1) }

    /// Adds `pc` and everything reachable from it without consuming input. Assertions are followed when
    /// `flags` satisfy them; with nil flags they are kept in the set, unresolved.
    mutating func addClosure(_ pc: Int32, flags: BoundaryFlags?, into set: SparseSet) {
        stack.append(pc)
        while let top = stack.popLast() {
            guard set.insert(top) else { continue }
            switch program.instructions[Int(top)] {
            case .jump(let t):
                stack.append(t)
            case .split(let a, let b):
                stack.append(b)
                stack.append(a)
            case .assertion(let a):
                if let flags, flags.satisfies(a) { stack.append(top + 1) }
            default:
                break
            }
        }
    }

    /// Resolves the assertions of `kernel` for a position with `flags`.
    mutating func resolve(_ kernel: SparseSet, flags: BoundaryFlags, into resolved: SparseSet) {
        resolved.removeAll()
        // A kernel is already closed under jumps and splits: only its assertions need following.
        for i in 0..<kernel.count {
            let pc = kernel[i]
            if isAssertion[Int(pc)] {
                addClosure(pc, flags: flags, into: resolved)
            } else {
                resolved.insert(pc)
            }
        }
    }

    /// Consumes `c` from a resolved set; restarts at 0 when `search` (unanchored).
    mutating func step(_ resolved: SparseSet, _ c: UInt32, search: Bool, into kernel: SparseSet) {
        kernel.removeAll()
        for i in 0..<resolved.count {
            let pc = resolved[i]
            if program.accepts(Int(pc), c) { addClosure(pc + 1, flags: nil, into: kernel) }
        }
        if search { addClosure(0, flags: nil, into: kernel) }
    }

    /// Simulates the NFA over `input` in O(input × program) time.
    func run(_ input: String, search: Bool) -> Bool {
        var machine = self
        return machine.simulate(input, search: search)
    }

    private mutating func simulate(_ input: String, search: Bool) -> Bool {
        let kernel = SparseSet(capacity: program.count)
        let resolved = SparseSet(capacity: program.count)
        addClosure(0, flags: nil, into: kernel)
        var previous = BoundaryFlags.Previous.begin
        for scalar in input.unicodeScalars {
            let c = scalar.value
            resolve(kernel, flags: .between(previous, c), into: resolved)
            if search && resolved.contains(matchPC) { return true }
            step(resolved, c, search: search, into: kernel)
            if kernel.count == 0 { return false }
            previous = BoundaryFlags.kind(of: c)
        }
        resolve(kernel, flags: .between(previous, nil), into: resolved)
        return resolved.contains(matchPC)
    }
}
