/// An IP network: an address and a prefix length (`10.0.0.0/8`, `2001:db8::/32`).
public struct CIDR: Sendable, Hashable, CustomStringConvertible {
    /// The address as written (host bits are kept; see `masked`).
    public let address: IPAddress
    public let prefixLength: Int

    public init?(address: IPAddress, prefixLength: Int) {
        guard prefixLength >= 0, prefixLength <= address.bitCount else { return nil }
        self.address = address
        self.prefixLength = prefixLength
    }

    /// `address/length` with a decimal length (no sign, no leading zeros) within the family's size;
    /// a bare address is a /32 or /128 network.
    public static func parse(_ s: String) -> CIDR? {
        let parts = s.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress.parse(String(parts[0])) else { return nil }
        guard parts.count == 2 else { return CIDR(address: address, prefixLength: address.bitCount) }
        let digits = Array(parts[1].utf8)
        guard !digits.isEmpty, digits.count <= 3, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            digits.count == 1 || digits[0] != 0x30
        else { return nil }
        let length = digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        return CIDR(address: address, prefixLength: length)
    }

    /// True when `ip` is of the same family and shares the first `prefixLength` bits.
    /// An IPv4-mapped IPv6 address is not in an IPv4 network (and vice versa).
    public func contains(_ ip: IPAddress) -> Bool {
        ip.isIPv4 == address.isIPv4 && ip.masked(to: prefixLength) == address.masked(to: prefixLength)
    }

    /// True when every address of `other` is in this network.
    public func contains(_ other: CIDR) -> Bool {
        other.prefixLength >= prefixLength && contains(other.address)
    }

    /// The network with host bits cleared.
    public var masked: CIDR {
        CIDR(unchecked: address.masked(to: prefixLength), prefixLength: prefixLength)
    }

    public var description: String { "\(address)/\(prefixLength)" }

    private init(unchecked address: IPAddress, prefixLength: Int) {
        self.address = address
        self.prefixLength = prefixLength
    }
}
