extension IPAddress {
    /// Canonical text: dotted quad for IPv4; RFC 5952 for IPv6 (lowercase, no leading zeros, the longest run
    /// of two or more zero groups as `::`, `::ffff:1.2.3.4` for IPv4-mapped addresses).
    public var description: String {
        if isIPv4 { return Self.dotted(UInt32(truncatingIfNeeded: low)) }
        if isIPv4Mapped { return "::ffff:" + Self.dotted(UInt32(truncatingIfNeeded: low)) }
        let groups = (0..<4).map { UInt16(truncatingIfNeeded: high >> (48 - 16 * UInt64($0))) }
            + (0..<4).map { UInt16(truncatingIfNeeded: low >> (48 - 16 * UInt64($0))) }
        var bestStart = -1
        var bestLength = 1
        var k = 0
        while k < 8 {
            guard groups[k] == 0 else { k += 1; continue }
            var e = k
            while e < 8 && groups[e] == 0 { e += 1 }
            if e - k > bestLength {
                bestStart = k
                bestLength = e - k
            }
            k = e
        }
        var out = ""
        var g = 0
        while g < 8 {
            if g == bestStart {
                out += "::"
                g += bestLength
                continue
            }
            if !out.isEmpty && !out.hasSuffix(":") { out += ":" }
            out += String(groups[g], radix: 16)
            g += 1
        }
        return out
    }

    static func dotted(_ v: UInt32) -> String {
        "\(v >> 24).\(v >> 16 & 0xFF).\(v >> 8 & 0xFF).\(v & 0xFF)"
    }
}
