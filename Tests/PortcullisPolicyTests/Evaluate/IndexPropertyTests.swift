import PortcullisModel
import Testing
@testable import PortcullisPolicy

/// SplitMix64: a small seeded generator so failures replay.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

/// The indexed evaluator and the unindexed reference must agree on random rule sets and random requests.
@Suite struct IndexPropertyTests {
    static let paths = ["/a", "/a/b", "/b/c.json", "/users/1/orders", "/users//orders", "/files", "/files/x/y", "/", "/ab"]
    static let pathPatterns = ["/a", "/a/*", "*.json", "*", "/users/{*}/orders", "/files/{**}", "/b/*", "/a*", "/{*}/b"]
    static let hosts = ["a.example.com", "B.example.com:8443", "x.test", "example.com"]
    static let hostPatterns = ["a.example.com", "*.example.com", "x.*", "*", "example.com"]
    static let methods = ["GET", "POST", "DELETE"]
    static let principals = ["spiffe://td/ns/n1/sa/s1", "spiffe://td/ns/n2/sa/s2", "spiffe://other/ns/n1/sa/s2", ""]
    static let principalPatterns = ["spiffe://td/ns/n1/sa/*", "*/sa/s2", "*", "spiffe://td/ns/n2/sa/s2", "td/ns/n1/sa/s1", "spiffe://*/ns/n1/*"]
    static let namespaces = ["n1", "n2", "n*"]
    static let ports = ["80", "8080"]
    static let addresses = ["10.0.0.1", "192.168.1.1", "2001:db8::5", "bogus"]
    static let blocks = ["10.0.0.0/8", "2001:db8::/32", "192.168.1.1"]
    static let conditions = ["request.method == 'GET'", "request.headers['x-a'] == '1'", "source.ns == 'n1'", "true"]

    func pick<T>(_ xs: [T], _ g: inout SeededGenerator) -> T { xs[Int(g.next() % UInt64(xs.count))] }
    func chance(_ p: Double, _ g: inout SeededGenerator) -> Bool { Double(g.next() % 1000) / 1000 < p }

    func list(_ xs: [String], _ g: inout SeededGenerator) -> String {
        let n = 1 + Int(g.next() % 2)
        return "[" + (0..<n).map { _ in "\"\(pick(xs, &g))\"" }.joined(separator: ", ") + "]"
    }

    func field(_ name: String, _ xs: [String], _ g: inout SeededGenerator) -> String {
        (chance(0.2, &g) ? "not_" : "") + name + ": " + list(xs, &g)
    }

