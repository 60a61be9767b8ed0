extension IPAddress {
    /// IPv4 dotted quad (decimal, no leading zeros) or IPv6 text (RFC 4291, with `::` and an optional trailing
    /// dotted quad). Zones (`%eth0`), brackets and surrounding spaces are rejected.
    public static func parse(_ s: String) -> IPAddress? {
        let b = Array(s.utf8)
        guard !b.isEmpty, b.count <= 45 else { return nil }
        if b.contains(0x3A) { return parseV6(b[...]) }
        return parseV4(b[...]).map { IPAddress(v4: $0) }
    }

    static func parseV4(_ b: ArraySlice<UInt8>) -> UInt32? {
        var value: UInt32 = 0
        var parts = 0
        var part = 0
        var digits = 0
        var leadingZero = false
        for c in b {
            if c == 0x2E {
                guard digits > 0, parts < 3 else { return nil }
                value = value << 8 | UInt32(part)
                parts += 1
                part = 0
                digits = 0
                continue
            }
            guard c >= 0x30, c <= 0x39 else { return nil }
            if digits == 0 { leadingZero = c == 0x30 } else if leadingZero { return nil }
            part = part * 10 + Int(c - 0x30)
            digits += 1
            guard digits <= 3, part <= 255 else { return nil }
        }
        guard digits > 0, parts == 3 else { return nil }
        return value << 8 | UInt32(part)
    }

    static func parseV6(_ b: ArraySlice<UInt8>) -> IPAddress? {
        var groups: [UInt16] = []
        groups.reserveCapacity(8)
        var ellipsis: Int? = nil     // index in `groups` where `::` stands
        var i = b.startIndex
        if b.starts(with: [0x3A, 0x3A]) {
            ellipsis = 0
            i += 2
            if i == b.endIndex { return IPAddress(high: 0, low: 0, isIPv4: false) }
        } else if b.first == 0x3A {
            return nil
        }
        while i < b.endIndex {
            // One group, or a trailing dotted quad.
            var j = i
            var value = 0
            while j < b.endIndex, let h = hexValue(b[j]) {
                value = value * 16 + h
                j += 1
                guard j - i <= 4 else { break }
            }
            if j < b.endIndex, b[j] == 0x2E {
                guard groups.count <= 6, let v4 = parseV4(b[i...]) else { return nil }
                groups.append(UInt16(v4 >> 16))
                groups.append(UInt16(v4 & 0xFFFF))
                i = b.endIndex
                break
            }
            guard j > i, j - i <= 4 else { return nil }
            groups.append(UInt16(value))
            guard groups.count <= 8 else { return nil }
            i = j
            if i == b.endIndex { break }
            guard b[i] == 0x3A else { return nil }
            i += 1
            if i < b.endIndex, b[i] == 0x3A {
                guard ellipsis == nil else { return nil }
                ellipsis = groups.count
                i += 1
                if i == b.endIndex { break }
            } else if i == b.endIndex {
                return nil    // trailing single ':'
            }
        }
        if let ellipsis {
            guard groups.count < 8 else { return nil }
            let zeros = [UInt16](repeating: 0, count: 8 - groups.count)
            groups.insert(contentsOf: zeros, at: ellipsis)
        }
        guard groups.count == 8 else { return nil }
        let high = groups[0..<4].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        let low = groups[4..<8].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        return IPAddress(high: high, low: low, isIPv4: false)
    }

    static func hexValue(_ c: UInt8) -> Int? {
        switch c {
        case 0x30...0x39: return Int(c - 0x30)
        case 0x41...0x46: return Int(c - 0x41 + 10)
        case 0x61...0x66: return Int(c - 0x61 + 10)
        default: return nil
        }
    }
}
