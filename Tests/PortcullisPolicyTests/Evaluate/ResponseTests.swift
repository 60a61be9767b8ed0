import PortcullisModel
import Testing
@testable import PortcullisPolicy

@Suite struct ResponseTests {
    @Test func allowResponseWithPolicyDefaultsAndRuleOverrides() throws {
        let b = try Fixture.bundle("""
            name: p
            response:
              set_headers: {x-caller-ns: source.ns, x-env: "'prod'", x-caller-ns2: 'source["namespace"]'}
              remove_headers: [x-debug]
              response_headers: {x-decided-by: policy.name}
            rules:
              - name: plain
                action: allow
                to: [{paths: [/plain]}]
              - name: special
                action: allow
                to: [{paths: [/special]}]
                response:
                  set_headers: {x-env: "'staging'", x-rule: rule.name}
                  set_query_params: {tenant: source.service_account}
                  remove_query_params: [debug]
                  metadata: {route: request.url_path}
            """)
        let src = "spiffe://td/ns/shop/sa/web"
        let plain = b.decide(Fixture.request(path: "/plain", source: src))
        #expect(plain.allowed)
        #expect(plain.headers.map { "\($0.name)=\($0.value)" }.sorted() == ["x-caller-ns2=shop", "x-caller-ns=shop", "x-env=prod"])
        #expect(plain.headersToRemove == ["x-debug"])
        #expect(plain.responseHeadersToAdd.map(\.value) == ["p"])
        let special = b.decide(Fixture.request(path: "/special?debug=1", source: src))
        #expect(special.headers.map { "\($0.name)=\($0.value)" }.sorted() == ["x-caller-ns2=shop", "x-caller-ns=shop", "x-env=staging", "x-rule=special"])
        #expect(special.queryParametersToSet.map { "\($0.key)=\($0.value)" } == ["tenant=web"])
        #expect(special.queryParametersToRemove == ["debug"])
        #expect(special.dynamicMetadata["route"] == .string("/special"))
    }

    @Test func headerThatCannotBeComputedIsRemovedAndRecorded() throws {
        let b = try Fixture.bundle("""
            name: p
            rules:
              - action: allow
                response: {set_headers: {x-user: 'request.headers["x-jwt-sub"]'}}
            """)
        let d = b.decide(Fixture.request(headers: [("x-user", "spoofed")]))
        #expect(d.allowed)
        #expect(d.headers.isEmpty)
        #expect(d.headersToRemove == ["x-user"])
        #expect(d.errors.count == 1)
        let ok = b.decide(Fixture.request(headers: [("x-jwt-sub", "alice")]))
        #expect(ok.headers == [HeaderMutation(name: "x-user", value: "alice")])
    }

    @Test func denyResponseStatusHeadersAndBody() throws {
        let b = try Fixture.bundle("""
            name: p
            default: allow
            selector: {hosts: [shop.example.com]}
            deny:
              status: 403
              headers: {x-denied-by: policy.name}
              body: "'denied by ' + rule.name + ' for ' + request.id"
            rules:
              - {name: block, action: deny, to: [{paths: [/block]}]}
              - name: login
                action: deny
                to: [{paths: [/private]}]
                deny: {status: 401, headers: {www-authenticate: "'Bearer'"}}
            """)
        let d = b.decide(Fixture.request(path: "/block", id: "abc"))
        #expect(!d.allowed)
        #expect(d.httpStatus == 403)
        #expect(d.denialKind == .permissionDenied)
        #expect(d.body == "denied by block for abc")
        #expect(d.headers == [HeaderMutation(name: "x-denied-by", value: "p")])
        let u = b.decide(Fixture.request(path: "/private", id: "q"))
        #expect(u.httpStatus == 401)
        #expect(u.denialKind == .unauthenticated)
        #expect(u.body == "denied by login for q")
        #expect(u.headers.map(\.name).sorted() == ["www-authenticate", "x-denied-by"])
    }
}
