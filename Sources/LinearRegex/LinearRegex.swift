/// A regular expression in RE2 syntax, matched in time linear in the input.
///
/// The pattern compiles to a Thompson NFA. From their second use on, `search` and `wholeMatch` each turn it into a
/// DFA over scalar classes (shared by all copies and threads afterwards) when the automaton stays within a budget —
/// the usual case; otherwise (and on first use) they simulate the NFA (O(input × pattern)). There is no backtracking, so no input
/// can make matching take more than linear time.
public struct LinearRegex: Sendable {
    public let pattern: String
    let program: RegexProgram
    private let searchAutomaton: LazyDFA
    private let wholeAutomaton: LazyDFA

    public init(_ pattern: String) throws(LinearRegexError) {
        self.pattern = pattern
        let node = try RegexParser.parse(pattern)
        program = try RegexCompiler.compile(node)
        searchAutomaton = LazyDFA(program: program, search: true)
        wholeAutomaton = LazyDFA(program: program, search: false)
    }

    /// True when some substring of `input` matches (CEL `matches`, RE2 `PartialMatch`).
    public func search(_ input: String) -> Bool {
        if let dfa = searchAutomaton.dfaForMatching { return dfa.run(input) }
        return RegexMachine(program: program).run(input, search: true)
    }

    /// True when the entire `input` matches (RE2 `FullMatch`).
    public func wholeMatch(_ input: String) -> Bool {
        if let dfa = wholeAutomaton.dfaForMatching { return dfa.run(input) }
        return RegexMachine(program: program).run(input, search: false)
    }

    var searchDFA: RegexDFA? { searchAutomaton.dfa }
    var wholeDFA: RegexDFA? { wholeAutomaton.dfa }
}
