import CEL
import PortcullisModel
import Testing
@testable import PortcullisPolicy

/// One test per rule of the decision semantics in docs/policy-language.md.
@Suite struct DecisionSemanticsTests {
    @Test func matchingAllowRuleAllowsAndIsRecorded() throws {
        let b = try Fixture.bundle("""
            name: shop
            rules:
              - name: read
                action: allow
                to: [{methods: [GET]}]
            """)
        let d = b.decide(Fixture.request(method: "GET"))
        #expect(d.allowed)
        #expect(d.policy == "shop")
        #expect(d.rules == ["read"])
        #expect(!b.decide(Fixture.request(method: "POST")).allowed)
    }

    @Test func anyMatchingDenyBeatsMatchingAllow() throws {
        let b = try Fixture.bundle("""
            name: shop
            rules:
              - {name: all, action: allow}
              - name: no-admin
                action: deny
                to: [{paths: ["/admin/*"]}]
            """)
        #expect(b.decide(Fixture.request(path: "/orders")).allowed)
        let d = b.decide(Fixture.request(path: "/admin/users"))
        #expect(!d.allowed)
        #expect(d.httpStatus == 403)
        #expect(d.rules == ["no-admin"])
    }

    @Test func noMatchingRuleGivesThePolicyDefault() throws {
        let denyByDefault = try Fixture.bundle("""
            name: p
            rules: [{action: allow, to: [{paths: [/a]}]}]
            """)
        let d = denyByDefault.decide(Fixture.request(path: "/b"))
        #expect(!d.allowed)
        #expect(d.policy == "p")
        #expect(d.rules.isEmpty)
        let allowByDefault = try Fixture.bundle("""
            name: p
            default: allow
            selector: {hosts: [shop.example.com]}
            rules: [{action: deny, to: [{paths: [/a]}]}]
            """)
        #expect(allowByDefault.decide(Fixture.request(path: "/b")).allowed)
        #expect(!allowByDefault.decide(Fixture.request(path: "/a")).allowed)
    }

    @Test func severalPoliciesDenyWinsThenAllow() throws {
        let b = try Fixture.bundle("""
            - name: a
              rules: [{action: allow}]
            - name: b
              rules:
                - {action: allow, to: [{methods: [GET]}]}
            """)
        #expect(b.decide(Fixture.request(method: "GET")).allowed)
        let d = b.decide(Fixture.request(method: "PUT"))
        #expect(!d.allowed)
        #expect(d.policy == "b")
    }

    @Test func unselectedPolicyDoesNotApplyAndNoPolicyMeansBundleDefault() throws {
        let b = try Fixture.bundle("""
            name: shop-only
            selector: {hosts: ["*.shop.example.com"]}
            rules: [{action: allow}]
            """)
        #expect(b.decide(Fixture.request(host: "api.shop.example.com")).allowed)
        let d = b.decide(Fixture.request(host: "other.example.com"))
        #expect(!d.allowed)
        #expect(d.policy == nil)
        let open = try Fixture.bundle(
            "name: x\nselector: {hosts: [a.example]}\nrules: [{action: deny}]\n",
            manifest: Fixture.manifest + "default: allow\n")
        #expect(open.decide(Fixture.request(host: "b.example")).allowed)
    }

    @Test func selectorByDestinationPathAndContextExtensions() throws {
        let b = try Fixture.bundle("""
            - name: by-workload
              selector: {namespaces: [payments], service_accounts: [ledger]}
              rules: [{name: w, action: allow}]
            - name: by-route
              selector: {context_extensions: {route: internal}, paths: ["/int/*"]}
              rules: [{name: r, action: allow}]
            """)
        let ledger = "spiffe://cluster.local/ns/payments/sa/ledger"
        #expect(b.decide(Fixture.request(destination: ledger)).policy == "by-workload")
        #expect(!b.decide(Fixture.request(destination: "spiffe://cluster.local/ns/payments/sa/other")).allowed)
        #expect(b.decide(Fixture.request(path: "/int/x", contextExtensions: ["route": "internal"])).allowed)
        #expect(!b.decide(Fixture.request(path: "/int/x", contextExtensions: ["route": "public"])).allowed)
        #expect(!b.decide(Fixture.request(path: "/ext", contextExtensions: ["route": "internal"])).allowed)
    }

