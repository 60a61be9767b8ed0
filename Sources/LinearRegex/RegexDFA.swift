/// A DFA built eagerly from a `RegexProgram` by subset construction over scalar equivalence classes.
/// Building stops (returns nil) beyond a state/work budget; the caller then simulates the NFA instead.
struct RegexDFA: Sendable {
    static let matchState: Int32 = -1
    static let deadState: Int32 = -2
    static let maxStates = 1_000
    static let maxTableEntries = 256 * 1024
    static let maxWork = 150_000

    let classCount: Int
    let asciiClass: [UInt8]        // 128 entries
    let intervalStarts: [UInt32]   // sorted; interval i = intervalStarts[i] ..< intervalStarts[i+1]
    let intervalClass: [UInt8]
    let table: [Int32]
    let acceptAtEnd: [Bool]

    @inline(__always)
    func classOf(nonASCII c: UInt32) -> Int {
        var lo = 0
        var hi = intervalStarts.count
        while hi - lo > 1 {
            let mid = (lo + hi) >> 1
            if intervalStarts[mid] <= c { lo = mid } else { hi = mid }
        }
        return Int(intervalClass[lo])
    }

    /// Runs the DFA from state 0.
    func run(_ input: String) -> Bool {
        let result = input.utf8.withContiguousStorageIfAvailable { runUTF8($0) }
        if let result { return result }
        var state: Int32 = 0
        for scalar in input.unicodeScalars {
            let c = scalar.value
            let cls = c < 0x80 ? Int(asciiClass[Int(c)]) : classOf(nonASCII: c)
            state = table[Int(state) * classCount + cls]
            if state < 0 { return state == Self.matchState }
        }
        return acceptAtEnd[Int(state)]
    }

    private func runUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        table.withUnsafeBufferPointer { table in
            asciiClass.withUnsafeBufferPointer { ascii in
                var state: Int32 = 0
                var i = 0
                let n = bytes.count
                let classCount = self.classCount
                while i < n {
                    let b = bytes[i]
                    let cls: Int
                    if b < 0x80 {
                        cls = Int(ascii[Int(b)])
                        i += 1
                    } else {
                        // Valid UTF-8 is guaranteed by String.
                        var c: UInt32
                        if b < 0xE0 {
                            c = UInt32(b & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F)
                            i += 2
                        } else if b < 0xF0 {
                            c = UInt32(b & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F)
                            i += 3
                        } else {
                            c = UInt32(b & 0x07) << 18 | UInt32(bytes[i + 1] & 0x3F) << 12
                            c |= UInt32(bytes[i + 2] & 0x3F) << 6 | UInt32(bytes[i + 3] & 0x3F)
                            i += 4
                        }
                        cls = classOf(nonASCII: c)
                    }
                    state = table[Int(state) &* classCount &+ cls]
                    if state < 0 { return state == Self.matchState }
                }
                return acceptAtEnd[Int(state)]
            }
        }
    }
}

