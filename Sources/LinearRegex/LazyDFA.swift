import Synchronization

/// A DFA built on second use and then shared, lock-free, by every copy of the regex and every thread.
/// The first use simulates the NFA instead: a pattern compiled for a single match (a pattern that is not a
/// constant) never pays for a DFA. Two threads racing may both build it; one result wins, the other is dropped.
///
/// The built DFA is published through an `Atomic<UInt>` holding a retained reference's bits, rather than an
/// `AtomicLazyReference`: that type's `load()` is not inlined into this module and looks its generic metadata up on
/// every call, which cost more than running a small DFA.
final class LazyDFA: Sendable {
    private final class Box: Sendable {
        let dfa: RegexDFA?      // nil: over the DFA budget, simulate the NFA instead
        init(_ dfa: RegexDFA?) { self.dfa = dfa }
    }

    private let program: RegexProgram
    private let search: Bool
    /// 0, or the bits of a +1 reference to the published `Box` (released in `deinit`).
    private let cell = Atomic<UInt>(0)
    private let uses = Atomic<Int>(0)

    init(program: RegexProgram, search: Bool) {
        self.program = program
        self.search = search
    }

    deinit {
        let bits = cell.load(ordering: .acquiring)
        if bits != 0 { Self.unmanaged(bits).release() }
    }

    /// The DFA, built now if needed; nil when it is over budget.
    var dfa: RegexDFA? {
        if let box = published() { return box.dfa }
        return publish(Box(RegexDFA.build(program, search: search))).dfa
    }

    /// The DFA from the second use on; nil on first use or when it is over budget (simulate the NFA then).
    var dfaForMatching: RegexDFA? {
        if let box = published() { return box.dfa }
        if uses.add(1, ordering: .relaxed).newValue < 2 { return nil }
        return dfa
    }

    private func published() -> Box? {
        let bits = cell.load(ordering: .acquiring)
        return bits == 0 ? nil : Self.unmanaged(bits).takeUnretainedValue()
    }

    /// Publishes `box` unless another thread published first; returns the one published.
    private func publish(_ box: Box) -> Box {
        let bits = UInt(bitPattern: Unmanaged.passRetained(box).toOpaque())
        let (exchanged, original) = cell.compareExchange(expected: 0, desired: bits, ordering: .acquiringAndReleasing)
        if exchanged { return box }
        Self.unmanaged(bits).release()
        return Self.unmanaged(original).takeUnretainedValue()
    }

    private static func unmanaged(_ bits: UInt) -> Unmanaged<Box> {
        Unmanaged<Box>.fromOpaque(UnsafeRawPointer(bitPattern: bits).unsafelyUnwrapped)
    }
}
