import Testing
@testable import LinearRegex

/// (pattern, expected fragment of the message, offset)
let errorCases: [(String, String, Int)] = [
    ("(a)\\1", "backreferences are not supported", 3),
    ("\\k<name>", "backreferences are not supported", 0),
    ("(?P<n>a)(?P=n)", "backreferences are not supported", 8),
    ("a(?=b)", "lookahead", 1),
    ("a(?!b)", "lookahead", 1),
    ("(?<=a)b", "lookbehind", 0),
    ("(?<!a)b", "lookbehind", 0),
    ("abc(", "missing closing )", 3),
    ("abc)", "unexpected )", 3),
    ("[abc", "missing closing ]", 0),
    ("x[z-a]", "invalid character class range", 2),
    ("*a", "missing argument to repetition operator", 0),
    ("a|+", "missing argument to repetition operator", 2),
    ("{2}", "missing argument to repetition operator", 0),
    ("a**", "invalid nested repetition operator", 2),
    ("a{2}{3}", "invalid nested repetition operator", 4),
    ("a{1001}", "invalid repeat count", 1),
    ("a{5,2}", "invalid repeat count", 1),
    ("a\\", "trailing backslash", 1),
    ("\\q", "invalid escape sequence", 0),
    ("\\x{110000}", "invalid escape sequence", 0),
    ("\\xZZ", "invalid escape sequence", 0),
    ("\\p{Greekish}", "unknown or unsupported Unicode class", 0),
    ("[[:foo:]]", "unknown POSIX class", 1),
    ("(?z)", "invalid or unsupported Perl syntax", 0),
    ("(?P<>a)", "invalid named capture", 0),
    ("\\C", "not supported", 0),
    ("a*+", "possessive", 2),
    ("((((a{1000}){1000})))", "expression too large", 0),
]

@Test(arguments: errorCases.indices)
func rejectsInvalidPatterns(_ index: Int) {
    let (pattern, fragment, offset) = errorCases[index]
    do {
        _ = try LinearRegex(pattern)
        Issue.record("\(pattern) compiled but should not")
    } catch {
        #expect(error.message.contains(fragment), "\(pattern): \(error.message)")
        #expect(error.offset == offset, "\(pattern): offset \(error.offset)")
        #expect(error.description.contains("at offset \(offset)"))
    }
}

@Test func deepNestingIsRejectedNotCrashing() {
    let deep = String(repeating: "(", count: 5000) + "a" + String(repeating: ")", count: 5000)
    #expect(throws: LinearRegexError.self) { try LinearRegex(deep) }
    let ok = String(repeating: "(", count: 100) + "a" + String(repeating: ")", count: 100)
    #expect((try? LinearRegex(ok))?.search("a") == true)
}

@Test func errorOffsetCountsUnicodeScalars() {
    do {
        _ = try LinearRegex("日本(?=x)")
        Issue.record("lookahead accepted")
    } catch {
        #expect(error.offset == 2)
    }
}
