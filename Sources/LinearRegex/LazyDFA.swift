import Synchronization

/// A DFA built on second use and then shared, lock-free, by every copy of the regex and every thread.
/// The first use simulates the NFA instead: a pattern compiled for a single match (a pattern that is not a
/// constant) never pays for a DFA. Two threads racing may both build it; one result wins, the other is dropped.
final class LazyDFA: Sendable {
    private final class Box: Sendable {
        let dfa: RegexDFA?      // nil: over the DFA budget, simulate the NFA instead
        init(_ dfa: RegexDFA?) { self.dfa = dfa }
    }

    private let program: RegexProgram
    private let search: Bool
    private let cell = AtomicLazyReference<Box>()
    private let uses = Atomic<Int>(0)

    init(program: RegexProgram, search: Bool) {
        self.program = program
        self.search = search
    }

    /// The DFA, built now if needed; nil when it is over budget.
    var dfa: RegexDFA? {
        if let box = cell.load() { return box.dfa }
        return cell.storeIfNil(Box(RegexDFA.build(program, search: search))).dfa
    }

    /// The DFA from the second use on; nil on first use or when it is over budget (simulate the NFA then).
    var dfaForMatching: RegexDFA? {
        if let box = cell.load() { return box.dfa }
        if uses.add(1, ordering: .relaxed).newValue < 2 { return nil }
        return dfa
    }
}
