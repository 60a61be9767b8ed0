import Testing
@testable import CELSupport

@Test func parsesTheConformanceTimestamps() {
    #expect(CivilTime.parseTimestamp("2009-02-13T23:31:30Z") == CELTimestamp(seconds: 1_234_567_890, nanos: 0))
    #expect(CivilTime.parseTimestamp("1970-01-01T00:00:00Z") == CELTimestamp(seconds: 0, nanos: 0))
    #expect(CivilTime.parseTimestamp("0001-01-01T00:00:00Z") == CELTimestamp(seconds: -62_135_596_800, nanos: 0))
    #expect(
        CivilTime.parseTimestamp("9999-12-31T23:59:59.999999999Z")
            == CELTimestamp(seconds: 253_402_300_799, nanos: 999_999_999))
    #expect(
        CivilTime.parseTimestamp("2009-02-13T23:31:20.123456789Z")
            == CELTimestamp(seconds: 1_234_567_880, nanos: 123_456_789))
}

@Test func parsesOffsetsAndFractions() {
    #expect(CivilTime.parseTimestamp("2009-02-13T15:31:30-08:00") == CELTimestamp(seconds: 1_234_567_890, nanos: 0))
    #expect(CivilTime.parseTimestamp("2009-02-14T05:01:30+05:30") == CELTimestamp(seconds: 1_234_567_890, nanos: 0))
    #expect(CivilTime.parseTimestamp("2009-02-13T23:31:30.5Z") == CELTimestamp(seconds: 1_234_567_890, nanos: 500_000_000))
    #expect(CivilTime.parseTimestamp("2009-02-13T23:31:30.000001Z")?.nanos == 1000)
    #expect(CivilTime.parseTimestamp("1969-12-31T23:59:59.999Z") == CELTimestamp(seconds: -1, nanos: 999_000_000))
}

@Test(arguments: [
    "", "2009-02-13", "2009-02-13T23:31:30", "2009-02-13 23:31:30Z", "2009-02-13t23:31:30Z", "2009-02-13T23:31:30z",
    "2009-13-01T00:00:00Z", "2009-00-01T00:00:00Z", "2009-02-29T00:00:00Z", "2009-04-31T00:00:00Z",
    "2009-02-13T24:00:00Z", "2009-02-13T23:60:00Z", "2009-02-13T23:59:60Z", "2009-02-13T23:31:30.Z",
    "2009-02-13T23:31:30.1234567891Z", "2009-02-13T23:31:30+0800", "2009-02-13T23:31:30+24:00",
    "2009-02-13T23:31:30Z ", " 2009-02-13T23:31:30Z", "0000-01-01T00:00:00Z", "10000-01-01T00:00:00Z",
    "0001-01-01T00:00:00+00:01", "9999-12-31T23:59:59-00:01", "2009-2-13T23:31:30Z", "２009-02-13T23:31:30Z",
])
func rejectsMalformedOrOutOfRangeTimestamps(_ text: String) {
    #expect(CivilTime.parseTimestamp(text) == nil)
}

@Test func leapYears() {
    #expect(CivilTime.parseTimestamp("2000-02-29T00:00:00Z") != nil)
    #expect(CivilTime.parseTimestamp("2024-02-29T00:00:00Z") != nil)
    #expect(CivilTime.parseTimestamp("1900-02-29T00:00:00Z") == nil)
    #expect(CivilTime.parseTimestamp("2100-02-29T00:00:00Z") == nil)
    let t = CivilTime.parseTimestamp("2024-12-31T12:00:00Z")!
    #expect(CivilTime.components(of: t, timeZone: nil)?.dayOfYear == 365)
    let u = CivilTime.parseTimestamp("2023-12-31T12:00:00Z")!
    #expect(CivilTime.components(of: u, timeZone: nil)?.dayOfYear == 364)
}

@Test(arguments: [
    ("2009-02-13T23:31:30Z", CELTimestamp(seconds: 1_234_567_890, nanos: 0)),
    ("2009-02-13T23:31:30.500Z", CELTimestamp(seconds: 1_234_567_890, nanos: 500_000_000)),
    ("2009-02-13T23:31:30.000001Z", CELTimestamp(seconds: 1_234_567_890, nanos: 1000)),
    ("2009-02-13T23:31:30.000000001Z", CELTimestamp(seconds: 1_234_567_890, nanos: 1)),
    ("9999-12-31T23:59:59.999999999Z", CELTimestamp(seconds: 253_402_300_799, nanos: 999_999_999)),
    ("0001-01-01T00:00:00Z", CELTimestamp(seconds: -62_135_596_800, nanos: 0)),
    ("1969-12-31T23:59:59.120Z", CELTimestamp(seconds: -1, nanos: 120_000_000)),
    ("1960-06-15T08:00:00Z", CELTimestamp(seconds: -301_248_000, nanos: 0)),
])
func formatsTimestampsLikeProtobufJSON(_ text: String, _ t: CELTimestamp) {
    #expect(CivilTime.formatTimestamp(t) == text)
    #expect(CivilTime.parseTimestamp(text) == t)
}

@Test func timestampValidity() {
    #expect(CivilTime.isValid(CELTimestamp(seconds: 253_402_300_799, nanos: 999_999_999)))
    #expect(!CivilTime.isValid(CELTimestamp(seconds: 253_402_300_800, nanos: 0)))
    #expect(!CivilTime.isValid(CELTimestamp(seconds: -62_135_596_801, nanos: 0)))
    #expect(!CivilTime.isValid(CELTimestamp(seconds: 0, nanos: -1)))
    #expect(!CivilTime.isValid(CELTimestamp(seconds: 0, nanos: 1_000_000_000)))
}

@Test func timestampOrderingAndArithmetic() {
    let a = CELTimestamp(seconds: -1, nanos: 999_999_999)
    let b = CELTimestamp(seconds: 0, nanos: 0)
    #expect(a < b)
    let start = CivilTime.parseTimestamp("0001-01-01T00:00:01.000000001Z")!
    #expect(
        start.adding(CELDuration(seconds: 0, nanos: -999_999_999))
            == CivilTime.parseTimestamp("0001-01-01T00:00:00.000000002Z"))
    let max = CivilTime.parseTimestamp("9999-12-31T23:59:59.999999999Z")!
    #expect(max.adding(CELDuration(seconds: 0, nanos: 1)) == nil)
    #expect(CivilTime.parseTimestamp("0001-01-01T00:00:00Z")!.subtracting(CELDuration(seconds: 0, nanos: 1)) == nil)
    let late = CivilTime.parseTimestamp("2009-02-13T23:31:00Z")!
    let early = CivilTime.parseTimestamp("2009-02-13T23:29:00Z")!
    #expect(late.difference(from: early) == CELDuration(seconds: 120, nanos: 0))
    #expect(early.difference(from: late) == CELDuration(seconds: -120, nanos: 0))
    let min = CivilTime.parseTimestamp("0001-01-01T00:00:00Z")!
    // 9998 years fit the duration range (±315,576,000,000 s); cel-go's int64-nanosecond durations would not.
    #expect(
        CivilTime.parseTimestamp("9999-12-31T23:59:59Z")!.difference(from: min)
            == CELDuration(seconds: 315_537_897_599, nanos: 0))
}
