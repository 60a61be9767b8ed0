import Testing
@testable import CELSupport

@Test(arguments: [
    ("192.168.0.1", "192.168.0.1", true),
    ("0.0.0.0", "0.0.0.0", true),
    ("255.255.255.255", "255.255.255.255", true),
    ("::", "::", false),
    ("::1", "::1", false),
    ("2001:db8::1", "2001:db8::1", false),
    ("2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1", false),
    ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1", false),
    ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1", false),
    ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1", false),
    ("fe80::", "fe80::", false),
    ("1::", "1::", false),
    ("::ffff:1.2.3.4", "::ffff:1.2.3.4", false),
    ("::ffff:102:304", "::ffff:1.2.3.4", false),
    ("::1.2.3.4", "::102:304", false),
    ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8", false),
    ("1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304", false),
])
func parsesAndFormatsCanonically(_ text: String, _ canonical: String, _ v4: Bool) throws {
    let ip = try #require(IPAddress.parse(text))
    #expect(ip.description == canonical)
    #expect(ip.isIPv4 == v4)
    #expect(ip.bytes.count == (v4 ? 4 : 16))
    #expect(IPAddress.parse(canonical) == ip)
    #expect(IPAddress(bytes: ip.bytes) == ip)
}

@Test(arguments: [
    "", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.256", "1.2.3.-4", "1..2.3", "1.2.3.4 ", " 1.2.3.4", "a.b.c.d",
    "1.2.3.4/8", ":::", "1:::2", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "::g", "fe80::1%eth0",
    "[::1]", ":1::", "1::2:", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3", "::ffff:01.2.3.4", "1.2.3.4::", "１.2.3.4",
])
func rejectsBadAddresses(_ text: String) {
    #expect(IPAddress.parse(text) == nil)
}

@Test func ipv4MappedStaysIPv6ButDifferentFromIPv4() throws {
    let mapped = try #require(IPAddress.parse("::ffff:10.0.0.1"))
    let plain = try #require(IPAddress.parse("10.0.0.1"))
    #expect(!mapped.isIPv4)
    #expect(mapped != plain)
    #expect(mapped.unmapped == plain)
    #expect(mapped.bytes == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 10, 0, 0, 1])
}

@Test func classification() throws {
    func ip(_ s: String) throws -> IPAddress { try #require(IPAddress.parse(s)) }
    #expect(try ip("127.0.0.1").isLoopback)
    #expect(try ip("127.255.0.9").isLoopback)
    #expect(try ip("::1").isLoopback)
    #expect(try ip("::ffff:127.0.0.1").isLoopback)
    #expect(try !ip("128.0.0.1").isLoopback)
    #expect(try ip("0.0.0.0").isUnspecified)
    #expect(try ip("::").isUnspecified)
    #expect(try !ip("::1").isUnspecified)
    #expect(try ip("169.254.1.1").isLinkLocalUnicast)
    #expect(try ip("fe80::1").isLinkLocalUnicast)
    #expect(try ip("febf::1").isLinkLocalUnicast)
    #expect(try !ip("fec0::1").isLinkLocalUnicast)
    #expect(try ip("8.8.8.8").isGlobalUnicast)
    #expect(try ip("10.0.0.1").isGlobalUnicast)
    #expect(try ip("2001:db8::1").isGlobalUnicast)
    #expect(try !ip("255.255.255.255").isGlobalUnicast)
    #expect(try !ip("224.0.0.1").isGlobalUnicast)
    #expect(try !ip("ff02::1").isGlobalUnicast)
    #expect(try !ip("127.0.0.1").isGlobalUnicast)
    #expect(try !ip("0.0.0.0").isGlobalUnicast)
    #expect(try !ip("fe80::1").isGlobalUnicast)
}
