import Synchronization

/// A DFA built on first use and then shared, lock-free, by every copy of the regex and every thread.
/// Two threads racing on first use may both build it; one result wins and the other is dropped.
final class LazyDFA: Sendable {
    private final class Box: Sendable {
        let dfa: RegexDFA?      // nil: over the DFA budget, simulate the NFA instead
        init(_ dfa: RegexDFA?) { self.dfa = dfa }
    }

    private let program: RegexProgram
    private let search: Bool
    private let cell = AtomicLazyReference<Box>()

    init(program: RegexProgram, search: Bool) {
        self.program = program
        self.search = search
    }

    var dfa: RegexDFA? {
        if let box = cell.load() { return box.dfa }
        return cell.storeIfNil(Box(RegexDFA.build(program, search: search))).dfa
    }
}