    @Test func auditRulesAreRecordedOnly() throws {
        let b = try Fixture.bundle("""
            name: p
            rules:
              - {name: watch, action: audit, to: [{paths: ["/secret"]}]}
              - {name: ok, action: allow}
            """)
        let d = b.decide(Fixture.request(path: "/secret"))
        #expect(d.allowed)
        #expect(d.rules == ["ok"])
        #expect(d.dynamicMetadata["audit"] == .array([.string("p/watch")]))
        #expect(b.decide(Fixture.request(path: "/x")).dynamicMetadata["audit"] == nil)
    }

    @Test func ruleNeedsOneSourceOneOperationAndAllConditions() throws {
        let b = try Fixture.bundle("""
            name: p
            rules:
              - name: r
                action: allow
                from:
                  - {namespaces: [a]}
                  - {namespaces: [b], service_accounts: [web]}
                to:
                  - {methods: [GET], paths: ["/x"]}
                  - operation: {methods: [POST]}
                when:
                  - request.headers["x-ok"] == "1"
                  - request.id != ""
            """)
        func req(_ ns: String, _ sa: String, _ m: String, _ p: String, ok: String = "1") -> AuthzRequest {
            Fixture.request(method: m, path: p, headers: [("x-ok", ok)], source: "spiffe://td/ns/\(ns)/sa/\(sa)")
        }
        #expect(b.decide(req("a", "any", "GET", "/x")).allowed)
        #expect(b.decide(req("b", "web", "POST", "/y")).allowed)
        #expect(!b.decide(req("b", "api", "GET", "/x")).allowed)  // fields inside a source are ANDed
        #expect(!b.decide(req("a", "any", "GET", "/y")).allowed)  // fields inside an operation are ANDed
        #expect(!b.decide(req("c", "web", "GET", "/x")).allowed)  // no source
        #expect(!b.decide(req("a", "any", "GET", "/x", ok: "0")).allowed)  // a condition is false
    }

    @Test func failedConditionFailsClosedAndIsRecorded() throws {
        let b = try Fixture.bundle("""
            - name: guard
              default: allow
              rules:
                - {name: bad-deny, action: deny, when: ['request.headers["x-tier"] == "free"']}
            """)
        let d = b.decide(Fixture.request())  // no x-tier header: the lookup fails
        #expect(!d.allowed)
        #expect(d.rules == ["bad-deny"])
        #expect(d.errors.count == 1)
        #expect(d.errors.first?.hasPrefix("guard/bad-deny: when[0]") == true)

        let a = try Fixture.bundle("""
            name: p
            rules:
              - {name: bad-allow, action: allow, when: ['request.headers["x-tier"] == "gold"']}
            """)
        let e = a.decide(Fixture.request())
        #expect(!e.allowed)
        #expect(e.errors.count == 1)
        #expect(a.decide(Fixture.request(headers: [("x-tier", "gold")])).allowed)
    }

    @Test func repeatedHeadersAreJoinedInOrderAndManyHeadersAreFound() throws {
        let b = try Fixture.bundle("""
            name: p
            rules:
              - {name: joined, action: allow, when: ['request.headers["x-a"] == "1,2,3" && request.headers["x-last"] == "z"']}
            """)
        let many = (0..<12).map { ("x-h\($0)", "v") }
        #expect(b.decide(Fixture.request(headers: [("x-a", "1"), ("x-last", "z"), ("x-a", "2"), ("x-a", "3")])).allowed)
        #expect(b.decide(Fixture.request(headers: many + [("x-a", "1"), ("x-a", "2")] + many + [("x-a", "3"), ("x-last", "z")])).allowed)
        #expect(!b.decide(Fixture.request(headers: [("x-a", "2"), ("x-a", "1"), ("x-a", "3"), ("x-last", "z")])).allowed)
        #expect(!b.decide(Fixture.request(headers: [("x-a", "1,2"), ("x-last", "z")])).allowed)
    }

    @Test func dryRunPolicyIsRecordedAndRequestProceeds() throws {
        let b = try Fixture.bundle("""
            - name: base
              rules: [{name: all, action: allow}]
            - name: lockdown
              dry_run: true
              default: allow
              rules: [{name: no-delete, action: deny, to: [{methods: [DELETE]}]}]
            """)
        let d = b.decide(Fixture.request(method: "DELETE"))
        #expect(d.allowed)
        #expect(d.dryRun)
        #expect(d.policy == "lockdown")
        #expect(d.rules == ["no-delete"])
        let g = b.decide(Fixture.request(method: "GET"))
        #expect(g.allowed)
        #expect(!g.dryRun)
        #expect(g.policy == "base")
    }

