import Testing
@testable import CELSupport

@Test(arguments: [
    ("1h2m3s", CELDuration(seconds: 3723, nanos: 0)),
    ("1000000s", CELDuration(seconds: 1_000_000, nanos: 0)),
    ("-1.5s", CELDuration(seconds: -1, nanos: -500_000_000)),
    ("+2s", CELDuration(seconds: 2, nanos: 0)),
    ("1.5h", CELDuration(seconds: 5400, nanos: 0)),
    ("100ms", CELDuration(seconds: 0, nanos: 100_000_000)),
    ("1us", CELDuration(seconds: 0, nanos: 1000)),
    ("1µs", CELDuration(seconds: 0, nanos: 1000)),
    ("-999999999ns", CELDuration(seconds: 0, nanos: -999_999_999)),
    ("0", CELDuration(seconds: 0, nanos: 0)),
    ("-0", CELDuration(seconds: 0, nanos: 0)),
    ("0s", CELDuration(seconds: 0, nanos: 0)),
    (".5s", CELDuration(seconds: 0, nanos: 500_000_000)),
    ("1.s", CELDuration(seconds: 1, nanos: 0)),
    ("123.321456789s", CELDuration(seconds: 123, nanos: 321_456_789)),
    ("2h45m", CELDuration(seconds: 9900, nanos: 0)),
    ("315576000000s", CELDuration(seconds: 315_576_000_000, nanos: 0)),
    ("-315576000000s", CELDuration(seconds: -315_576_000_000, nanos: 0)),
    ("200000000000s", CELDuration(seconds: 200_000_000_000, nanos: 0)),
])
func parsesGoDurations(_ text: String, _ d: CELDuration) {
    #expect(CivilTime.parseDuration(text) == d)
}

@Test(arguments: [
    "", "-", "1", "s", "1x", "1.5.5s", "1 s", " 1s", "1s ", "1S", "1H", "..5s", ".s", "00",
    "320000000000s", "-320000000000s", "315576000001s", "99999999999999999999999999999999999h",
])
func rejectsBadOrOutOfRangeDurations(_ text: String) {
    #expect(CivilTime.parseDuration(text) == nil)
}

@Test(arguments: [
    (CELDuration(seconds: 3600, nanos: 0), "3600s"),
    (CELDuration(seconds: 1, nanos: 500_000_000), "1.5s"),
    (CELDuration(seconds: 0, nanos: -1), "-0.000000001s"),
    (CELDuration(seconds: -1, nanos: -500_000_000), "-1.5s"),
    (CELDuration(seconds: 0, nanos: 0), "0s"),
    (CELDuration(seconds: 123, nanos: 321_456_789), "123.321456789s"),
    (CELDuration(seconds: 1_000_000, nanos: 0), "1000000s"),
])
func formatsDurations(_ d: CELDuration, _ text: String) {
    #expect(CivilTime.formatDuration(d) == text)
    #expect(CivilTime.parseDuration(text) == d)
}

@Test func durationValidityAndArithmetic() {
    #expect(CivilTime.isValid(CELDuration(seconds: 315_576_000_000, nanos: 0)))
    #expect(!CivilTime.isValid(CELDuration(seconds: 315_576_000_001, nanos: 0)))
    #expect(!CivilTime.isValid(CELDuration(seconds: 1, nanos: -1)))
    #expect(!CivilTime.isValid(CELDuration(seconds: 0, nanos: 1_000_000_000)))
    let big = CELDuration(seconds: 200_000_000_000, nanos: 0)
    #expect(big.adding(big) == nil)
    #expect(big.negated.flatMap { $0.subtracting(big) } == nil)
    #expect(big.subtracting(big) == CELDuration(seconds: 0, nanos: 0))
    let a = CELDuration(seconds: 0, nanos: 600_000_000)
    #expect(a.adding(a) == CELDuration(seconds: 1, nanos: 200_000_000))
    #expect(CELDuration(seconds: 0, nanos: -600_000_000).adding(CELDuration(seconds: 1, nanos: 0))
        == CELDuration(seconds: 0, nanos: 400_000_000))
    #expect(CELDuration(seconds: -1, nanos: -500_000_000) < CELDuration(seconds: -1, nanos: 0))
    #expect(CELDuration(seconds: 0, nanos: -500_000_000) > CELDuration(seconds: -1, nanos: 0))
}
