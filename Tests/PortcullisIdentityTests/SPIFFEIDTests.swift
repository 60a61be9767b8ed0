import Testing

@testable import PortcullisIdentity

@Suite struct SPIFFEIDTests {
    @Test func istioServiceAccount() throws {
        let id = try #require(SPIFFEID("spiffe://cluster.local/ns/shop/sa/cart"))
        #expect(id.trustDomain == "cluster.local")
        #expect(id.namespace == "shop")
        #expect(id.serviceAccount == "cart")
        #expect(id.path == "/ns/shop/sa/cart")
        #expect(id.description == "spiffe://cluster.local/ns/shop/sa/cart")
    }

    @Test func otherPaths() throws {
        let id = try #require(SPIFFEID("spiffe://example.org/workload/Batch_1"))
        #expect(id.namespace == nil)
        #expect(id.serviceAccount == nil)
        let domainOnly = try #require(SPIFFEID("spiffe://example.org"))
        #expect(domainOnly.path == "")
        #expect(SPIFFEID("spiffe://td/ns/a/sa/b/extra")?.serviceAccount == nil)
    }

    @Test(arguments: [
        "", "http://cluster.local/ns/a/sa/b", "SPIFFE://cluster.local/ns/a", "spiffe://", "spiffe:///ns/a",
        "spiffe://Cluster.local/ns/a", "spiffe://cluster.local:8080/ns/a", "spiffe://user@cluster.local/ns/a",
        "spiffe://cluster.local/ns//sa/b", "spiffe://cluster.local/ns/a/", "spiffe://cluster.local/ns/../sa/b",
        "spiffe://cluster.local/ns/a?x=1", "spiffe://cluster.local/ns/a#f", "spiffe://cluster.local/ns/a%20b",
    ])
    func rejectsInvalid(_ text: String) {
        #expect(SPIFFEID(text) == nil)
    }

    @Test func rejectsOverlong() {
        #expect(SPIFFEID("spiffe://td/" + String(repeating: "a", count: 2100)) == nil)
    }
}
