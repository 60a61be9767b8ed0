import CEL
import PortcullisIdentity
import PortcullisModel
import Testing

@testable import PortcullisPolicy

/// An edge source with its user and groups headers reads both in one pass (`resolveEdge`): the same outcomes as
/// the general path through `EdgeIdentityHeaders.evaluate`.
@Suite struct EdgeIdentitySourceTests {
    static let gateway = IdentityFixture.gateway
    let fast = IdentitySource(name: "staff", kind: .edge(
        EdgeIdentityHeaders(trustedPrincipals: [gateway], headers: ["x-u", "x-g"]), userHeader: "x-u", groupsHeader: "x-g"))
    /// A third header no request carries: the general path, with the same meaning for these requests.
    let general = IdentitySource(name: "staff", kind: .edge(
        EdgeIdentityHeaders(trustedPrincipals: [gateway], headers: ["x-u", "x-g", "x-unused"]), userHeader: "x-u", groupsHeader: "x-g"))

    func summary(_ o: IdentitySourceOutcome) -> String {
        switch o {
        case .absent: return "absent"
        case .present(let output): return "present \(output.value)"
        case .invalid(let f, _): return "invalid \(f.reason)"
        case .spoofed(let headers, let principal): return "spoofed \(headers) \(principal)"
        }
    }

    @Test(arguments: [
        [("x-u", "jane"), ("x-g", "staff, support")],
        [("x-u", "jane")],
        [("x-g", "staff")],
        [("x-u", "")],
        [("x-u", "jane"), ("x-u", "joe"), ("x-g", "a"), ("x-g", " b ,,c")],
        [("x-g", "staff"), ("x-u", "jane")],
        [("other", "x")],
        [],
    ])
    func bothPathsAgree(_ headers: [(String, String)]) {
        #expect(fast.hasUserAndGroupsHeaders && !general.hasUserAndGroupsHeaders)
        for principal in [Self.gateway, "spiffe://cluster.local/ns/shop/sa/web", ""] {
            let request = IdentityFixture.request(path: "/", headers: headers, source: principal)
            let fields = request.httpHeaderFields ?? []
            let a = fast.resolve(request, fields: fields)
            let b = general.resolve(request, fields: fields)
            #expect(summary(a) == summary(b), "\(headers) from \(principal)")
        }
    }

    @Test func aGatewayUsersGroupsAreAList() {
        let request = IdentityFixture.request(
            path: "/", headers: [("x-u", "jane"), ("x-g", "staff, support")], source: Self.gateway)
        guard case .present(let output) = fast.resolve(request, fields: request.httpHeaderFields ?? []) else {
            Issue.record("no identity")
            return
        }
        #expect(output.value == .map(CELMap(["user": .string("jane"), "groups": .list([.string("staff"), .string("support")])])))
        guard case .map(let m) = output.value else { return }
        #expect(m.keys == [.string("groups"), .string("user")])
    }
}
