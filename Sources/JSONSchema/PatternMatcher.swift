import LinearRegex

/// A compiled `pattern`: a regular expression searched (unanchored, as JSON Schema requires) in a string.
/// Internal seam so the schema compiler does not depend on one regex engine's API.
protocol PatternMatcher: Sendable {
    func matches(_ string: String) -> Bool
}

/// Compiles the `pattern` keyword's source; throws a message when the pattern is refused.
typealias PatternCompiler = @Sendable (String) throws -> any PatternMatcher

/// The error a pattern compiler reports.
struct PatternCompileFailure: Error, CustomStringConvertible {
    var description: String
}

enum DefaultPatternCompiler {
    /// The linear-time engine is wired in when it lands; until then `pattern` is refused at compile time
    /// (refusing is safer than silently not checking).
    static let compile: PatternCompiler = { source in
        throw PatternCompileFailure(description: "the linear-time regex engine is not available in this build")
    }
}