    @Test func dryRunRuleIsRecordedAndRequestProceeds() throws {
        let b = try Fixture.bundle("""
            name: p
            rules:
              - {name: all, action: allow}
              - {name: new-deny, action: deny, dry_run: true, to: [{paths: ["/beta"]}]}
            """)
        let d = b.decide(Fixture.request(path: "/beta"))
        #expect(d.allowed)
        #expect(d.dryRun)
        #expect(d.rules == ["new-deny"])
    }

    @Test func dataFilesAreReadableFromExpressions() throws {
        let b = try Fixture.bundle(
            """
            name: p
            rules:
              - action: allow
                when: ['request.headers["x-team"] in data.teams.allowed', 'data.limits.max == 3']
            """,
            files: ["data/teams.yaml": "allowed: [red, blue]\n", "data/limits.json": "{\"max\": 3}"])
        #expect(b.decide(Fixture.request(headers: [("x-team", "red")])).allowed)
        #expect(!b.decide(Fixture.request(headers: [("x-team", "green")])).allowed)
    }
}

@Suite struct TimeConditionTests {
    @Test func requestTimeIsATimestamp() throws {
        let b = try Fixture.bundle("""
            name: office-hours
            rules:
              - action: allow
                when: ["request.time.getHours() >= 9 && request.time.getHours() < 17"]
            """)
        var r = Fixture.request()
        r.time = Timestamp(seconds: 1_700_000_000 - 1_700_000_000 % 86_400 + 10 * 3600)  // 10:00 UTC
        #expect(b.decide(r).allowed)
        r.time = Timestamp(seconds: 1_700_000_000 - 1_700_000_000 % 86_400 + 20 * 3600)  // 20:00 UTC
        #expect(!b.decide(r).allowed)
        r.time = nil  // no time: the condition cannot be evaluated, and the allow fails closed
        let d = b.decide(r)
        #expect(!d.allowed)
        #expect(d.errors.count == 1)
    }
}

@Suite struct IdentityHookTests {
    @Test func identityOutputsAreReadableAndAbsentByDefault() throws {
        let b = try Fixture.bundle("""
            name: admins
            identity: [jwt]
            rules:
              - action: allow
                when: ["identity.jwt.claims.role == 'admin'"]
                response: {set_headers: {x-user: identity.jwt.claims.sub}}
            """)
        let claims = CELValue.map(CELMap(["claims": .map(CELMap(["role": .string("admin"), "sub": .string("alice")]))]))
        let d = b.decide(Fixture.request(), identity: .map(CELMap(["jwt": claims])))
        #expect(d.allowed)
        #expect(d.headers == [HeaderMutation(name: "x-user", value: "alice")])
        let anonymous = b.decide(Fixture.request())
        #expect(!anonymous.allowed)
        #expect(anonymous.errors.count == 1)
        #expect(b.identityRequirements == ["admins": ["jwt"]])
    }
}

@Suite struct CombinationEdgeTests {
    @Test func everyAllowingPolicyContributesItsResponse() throws {
        let b = try Fixture.bundle("""
            - name: a
              response: {set_headers: {x-a: "'1'"}}
              rules: [{action: allow}]
            - name: b
              response: {set_headers: {x-b: "'2'"}, remove_headers: [cookie]}
              rules: [{action: allow}]
            """)
        let d = b.decide(Fixture.request())
        #expect(d.allowed)
        #expect(d.policy == "a")
        #expect(d.headers.map(\.name) == ["x-a", "x-b"])
        #expect(d.headersToRemove == ["cookie"])
    }

    @Test func checkWithoutHTTPPartFailsClosed() throws {
        let b = try Fixture.bundle("""
            name: p
            rules:
              - {name: web, action: allow, to: [{paths: ["*"]}]}
              - {name: get, action: allow, when: ["request.method == 'GET'"]}
              - {name: mesh, action: allow, from: [{namespaces: [tcp]}]}
            """)
        let tcp = AuthzRequest(source: PeerInfo(address: "10.0.0.1", principal: "spiffe://td/ns/other/sa/x"))
        let d = b.decide(tcp)
        #expect(!d.allowed)
        #expect(d.errors.count == 1)  // request.method is not bound for a TCP check
        let ok = AuthzRequest(source: PeerInfo(principal: "spiffe://td/ns/tcp/sa/x"))
        #expect(b.decide(ok).allowed)
        #expect(b.decide(ok).rules == ["mesh"])
    }
}
