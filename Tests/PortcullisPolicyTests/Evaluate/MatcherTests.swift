import PortcullisModel
import Testing
@testable import PortcullisPolicy

@Suite struct MatcherTests {
    func allows(_ rule: String, _ request: AuthzRequest) throws -> Bool {
        try Fixture.bundle("name: p\nrules:\n  - action: allow\n" + rule).decide(request).allowed
    }

    @Test func principalsWithGlobsAndIstioForm() throws {
        let rule = "    from: [{principals: [\"spiffe://cluster.local/ns/shop/sa/*\", \"cluster.local/ns/ops/sa/admin\"]}]\n"
        #expect(try allows(rule, Fixture.request(source: "spiffe://cluster.local/ns/shop/sa/web")))
        #expect(try allows(rule, Fixture.request(source: "spiffe://cluster.local/ns/ops/sa/admin")))
        #expect(try !allows(rule, Fixture.request(source: "spiffe://cluster.local/ns/ops/sa/web")))
        #expect(try !allows(rule, Fixture.request(source: "")))
    }

    @Test func notFormsExclude() throws {
        let rule = "    from: [{namespaces: [\"*\"], not_namespaces: [kube-system]}]\n"
        #expect(try allows(rule, Fixture.request(source: "spiffe://td/ns/shop/sa/a")))
        #expect(try !allows(rule, Fixture.request(source: "spiffe://td/ns/kube-system/sa/a")))
        #expect(try !allows(rule, Fixture.request(source: "")))
    }

    @Test func trustDomainsAndServiceAccounts() throws {
        let rule = "    from: [{trust_domains: [prod.example], service_accounts: [api]}]\n"
        #expect(try allows(rule, Fixture.request(source: "spiffe://prod.example/ns/x/sa/api")))
        #expect(try !allows(rule, Fixture.request(source: "spiffe://dev.example/ns/x/sa/api")))
    }

    @Test func ipBlocksV4AndV6() throws {
        let rule = "    from: [{ip_blocks: [10.0.0.0/8, \"2001:db8::/32\"], not_ip_blocks: [10.9.0.0/16]}]\n"
        #expect(try allows(rule, Fixture.request(sourceAddress: "10.1.2.3")))
        #expect(try allows(rule, Fixture.request(sourceAddress: "2001:db8::1")))
        #expect(try !allows(rule, Fixture.request(sourceAddress: "10.9.1.1")))
        #expect(try !allows(rule, Fixture.request(sourceAddress: "192.168.1.1")))
        #expect(try !allows(rule, Fixture.request(sourceAddress: "not-an-ip")))
    }

    @Test func hostsAreCaseInsensitiveWithoutPort() throws {
        let rule = "    to: [{hosts: [Shop.Example.com, \"*.api.example.com\", \"admin.*\"]}]\n"
        #expect(try allows(rule, Fixture.request(host: "SHOP.example.COM:8443")))
        #expect(try allows(rule, Fixture.request(host: "v1.api.example.com")))
        #expect(try allows(rule, Fixture.request(host: "admin.internal")))
        #expect(try !allows(rule, Fixture.request(host: "api.example.com")))
    }

    @Test func methodsAndPorts() throws {
        let rule = "    to: [{methods: [get, HEAD], ports: [\"8080\"], not_ports: [\"9090\"]}]\n"
        #expect(try allows(rule, Fixture.request(method: "GET", port: 8080)))
        #expect(try allows(rule, Fixture.request(method: "HEAD", port: 8080)))
        #expect(try !allows(rule, Fixture.request(method: "POST", port: 8080)))
        #expect(try !allows(rule, Fixture.request(method: "GET", port: 9000)))
    }

    @Test(arguments: [
        ("/orders", "/orders", true), ("/orders", "/orders/1", false), ("/orders", "/orders?x=1", true),
        ("/api/*", "/api/", true), ("/api/*", "/api/v1/x", true), ("/api/*", "/api", false),
        ("*.json", "/a/b.json", true), ("*.json", "/a/b.jsonx", false), ("*", "/anything", true),
        ("/users/{*}/orders", "/users/42/orders", true), ("/users/{*}/orders", "/users//orders", false),
        ("/users/{*}/orders", "/users/4/2/orders", false), ("/users/{id}", "/users/7", true),
        ("/files/{**}", "/files", true), ("/files/{**}", "/files/a/b/c", true), ("/files/{**}", "/filesx", false),
        ("/{*}/health", "/svc/health", true), ("/{*}/health", "/health", false),
    ])
    func paths(pattern: String, path: String, expected: Bool) throws {
        let rule = "    to: [{paths: [\"\(pattern)\"]}]\n"
        #expect(try allows(rule, Fixture.request(path: path)) == expected)
        let negated = "    to: [{not_paths: [\"\(pattern)\"]}]\n"
        #expect(try allows(negated, Fixture.request(path: path)) == !expected)
    }

    @Test func peerFactsParseSpiffe() {
        let p = PeerFacts(principal: "spiffe://cluster.local/ns/shop/sa/web")
        #expect(p.trustDomain == "cluster.local")
        #expect(p.namespace == "shop")
        #expect(p.serviceAccount == "web")
        let q = PeerFacts(principal: "dns:example.com")
        #expect(q.trustDomain.isEmpty && q.namespace.isEmpty)
    }

    @Test(arguments: [
        ("spiffe://td/sa/api/ns/ops", "td", "ops", "api"),  // any order
        ("spiffe://td/ns/", "td", "", ""),  // a key with an empty value
        ("spiffe://td/ns", "td", "", ""),  // a key without a value
        ("spiffe://td//ns/x", "td", "", ""),  // an empty segment is a key (its value: "ns")
        ("spiffe://td/nss/x/sa/y", "td", "", "y"),  // only the keys `ns` and `sa`
        ("spiffe:///ns/x", "", "", ""),  // no trust domain: nothing
        ("spiffe://", "", "", ""),
        ("spiffe://d\u{E9}j\u{E0}/ns/caf\u{E9}/sa/\u{1F600}", "d\u{E9}j\u{E0}", "caf\u{E9}", "\u{1F600}"),
    ])
    func peerParts(principal: String, trustDomain: String, namespace: String, serviceAccount: String) {
        let p = PeerFacts(principal: principal)
        #expect(p.trustDomain == trustDomain)
        #expect(p.namespace == namespace)
        #expect(p.serviceAccount == serviceAccount)
    }

    @Test func globMatching() {
        #expect(StringPattern(glob: "a*b*c").matches("axxbyyc"))
        #expect(StringPattern(glob: "a*b*c").matches("abc"))
        #expect(!StringPattern(glob: "a*b*c").matches("acb"))
        #expect(!StringPattern(glob: "ab*ba").matches("aba"))
        #expect(StringPattern(glob: "*") == .presence)
        #expect(!StringPattern.presence.matches(""))
    }
}
