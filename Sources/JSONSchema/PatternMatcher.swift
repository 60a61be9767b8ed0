import LinearRegex

/// A compiled `pattern`: a regular expression searched (unanchored, as JSON Schema requires) in a string.
/// Internal seam so the schema compiler does not depend on one regex engine's API (and tests can stub it).
protocol PatternMatcher: Sendable {
    func matches(_ string: String) -> Bool
}

/// Compiles the `pattern` keyword's source; throws when the pattern is refused.
typealias PatternCompiler = @Sendable (String) throws -> any PatternMatcher

extension LinearRegex: PatternMatcher {
    func matches(_ string: String) -> Bool { search(string) }
}

enum DefaultPatternCompiler {
    /// RE2 syntax, linear-time matching: a hostile body cannot make a pattern backtrack.
    static let compile: PatternCompiler = { source in
        try LinearRegex(source)
    }
}
