import Testing
@testable import CELSupport

@Test func parsesNetworks() throws {
    let net = try #require(CIDR.parse("10.0.0.0/8"))
    #expect(net.prefixLength == 8)
    #expect(net.address == IPAddress.parse("10.0.0.0"))
    #expect(net.description == "10.0.0.0/8")
    let v6 = try #require(CIDR.parse("2001:DB8::/32"))
    #expect(v6.description == "2001:db8::/32")
    #expect(CIDR.parse("1.2.3.4")?.prefixLength == 32)
    #expect(CIDR.parse("::1")?.prefixLength == 128)
    #expect(CIDR.parse("0.0.0.0/0")?.prefixLength == 0)
    #expect(CIDR.parse("::/0")?.prefixLength == 0)
}

@Test(arguments: ["10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/08", "10.0.0.0/+8", "/8",
    "10.0.0/8", "10.0.0.0/8/8", "10.0.0.0/ 8", "10.0.0.0/1000", ""])
func rejectsBadNetworks(_ text: String) {
    #expect(CIDR.parse(text) == nil)
}

@Test func containsAddresses() throws {
    let net = try #require(CIDR.parse("192.168.0.0/16"))
    #expect(net.contains(IPAddress.parse("192.168.255.1")!))
    #expect(!net.contains(IPAddress.parse("192.169.0.1")!))
    #expect(!net.contains(IPAddress.parse("::ffff:192.168.0.1")!))
    let hostBits = try #require(CIDR.parse("192.168.1.77/24"))
    #expect(hostBits.contains(IPAddress.parse("192.168.1.1")!))
    #expect(hostBits.description == "192.168.1.77/24")
    #expect(hostBits.masked.description == "192.168.1.0/24")
    let v6 = try #require(CIDR.parse("2001:db8::/32"))
    #expect(v6.contains(IPAddress.parse("2001:db8:ffff::1")!))
    #expect(!v6.contains(IPAddress.parse("2001:db9::1")!))
    #expect(!v6.contains(IPAddress.parse("10.0.0.1")!))
    let odd = try #require(CIDR.parse("2001:db8::/67"))
    #expect(odd.contains(IPAddress.parse("2001:db8:0:0:1fff::1")!))
    #expect(!odd.contains(IPAddress.parse("2001:db8:0:0:2000::1")!))
    #expect(odd.masked.description == "2001:db8::/67")
    #expect(CIDR.parse("0.0.0.0/0")!.contains(IPAddress.parse("1.2.3.4")!))
    #expect(CIDR.parse("::/0")!.contains(IPAddress.parse("::ffff:1.2.3.4")!))
    #expect(CIDR.parse("1.2.3.4/32")!.contains(IPAddress.parse("1.2.3.4")!))
    #expect(!CIDR.parse("1.2.3.4/32")!.contains(IPAddress.parse("1.2.3.5")!))
    #expect(CIDR.parse("10.1.2.3/31")!.masked.description == "10.1.2.2/31")
}

@Test func containsNetworks() throws {
    let big = try #require(CIDR.parse("10.0.0.0/8"))
    #expect(big.contains(CIDR.parse("10.1.0.0/16")!))
    #expect(big.contains(big))
    #expect(!CIDR.parse("10.1.0.0/16")!.contains(big))
    #expect(!big.contains(CIDR.parse("11.0.0.0/16")!))
    #expect(!big.contains(CIDR.parse("::ffff:10.0.0.0/104")!))
}
