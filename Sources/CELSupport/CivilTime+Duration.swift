extension CivilTime {
    /// Go duration syntax: an optional sign, then one or more `<number><unit>` (`1h2m3.5s`, `-1.5s`, `100ms`),
    /// units `h m s ms us µs ns`; `0` alone is zero. Nil on malformed text or a result outside the valid range.
    public static func parseDuration(_ s: String) -> CELDuration? {
        let b = Array(s.utf8)
        var i = 0
        var negative = false
        if i < b.count, b[i] == 0x2D || b[i] == 0x2B {
            negative = b[i] == 0x2D
            i += 1
        }
        if i == b.count - 1, b[i] == 0x30 { return CELDuration(seconds: 0, nanos: 0) }
        guard i < b.count else { return nil }
        // Bound on the magnitude: anything past this is out of range anyway (and keeps Int128 safe).
        let limit = Int128(CELDuration.maxSeconds + 1) * 1_000_000_000
        var total: Int128 = 0
        while i < b.count {
            var whole: Int128 = 0
            var sawDigits = false
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                whole = whole * 10 + Int128(b[i] - 0x30)
                if whole > limit { return nil }
                sawDigits = true
                i += 1
            }
            var fraction: Int128 = 0
            var scale: Int128 = 1
            if i < b.count, b[i] == 0x2E {
                i += 1
                while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                    if scale < 1_000_000_000_000_000_000 {
                        fraction = fraction * 10 + Int128(b[i] - 0x30)
                        scale *= 10
                    }
                    sawDigits = true
                    i += 1
                }
            }
            guard sawDigits else { return nil }
            let unitStart = i
            while i < b.count, !(b[i] >= 0x30 && b[i] <= 0x39), b[i] != 0x2E { i += 1 }
            guard let unit = unitNanos(b[unitStart..<i]) else { return nil }
            total += whole * unit + fraction * unit / scale
            if total > limit { return nil }
        }
        let d = CELDuration(totalNanos: negative ? -total : total)
        return d.flatMap { isValid($0) ? $0 : nil }
    }

    static func unitNanos(_ unit: ArraySlice<UInt8>) -> Int128? {
        switch Array(unit) {
        case [0x6E, 0x73]: return 1                                  // ns
        case [0x75, 0x73], [0xC2, 0xB5, 0x73], [0xCE, 0xBC, 0x73]: return 1000  // us µs μs
        case [0x6D, 0x73]: return 1_000_000                          // ms
        case [0x73]: return 1_000_000_000                            // s
        case [0x6D]: return 60_000_000_000                           // m
        case [0x68]: return 3_600_000_000_000                        // h
        default: return nil
        }
    }

    /// Seconds with the shortest exact fraction: `3600s`, `1.5s`, `-0.000000001s`.
    public static func formatDuration(_ d: CELDuration) -> String {
        let total = d.totalNanos
        let magnitude = total < 0 ? -total : total
        let (secs, nanos) = magnitude.quotientAndRemainder(dividingBy: 1_000_000_000)
        var out = total < 0 ? "-" : ""
        out += String(secs)
        if nanos != 0 {
            var digits = pad(Int(nanos), 9)
            while digits.hasSuffix("0") { digits.removeLast() }
            out += "." + digits
        }
        return out + "s"
    }
}
