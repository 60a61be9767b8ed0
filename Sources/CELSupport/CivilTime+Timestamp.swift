extension CivilTime {
    /// RFC 3339 (`2009-02-13T23:31:30Z`, `2009-02-13T15:31:30.5-08:00`): uppercase `T` and `Z`, up to 9
    /// fraction digits, offsets up to ±23:59. Nil on malformed text or a result outside the valid range.
    public static func parseTimestamp(_ s: String) -> CELTimestamp? {
        let b = Array(s.utf8)
        var i = 0
        func digits(_ n: Int) -> Int? {
            guard i + n <= b.count else { return nil }
            var v = 0
            for k in i..<(i + n) {
                let c = b[k]
                guard c >= 0x30, c <= 0x39 else { return nil }
                v = v * 10 + Int(c - 0x30)
            }
            i += n
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), expect(0x2D), let month = digits(2), expect(0x2D), let day = digits(2),
            expect(0x54), let hour = digits(2), expect(0x3A), let minute = digits(2), expect(0x3A),
            let second = digits(2)
        else { return nil }
        guard month >= 1, month <= 12, day >= 1, day <= daysInMonth(year, month), hour <= 23, minute <= 59,
            second <= 59
        else { return nil }
        var nanos = 0
        if i < b.count, b[i] == 0x2E {
            i += 1
            var count = 0
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                guard count < 9 else { return nil }
                nanos = nanos * 10 + Int(b[i] - 0x30)
                count += 1
                i += 1
            }
            guard count > 0 else { return nil }
            for _ in count..<9 { nanos *= 10 }
        }
        var offset = 0
        guard i < b.count else { return nil }
        if b[i] == 0x5A {
            i += 1
        } else if b[i] == 0x2B || b[i] == 0x2D {
            let negative = b[i] == 0x2D
            i += 1
            guard let oh = digits(2), expect(0x3A), let om = digits(2), oh <= 23, om <= 59 else { return nil }
            offset = (oh * 3600 + om * 60) * (negative ? -1 : 1)
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        let seconds = days(fromCivil: year, month, day) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
            - Int64(offset)
        let t = CELTimestamp(seconds: seconds, nanos: Int32(nanos))
        return isValid(t) ? t : nil
    }

    /// `2009-02-13T23:31:30Z`; a non-zero fraction is written with 3, 6 or 9 digits (protobuf JSON style).
    /// Years outside 0001...9999 (invalid timestamps) are written with as many digits as needed.
    public static func formatTimestamp(_ t: CELTimestamp) -> String {
        let days = floorDiv(t.seconds, 86_400)
        let secondOfDay = Int(t.seconds - days * 86_400)
        let (year, month, day) = civil(fromDays: days)
        var out = ""
        out.reserveCapacity(30)
        if year < 0 { out += "-" }
        out += pad(abs(year), 4)
        out += "-" + pad(month, 2) + "-" + pad(day, 2)
        out += "T" + pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
        let nanos = Int(t.nanos)
        if nanos > 0 && nanos < 1_000_000_000 {
            out += "." + fraction(nanos)
        }
        out += "Z"
        return out
    }

    static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// 3, 6 or 9 digits of a nanosecond count in 1...999,999,999.
    static func fraction(_ nanos: Int) -> String {
        if nanos % 1_000_000 == 0 { return pad(nanos / 1_000_000, 3) }
        if nanos % 1000 == 0 { return pad(nanos / 1000, 6) }
        return pad(nanos, 9)
    }
}