    func randomBundle(_ g: inout SeededGenerator) -> String {
        var yaml = ""
        for p in 0..<(1 + Int(g.next() % 4)) {
            yaml += "---\nname: p\(p)\n"
            if chance(0.3, &g) { yaml += "default: allow\n" }
            if chance(0.15, &g) { yaml += "dry_run: true\n" }
            if chance(0.4, &g) {
                var sel: [String] = []
                if chance(0.5, &g) { sel.append("hosts: " + list(Self.hostPatterns, &g)) }
                if chance(0.4, &g) { sel.append("paths: " + list(Self.pathPatterns, &g)) }
                if chance(0.3, &g) { sel.append("namespaces: " + list(["n1", "n2"], &g)) }
                if chance(0.3, &g) { sel.append("context_extensions: {route: \(pick(["a", "b"], &g))}") }
                if !sel.isEmpty { yaml += "selector: {" + sel.joined(separator: ", ") + "}\n" }
            }
            yaml += "rules:\n"
            for r in 0..<Int(g.next() % 7) {
                yaml += "  - name: r\(r)\n    action: \(pick(["allow", "allow", "deny", "audit"], &g))\n"
                if chance(0.1, &g) { yaml += "    dry_run: true\n" }
                if chance(0.6, &g) {
                    yaml += "    from:\n"
                    for _ in 0..<(1 + Int(g.next() % 2)) {
                        var fs: [String] = []
                        if chance(0.5, &g) { fs.append(field("principals", Self.principalPatterns, &g)) }
                        if chance(0.3, &g) { fs.append(field("namespaces", Self.namespaces, &g)) }
                        if chance(0.2, &g) { fs.append(field("service_accounts", ["s1", "s2"], &g)) }
                        if chance(0.2, &g) { fs.append(field("ip_blocks", Self.blocks, &g)) }
                        if chance(0.1, &g) { fs.append(field("trust_domains", ["td", "other"], &g)) }
                        if fs.isEmpty { fs.append(field("namespaces", Self.namespaces, &g)) }
                        yaml += "      - {" + fs.joined(separator: ", ") + "}\n"
                    }
                }
                if chance(0.7, &g) {
                    yaml += "    to:\n"
                    for _ in 0..<(1 + Int(g.next() % 2)) {
                        var fs: [String] = []
                        if chance(0.6, &g) { fs.append(field("paths", Self.pathPatterns, &g)) }
                        if chance(0.4, &g) { fs.append(field("methods", Self.methods, &g)) }
                        if chance(0.3, &g) { fs.append(field("hosts", Self.hostPatterns, &g)) }
                        if chance(0.2, &g) { fs.append(field("ports", Self.ports, &g)) }
                        if fs.isEmpty { fs.append(field("methods", Self.methods, &g)) }
                        yaml += "      - {" + fs.joined(separator: ", ") + "}\n"
                    }
                }
                if chance(0.25, &g) { yaml += "    when: [\"\(pick(Self.conditions, &g))\"]\n" }
            }
        }
        return yaml
    }

    func randomRequest(_ g: inout SeededGenerator) -> AuthzRequest {
        Fixture.request(
            method: pick(Self.methods, &g), path: pick(Self.paths, &g) + (chance(0.2, &g) ? "?q=1" : ""),
            host: pick(Self.hosts, &g), headers: chance(0.5, &g) ? [("x-a", pick(["1", "2"], &g))] : [],
            source: pick(Self.principals, &g), sourceAddress: pick(Self.addresses, &g),
            destination: pick(["spiffe://td/ns/n1/sa/d", "spiffe://td/ns/n2/sa/d"], &g),
            port: UInt32(pick(Self.ports, &g)) ?? 80,
            contextExtensions: chance(0.5, &g) ? ["route": pick(["a", "b"], &g)] : [:])
    }

    @Test(arguments: [1, 2, 3, 4])
    func indexedAndReferenceEvaluationAgree(seed: UInt64) throws {
        var g = SeededGenerator(state: seed)
        var compared = 0
        for round in 0..<60 {
            let yaml = randomBundle(&g)
            let bundle = try Fixture.bundle(yaml)
            for _ in 0..<40 {
                let request = randomRequest(&g)
                let a = bundle.decide(request)
                let b = bundle.decideWithoutIndex(request)
                let same = a.allowed == b.allowed && a.httpStatus == b.httpStatus && a.policy == b.policy
                    && a.rules == b.rules && a.dryRun == b.dryRun && a.errors == b.errors && a.headers == b.headers
                    && a.dynamicMetadata == b.dynamicMetadata
                #expect(same, "seed \(seed) round \(round): indexed \(a) vs reference \(b) for \(request)\n\(yaml)")
                if !same { return }
                compared += 1
            }
        }
        #expect(compared == 60 * 40)
    }

    @Test func indexOffersFewRulesInALargeBundle() throws {
        var yaml = "name: big\nrules:\n"
        for i in 0..<2000 { yaml += "  - {name: r\(i), action: allow, to: [{paths: [\"/svc\(i)/*\"], methods: [GET]}]}\n" }
        let bundle = try Fixture.bundle(yaml)
        let facts = RequestFacts(Fixture.request(path: "/svc1234/items"))
        #expect(bundle.ruleIndex.candidates(facts) == [1234])
        #expect(bundle.decide(Fixture.request(path: "/svc1234/items")).rules == ["r1234"])
    }
}
