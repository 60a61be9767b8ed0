/// A regular expression in RE2 syntax, matched in time linear in the input.
///
/// The pattern compiles to a Thompson NFA, which is turned eagerly into a DFA over scalar classes when the
/// automaton stays small (the usual case); otherwise matching simulates the NFA (O(input × pattern)).
/// There is no backtracking, so no input can make matching take more than linear time.
public struct LinearRegex: Sendable {
    public let pattern: String
    let program: RegexProgram
    let searchDFA: RegexDFA?
    let wholeDFA: RegexDFA?

    public init(_ pattern: String) throws(LinearRegexError) {
        self.pattern = pattern
        let node = try RegexParser.parse(pattern)
        program = try RegexCompiler.compile(node)
        searchDFA = RegexDFA.build(program, search: true)
        wholeDFA = RegexDFA.build(program, search: false)
    }

    /// True when some substring of `input` matches (CEL `matches`, RE2 `PartialMatch`).
    public func search(_ input: String) -> Bool {
        if let searchDFA { return searchDFA.run(input) }
        return RegexMachine(program: program).run(input, search: true)
    }

    /// True when the entire `input` matches (RE2 `FullMatch`).
    public func wholeMatch(_ input: String) -> Bool {
        if let wholeDFA { return wholeDFA.run(input) }
        return RegexMachine(program: program).run(input, search: false)
    }
}