extension RegexDFA {
    /// Subset construction; nil when the automaton would exceed the budget.
    static func build(_ program: RegexProgram, search: Bool) -> RegexDFA? {
        // Scalar equivalence classes: intervals on which every instruction and assertion behaves alike.
        var cuts: Set<UInt32> = [0, 0x0A, 0x0B, 0x30, 0x3A, 0x41, 0x5B, 0x5F, 0x60, 0x61, 0x7B, 0x80]
        for inst in program.instructions {
            switch inst {
            case .scalar(let v):
                cuts.insert(v)
                cuts.insert(v + 1)
            case .set(let i):
                for r in program.sets[i].ranges {
                    cuts.insert(r.lowerBound)
                    cuts.insert(r.upperBound + 1)
                }
            default:
                break
            }
        }
        let starts = cuts.filter { $0 <= ScalarRanges.maxScalar }.sorted()
        let consuming = (0..<program.count).filter { program.isConsuming($0) }
        var classBySignature: [[Bool]: Int] = [:]
        var representatives: [UInt32] = []
        var intervalClass: [UInt8] = []
        intervalClass.reserveCapacity(starts.count)
        for s in starts {
            var signature = consuming.map { program.accepts($0, s) }
            let kind = BoundaryFlags.kind(of: s)
            signature.append(kind == .newline)
            signature.append(kind == .word)
            let id: Int
            if let existing = classBySignature[signature] {
                id = existing
            } else {
                id = representatives.count
                if id > 255 { return nil }
                classBySignature[signature] = id
                representatives.append(s)
            }
            intervalClass.append(UInt8(id))
        }
        let classCount = representatives.count
        var asciiClass = [UInt8](repeating: 0, count: 128)
        var interval = 0
        for b in 0..<128 {
            while interval + 1 < starts.count && starts[interval + 1] <= UInt32(b) { interval += 1 }
            asciiClass[b] = intervalClass[interval]
        }

        var needsPrevious = [Bool](repeating: false, count: program.count)
        for (pc, inst) in program.instructions.enumerated() {
            if case .assertion(let a) = inst, a != .endText, a != .endLine { needsPrevious[pc] = true }
        }

        var machine = RegexMachine(program: program)
        let kernel = SparseSet(capacity: program.count)
        let resolved = SparseSet(capacity: program.count)
        let next = SparseSet(capacity: program.count)
        var states = StateTable(needsPrevious: needsPrevious, classCount: classCount)
        var work = 0

        machine.addClosure(0, flags: nil, into: kernel)
        guard states.intern(kernel, .begin) != nil else { return nil }
        var table: [Int32] = []
        var acceptAtEnd: [Bool] = []
        var state = 0
        while state < states.kernels.count {
            let prev = states.previous[state]
            kernel.removeAll()
            for pc in states.kernels[state] { kernel.insert(pc) }
            machine.resolve(kernel, flags: .between(prev, nil), into: resolved)
            acceptAtEnd.append(resolved.contains(machine.matchPC))
            for cls in 0..<classCount {
                let c = representatives[cls]
                machine.resolve(kernel, flags: .between(prev, c), into: resolved)
                work += resolved.count + 32
                if search && resolved.contains(machine.matchPC) {
                    table.append(matchState)
                    continue
                }
                machine.step(resolved, c, search: search, into: next)
                work += next.count
                if work > maxWork { return nil }
                if next.count == 0 {
                    table.append(deadState)
                    continue
                }
                guard let id = states.intern(next, BoundaryFlags.kind(of: c)) else { return nil }
                table.append(id)
            }
            state += 1
        }
        return RegexDFA(
            classCount: classCount,
            asciiClass: asciiClass,
            intervalStarts: starts,
            intervalClass: intervalClass,
            table: table,
            acceptAtEnd: acceptAtEnd
        )
    }
}

/// The DFA states found so far: kernels (sorted NFA pcs) with the previous-scalar kind when it matters.
private struct StateTable {
    let needsPrevious: [Bool]
    let classCount: Int
    var ids: [[Int32]: Int32] = [:]
    var kernels: [[Int32]] = []
    var previous: [BoundaryFlags.Previous] = []

    init(needsPrevious: [Bool], classCount: Int) {
        self.needsPrevious = needsPrevious
        self.classCount = classCount
    }

    /// The id of the state, added when new; nil beyond the budget.
    mutating func intern(_ set: SparseSet, _ prev: BoundaryFlags.Previous) -> Int32? {
        var key = set.sortedMembers()
        let relevant = key.contains { needsPrevious[Int($0)] }
        let p = relevant ? prev : .other
        key.append(-1 - Int32(p.rawValue))
        if let id = ids[key] { return id }
        guard kernels.count < RegexDFA.maxStates, (kernels.count + 1) * classCount <= RegexDFA.maxTableEntries else {
            return nil
        }
        let id = Int32(kernels.count)
        ids[key] = id
        key.removeLast()
        kernels.append(key)
        previous.append(p)
        return id
    }
}
