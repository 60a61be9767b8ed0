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
        var b = Array(s.utf8)[...]
        var sign = 1
        if let first = b.first, first == 0x2B || first == 0x2D {
            sign = first == 0x2D ? -1 : 1
            b = b.dropFirst()
        }
        let parts = b.split(separator: 0x3A, omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
            let h = number(parts[0]), let m = number(parts[1]), h <= 23, m <= 59
        else { return nil }
        return sign * (h * 3600 + m * 60)
    }

    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        var v = 0
        for c in digits {
            guard c >= 0x30, c <= 0x39 else { return nil }
            v = v * 10 + Int(c - 0x30)
        }
        return v
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
