import Foundation

/// UTC offsets of named (IANA, via the system's time-zone data) and fixed-offset zones.
enum TimeZoneOffsets {
    /// Seconds east of UTC in `zone` at `seconds` since the epoch; nil when the zone is unknown.
    static func offset(zone: String, at seconds: Int64) -> Int? {
        if zone == "UTC" || zone == "Z" || zone == "GMT" { return 0 }
        if zone.utf8.contains(0x3A) { return fixedOffset(zone) }
        guard isPlausibleName(zone), let tz = TimeZone(identifier: zone) else { return nil }
        return tz.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    /// `+05:30`, `-08:00`, `02:00`, `-00:00`: optional sign, 1-2 digit hours (0-23), 2-digit minutes.
    static func fixedOffset(_ s: String) -> Int? {
        var sign = 1
        var hours = 0
        var hourDigits = 0
        var minutes = 0
        var minuteDigits = 0
        var sawColon = false
        var first = true
        for c in s.utf8 {
            defer { first = false }
            if first && (c == 0x2B || c == 0x2D) {
                sign = c == 0x2D ? -1 : 1
                continue
            }
            if c == 0x3A {
                guard !sawColon else { return nil }
                sawColon = true
                continue
            }
            guard c >= 0x30, c <= 0x39 else { return nil }
            if sawColon {
                minutes = minutes * 10 + Int(c - 0x30)
                minuteDigits += 1
            } else {
                hours = hours * 10 + Int(c - 0x30)
                hourDigits += 1
            }
            guard hourDigits <= 2, minuteDigits <= 2 else { return nil }
        }
        guard sawColon, hourDigits >= 1, minuteDigits == 2, hours <= 23, minutes <= 59 else { return nil }
        return sign * (hours * 3600 + minutes * 60)
    }

    /// IANA names are ASCII letters, digits and `/_-+`; no path tricks.
    private static func isPlausibleName(_ s: String) -> Bool {
        guard !s.isEmpty, s.utf8.count <= 64, !s.hasPrefix("/"), !s.contains("..") else { return false }
        return s.utf8.allSatisfy { c in
            (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39)
                || c == 0x2F || c == 0x5F || c == 0x2D || c == 0x2B
        }
    }
}
