/// Parsing, formatting, validation and time-zone breakdown of CEL timestamps and durations.
public enum CivilTime {
    public static func isValid(_ t: CELTimestamp) -> Bool {
        t.seconds >= CELTimestamp.minSeconds && t.seconds <= CELTimestamp.maxSeconds
            && t.nanos >= 0 && t.nanos < 1_000_000_000
    }

    public static func isValid(_ d: CELDuration) -> Bool {
        guard d.seconds >= -CELDuration.maxSeconds, d.seconds <= CELDuration.maxSeconds,
            d.nanos > -1_000_000_000, d.nanos < 1_000_000_000
        else { return false }
        return (d.seconds >= 0 && d.nanos >= 0) || (d.seconds <= 0 && d.nanos <= 0)
    }

    /// Broken-down time in a zone: nil zone = UTC; zone is an IANA name ("America/Los_Angeles") or a fixed
    /// offset ("+05:30", "-08:00", "02:00", "UTC"). Nil when the zone is unknown or the timestamp invalid.
    public static func components(of t: CELTimestamp, timeZone: String?) -> CivilComponents? {
        guard isValid(t) else { return nil }
        var offset = 0
        if let timeZone {
            guard let o = TimeZoneOffsets.offset(zone: timeZone, at: t.seconds) else { return nil }
            offset = o
        }
        let local = t.seconds + Int64(offset)
        let days = floorDiv(local, 86_400)
        let secondOfDay = Int(local - days * 86_400)
        let (year, month, day) = civil(fromDays: days)
        return CivilComponents(
            year: year,
            month: month,
            day: day,
            hour: secondOfDay / 3600,
            minute: secondOfDay / 60 % 60,
            second: secondOfDay % 60,
            millisecond: Int(t.nanos / 1_000_000),
            dayOfWeek: Int(floorMod(days + 4, 7)),
            dayOfYear: Int(days - Self.days(fromCivil: year, 1, 1))
        )
    }
}
