import Testing
@testable import LinearRegex

/// (pattern, input, search result, whole-match result)
let matchCases: [(String, String, Bool, Bool)] = [
    ("abc", "xxabcxx", true, false),
    ("abc", "abc", true, true),
    ("abc", "ab", false, false),
    ("", "", true, true),
    ("", "abc", true, false),
    ("a.c", "abc", true, true),
    ("a.c", "a\nc", false, false),
    ("(?s)a.c", "a\nc", true, true),
    ("[a-z]+", "HELLO world", true, false),
    ("[a-z]+", "hello", true, true),
    ("[^a-z]", "hello", false, false),
    ("[^a-z]", "hellO", true, false),
    ("[]a]", "]", true, true),
    ("[a-]", "-", true, true),
    ("[-a]", "-", true, true),
    ("\\d+", "abc123", true, false),
    ("\\d+", "123", true, true),
    ("\\D", "123", false, false),
    ("\\w+", "foo_bar9", true, true),
    ("\\W", "foo_bar9", false, false),
    ("\\s", "a b", true, false),
    ("\\S+", "ab", true, true),
    ("[\\d\\s]+", "1 2 3", true, true),
    ("[[:alpha:]]+", "abcXYZ", true, true),
    ("[[:^alpha:]]", "abc", false, false),
    ("[[:digit:][:upper:]]+", "A1B2", true, true),
    ("^abc", "abcdef", true, false),
    ("^abc", "xabc", false, false),
    ("abc$", "xxabc", true, false),
    ("abc$", "abcx", false, false),
    ("abc$", "abc\n", false, false),
    ("(?m)^b", "a\nb", true, false),
    ("^b", "a\nb", false, false),
    ("(?m)a$", "a\nb", true, false),
    ("a$", "a\nb", false, false),
    ("\\Aabc\\z", "abc", true, true),
    ("(?m)\\Ab", "a\nb", false, false),
    ("\\bfoo\\b", "a foo b", true, false),
    ("\\bfoo\\b", "afoo b", false, false),
    ("\\Boo\\B", "foot", true, false),
    ("\\Boo\\B", "foo", false, false),
    ("\\Boo", "foot", true, false),
    ("\\bfoo\\b", "foo", true, true),
    ("a|b|c", "c", true, true),
    ("a|", "", true, true),
    ("cat|dog", "hotdog", true, false),
    ("(ab)+", "ababab", true, true),
    ("(?:ab)+", "ababa", true, false),
    ("(?P<year>\\d{4})-(?<month>\\d{2})", "2024-05", true, true),
    ("a*", "", true, true),
    ("a*?b", "aaab", true, true),
    ("a+?", "aaa", true, true),
    ("a??b", "ab", true, true),
    ("ab?c", "ac", true, true),
    ("a{3}", "aaa", true, true),
    ("a{3}", "aa", false, false),
    ("a{2,}", "aaaaa", true, true),
    ("a{2,}", "a", false, false),
    ("a{2,3}", "aaaa", true, false),
    ("a{2,3}", "aaa", true, true),
    ("a{0}", "", true, true),
    ("a{,3}", "a{,3}", true, true),
    ("a{", "a{", true, true),
    ("x{2}{", "xx{", true, true),
    ("(?i)hello", "HeLLo", true, true),
    ("(?i)[a-c]+", "AbC", true, true),
    ("(?i)[^a]", "A", false, false),
    ("(?i)k", "\u{212A}", true, true),
    ("(?i)straße", "STRASSE", false, false),
    ("(?i)σ", "Σ", true, true),
    ("(?i)σ", "ς", true, true),
    ("a(?i)b|c", "C", true, true),
    ("(?i:a)b", "Ab", true, true),
    ("(?i:a)b", "AB", false, false),
    ("(?i)a(?-i)b", "Ab", true, true),
    ("(?i)a(?-i)b", "AB", false, false),
    ("é+", "ééé", true, true),
    ("^.$", "日", true, true),
    ("^...$", "日本語", true, true),
    ("[α-ω]+", "λόγος", true, false),
    ("\\x{1F600}", "😀", true, true),
    ("\\x41", "A", true, true),
    ("\\101", "A", true, true),
    ("\\0", "\u{0}", true, true),
    ("\\pL+", "héllo", true, true),
    ("\\p{Lu}", "abc", false, false),
    ("\\p{Lu}", "abÇ", true, false),
    ("\\PL", "abc", false, false),
    ("\\p{^L}", "ab1", true, false),
    ("[\\p{Nd}]+", "١٢٣", true, true),
    ("\\Qa.b*\\E", "a.b*", true, true),
    ("\\Qa.b*\\E", "axb", false, false),
    ("\\.", "a.b", true, false),
    ("\\.", "ab", false, false),
    ("\\t\\n", "\t\n", true, true),
    ("[\\]]", "]", true, true),
    ("[\\-]", "-", true, true),
    ("(a|ab)(c|bcd)(d*)", "abcd", true, true),
    ("^/api/v[0-9]+/users/[^/]+$", "/api/v2/users/42", true, true),
    ("^/api/v[0-9]+/users/[^/]+$", "/api/v2/users/42/x", false, false),
    ("(?:)", "", true, true),
    ("(a*)*", "b", true, false),
    ("(a*)+$", "aab", true, false),
    ("(|a)*b", "aab", true, true),
    ("^$", "", true, true),
    ("^$", "a", false, false),
]

@Test(arguments: matchCases.indices)
func searchAndWholeMatch(_ index: Int) throws {
    let (pattern, input, expectSearch, expectWhole) = matchCases[index]
    let regex = try LinearRegex(pattern)
    // The first use simulates the NFA, later uses run the DFA: both must agree.
    for use in 1...3 {
        #expect(regex.search(input) == expectSearch, "search \(pattern) in \(input.debugDescription), use \(use)")
        #expect(regex.wholeMatch(input) == expectWhole, "wholeMatch \(pattern) on \(input.debugDescription), use \(use)")
    }
    #expect(regex.pattern == pattern)
}

/// Every pattern of the table fits the DFA budget, and the DFA gives the expected answers.
@Test(arguments: matchCases.indices)
func dfaGivesTheExpectedAnswers(_ index: Int) throws {
    let (pattern, input, expectSearch, expectWhole) = matchCases[index]
    let regex = try LinearRegex(pattern)
    let search = try #require(regex.searchDFA)
    let whole = try #require(regex.wholeDFA)
    #expect(search.run(input) == expectSearch, "DFA search \(pattern)")
    #expect(whole.run(input) == expectWhole, "DFA wholeMatch \(pattern)")
}

/// The NFA simulation (used when the DFA would be too big) must agree with the DFA.
@Test(arguments: matchCases.indices)
func nfaSimulationAgreesWithDFA(_ index: Int) throws {
    let (pattern, input, expectSearch, expectWhole) = matchCases[index]
    let regex = try LinearRegex(pattern)
    let machine = RegexMachine(program: regex.program)
    #expect(machine.run(input, search: true) == expectSearch, "NFA search \(pattern)")
    #expect(machine.run(input, search: false) == expectWhole, "NFA wholeMatch \(pattern)")
}

@Test func nonContiguousStringsAreMatched() throws {
    let regex = try LinearRegex("b+c")
    let bridged = Substring("xxabbcxx").description
    #expect(regex.search(bridged))
}
