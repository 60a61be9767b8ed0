import Testing
@testable import CELSupport

let friday13 = CELTimestamp(seconds: 1_234_567_890, nanos: 123_456_789)   // 2009-02-13T23:31:30.123456789Z

@Test func componentsInUTC() throws {
    let c = try #require(CivilTime.components(of: friday13, timeZone: nil))
    #expect(c == CivilComponents(year: 2009, month: 2, day: 13, hour: 23, minute: 31, second: 30, millisecond: 123,
        dayOfWeek: 5, dayOfYear: 43))
    #expect(CivilTime.components(of: friday13, timeZone: "UTC") == c)
}

@Test func componentsInNamedZones() throws {
    #expect(CivilTime.components(of: friday13, timeZone: "Australia/Sydney")?.day == 14)
    #expect(CivilTime.components(of: friday13, timeZone: "US/Central")?.day == 13)
    #expect(CivilTime.components(of: friday13, timeZone: "US/Central")?.hour == 17)
    #expect(CivilTime.components(of: friday13, timeZone: "Asia/Kathmandu")?.minute == 16)
    let twoAM = CELTimestamp(seconds: 1_234_490_400, nanos: 0)                 // 2009-02-13T02:00:00Z
    #expect(CivilTime.components(of: twoAM, timeZone: "America/St_Johns")?.day == 12)
}

@Test func componentsAcrossDaylightSavingTime() throws {
    // America/Los_Angeles: PST (-8) in January, PDT (-7) in July.
    let january = try #require(CivilTime.parseTimestamp("2024-01-15T20:00:00Z"))
    let july = try #require(CivilTime.parseTimestamp("2024-07-15T20:00:00Z"))
    #expect(CivilTime.components(of: january, timeZone: "America/Los_Angeles")?.hour == 12)
    #expect(CivilTime.components(of: july, timeZone: "America/Los_Angeles")?.hour == 13)
    // The 2024 spring-forward instant: 10:00Z is 03:00 PDT; one second earlier is 01:59:59 PST.
    let spring = try #require(CivilTime.parseTimestamp("2024-03-10T10:00:00Z"))
    #expect(CivilTime.components(of: spring, timeZone: "America/Los_Angeles")?.hour == 3)
    let before = CELTimestamp(seconds: spring.seconds - 1, nanos: 0)
    #expect(CivilTime.components(of: before, timeZone: "America/Los_Angeles")?.hour == 1)
    // Southern hemisphere: Sydney is on daylight time (+11) in January.
    #expect(CivilTime.components(of: january, timeZone: "Australia/Sydney")?.hour == 7)
    // Far future: the rule still applies.
    let future = try #require(CivilTime.parseTimestamp("2100-07-01T20:00:00Z"))
    #expect(CivilTime.components(of: future, timeZone: "America/Los_Angeles")?.hour == 13)
}

@Test(arguments: [
    ("+11:00", 14, 10), ("-02:30", 13, 21), ("02:00", 14, 1), ("-00:00", 13, 23), ("+05:30", 14, 5),
    ("-09:30", 13, 14),
])
func componentsInFixedOffsets(_ zone: String, _ day: Int, _ hour: Int) throws {
    let c = try #require(CivilTime.components(of: friday13, timeZone: zone))
    #expect(c.day == day)
    #expect(c.hour == hour)
}

@Test(arguments: ["Nowhere/Special", "", "../../etc/passwd", "/etc/localtime", "+25:00", "+05:60", "5", "+5:3",
    "America/Los Angeles", "x:y", "+05:30:00", "++05:30", ":30", "+05:", "123:00", "-05:300"])
func unknownZonesGiveNil(_ zone: String) {
    #expect(CivilTime.components(of: friday13, timeZone: zone) == nil)
}

@Test func componentsAtTheRangeLimits() throws {
    let min = try #require(CivilTime.components(of: CELTimestamp(seconds: CELTimestamp.minSeconds, nanos: 0), timeZone: nil))
    #expect(min.year == 1 && min.month == 1 && min.day == 1 && min.dayOfWeek == 1 && min.dayOfYear == 0)
    let max = try #require(CivilTime.components(of: CELTimestamp(seconds: CELTimestamp.maxSeconds, nanos: 999_999_999), timeZone: "-01:00"))
    #expect(max.year == 9999 && max.hour == 22 && max.millisecond == 999 && max.dayOfYear == 364)
    #expect(CivilTime.components(of: CELTimestamp(seconds: CELTimestamp.maxSeconds + 1, nanos: 0), timeZone: nil) == nil)
}

@Test func negativeTimestampsBreakDownCorrectly() throws {
    let c = try #require(CivilTime.components(of: CELTimestamp(seconds: -1, nanos: 0), timeZone: nil))
    #expect(c.year == 1969 && c.month == 12 && c.day == 31 && c.hour == 23 && c.second == 59 && c.dayOfWeek == 3)
}
