/// An IPv4 or IPv6 address (no zone). IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`) stay IPv6.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// The 128 address bits, most significant first; an IPv4 address uses only the low 32 bits of `low`.
    let high: UInt64
    let low: UInt64
    public let isIPv4: Bool

    init(high: UInt64, low: UInt64, isIPv4: Bool) {
        self.high = high
        self.low = low
        self.isIPv4 = isIPv4
    }

    init(v4: UInt32) {
        self.init(high: 0, low: UInt64(v4), isIPv4: true)
    }

    /// An address from 4 or 16 bytes; nil for any other length.
    public init?(bytes: [UInt8]) {
        switch bytes.count {
        case 4:
            self.init(v4: bytes.reduce(0) { $0 << 8 | UInt32($1) })
        case 16:
            let h = bytes[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let l = bytes[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            self.init(high: h, low: l, isIPv4: false)
        default:
            return nil
        }
    }

    public var bytes: [UInt8] {
        if isIPv4 { return (0..<4).map { UInt8(truncatingIfNeeded: low >> (24 - 8 * $0)) } }
        return (0..<8).map { UInt8(truncatingIfNeeded: high >> (56 - 8 * $0)) }
            + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * $0)) }
    }

    /// Prefix length of the family: 32 or 128.
    public var bitCount: Int { isIPv4 ? 32 : 128 }

    /// True for `::ffff:a.b.c.d`.
    public var isIPv4Mapped: Bool { !isIPv4 && high == 0 && low >> 32 == 0xFFFF }

    /// The IPv4 address of an IPv4-mapped IPv6 address; otherwise self.
    public var unmapped: IPAddress { isIPv4Mapped ? IPAddress(v4: UInt32(truncatingIfNeeded: low)) : self }

    public var isLoopback: Bool {
        let a = unmapped
        return a.isIPv4 ? a.low >> 24 == 127 : (a.high == 0 && a.low == 1)
    }

    public var isUnspecified: Bool { high == 0 && low == 0 }

    public var isLinkLocalUnicast: Bool {
        let a = unmapped
        return a.isIPv4 ? a.low >> 16 == 0xA9FE : a.high >> 54 == 0x3FA    // 169.254/16, fe80::/10
    }

    public var isMulticast: Bool {
        let a = unmapped
        return a.isIPv4 ? a.low >> 28 == 0xE : a.high >> 56 == 0xFF       // 224/4, ff00::/8
    }

    /// Go's `netip.Addr.IsGlobalUnicast`: not unspecified, loopback, multicast, link-local or IPv4 broadcast
    /// (private ranges count as global unicast).
    public var isGlobalUnicast: Bool {
        let a = unmapped
        if a.isIPv4 && a.low == 0xFFFF_FFFF { return false }
        return !a.isUnspecified && !a.isLoopback && !a.isMulticast && !a.isLinkLocalUnicast
    }

    /// The address with all bits after the first `prefixLength` cleared.
    func masked(to prefixLength: Int) -> IPAddress {
        if isIPv4 {
            let mask: UInt64 = prefixLength <= 0 ? 0 : (0xFFFF_FFFF << (32 - UInt64(min(prefixLength, 32)))) & 0xFFFF_FFFF
            return IPAddress(high: 0, low: low & mask, isIPv4: true)
        }
        let p = max(0, min(prefixLength, 128))
        let highMask: UInt64 = p >= 64 ? ~0 : (p == 0 ? 0 : ~0 << UInt64(64 - p))
        let lowMask: UInt64 = p <= 64 ? 0 : (p == 128 ? ~0 : ~0 << UInt64(128 - p))
        return IPAddress(high: high & highMask, low: low & lowMask, isIPv4: false)
    }
}
