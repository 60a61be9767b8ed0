import PortcullisModel
import Testing
@testable import PortcullisPolicy

/// `body_schema:` on a rule, and how a refused body reaches the denial.
@Suite struct BodySchemaRuleTests {
    static let onlyAllowPath = """
        name: orders
        rules:
          - name: create-order
            action: allow
            to: [{methods: [POST], paths: [/orders]}]
            body_schema: schemas/order.json
        """

    @Test func validBodyMatches() throws {
        let b = try BodyFixture.bundle(Self.onlyAllowPath)
        let d = b.decide(BodyFixture.request(BodyFixture.validOrder))
        #expect(d.allowed)
        #expect(d.rules == ["create-order"])
    }

    @Test func violationDeniesWithThePointerInAJSONBody() throws {
        let b = try BodyFixture.bundle(Self.onlyAllowPath)
        let d = b.decide(BodyFixture.request(#"{"customer":"jane@shop.example","items":[{"sku":"SKU-1","qty":2},{"sku":"bad","qty":1}]}"#))
        #expect(!d.allowed)
        #expect(d.httpStatus == 403)
        #expect(d.policy == "orders")
        #expect(d.rules.isEmpty)
        #expect(d.headers == [HeaderMutation(name: "content-type", value: "application/json")])
        #expect(d.body == """
            {"error":"the request body does not match schemas/order.json","rule":"create-order","violations":[{"message":"must match pattern \\"^SKU-[0-9]+$\\"","pointer":"/items/1/sku"}]}

            """)
        #expect(d.errors.isEmpty)
    }

    @Test func everyViolationIsListedUpToTheLimit() throws {
        let b = try BodyFixture.bundle(Self.onlyAllowPath)
        let d = b.decide(BodyFixture.request(#"{"customer":"not-an-email","items":[],"extra":1}"#))
        #expect(d.body.contains(#""pointer":"/customer""#))
        #expect(d.body.contains(#""pointer":"/items""#))
        #expect(d.body.contains(#""pointer":"/extra""#))
    }

    @Test func explainNamesTheFailingPointer() throws {
        let b = try BodyFixture.bundle(Self.onlyAllowPath)
        let e = b.explain(BodyFixture.request(#"{"customer":"jane@shop.example","items":[{"sku":"SKU-1","qty":0}]}"#))
        let entry = e.entries.first { $0.rule == "create-order" }
        #expect(entry?.outcome == .failed("body_schema schemas/order.json: /items/0/qty: must be >= 1"))
    }

    @Test func aRequestTheRuleDoesNotAddressIsNotExplainedByTheBody() throws {
        let b = try BodyFixture.bundle(Self.onlyAllowPath)
        let d = b.decide(BodyFixture.request("{}", method: "GET"))
        #expect(!d.allowed)
        #expect(d.body.isEmpty)
        #expect(d.headers.isEmpty)
    }

    @Test func aPolicyDenyBodyCanQuoteTheRefusal() throws {
        let b = try BodyFixture.bundle("""
            name: orders
            deny:
              status: 400
              body: "'bad order: ' + request.body_error"
            rules:
              - name: create-order
                action: allow
                body_schema: schemas/order.json
            """)
        let d = b.decide(BodyFixture.request(#"{"customer":"jane@shop.example"}"#))
        #expect(!d.allowed)
        #expect(d.httpStatus == 400)
        #expect(d.body == #"bad order: schemas/order.json: (root): missing required property "items""#)
        #expect(d.headers.isEmpty)
        let broken = b.decide(BodyFixture.request("{", contentType: "application/json"))
        #expect(broken.body == "bad order: invalid JSON at byte 1: unexpected end of input")
    }

    @Test func bodyErrorIsEmptyWhenNoBodyRuleRefused() throws {
        let b = try BodyFixture.bundle("""
            name: p
            deny: {body: "'[' + request.body_error + ']'"}
            rules: [{action: allow, to: [{methods: [GET]}]}]
            """)
        #expect(b.decide(BodyFixture.request("{}")).body == "[]")
    }

    @Test func anExplicitDenyRuleKeepsItsOwnDenial() throws {
        let b = try BodyFixture.bundle("""
            name: orders
            rules:
              - name: create-order
                action: allow
                body_schema: schemas/order.json
              - name: no-deletes
                action: deny
                to: [{methods: [DELETE]}]
            """)
        let d = b.decide(BodyFixture.request("{}", method: "DELETE"))
        #expect(d.rules == ["no-deletes"])
        #expect(d.body.isEmpty)
    }

    @Test func conditionsAndSchemaMustBothHold() throws {
        let b = try BodyFixture.bundle("""
            name: orders
            rules:
              - name: create-order
                action: allow
                when: ["request.headers['x-role'] == 'admin'"]
                body_schema: schemas/order.json
            """)
        #expect(b.decide(BodyFixture.request(BodyFixture.validOrder, headers: [("x-role", "admin")])).allowed)
        let notAdmin = b.decide(BodyFixture.request(BodyFixture.validOrder, headers: [("x-role", "guest")]))
        #expect(!notAdmin.allowed)
        #expect(notAdmin.body.isEmpty)  // the body was never checked
        #expect(!b.decide(BodyFixture.request("{}", headers: [("x-role", "admin")])).allowed)
    }

    @Test func aDenyRuleWithASchemaMatchesValidBodiesAndFailsClosedOnUnreadableOnes() throws {
        let b = try BodyFixture.bundle("""
            name: p
            default: allow
            selector: {paths: [/orders]}
            rules:
              - name: no-orders-today
                action: deny
                body_schema: schemas/order.json
            """)
        #expect(!b.decide(BodyFixture.request(BodyFixture.validOrder)).allowed)
        #expect(b.decide(BodyFixture.request("{}")).allowed)
        #expect(!b.decide(BodyFixture.request("{", contentType: "application/json")).allowed)
    }

    @Test func oneSchemaIsCompiledOnceForEveryRuleThatNamesIt() throws {
        let b = try BodyFixture.bundle("""
            name: p
            rules:
              - {name: a, action: allow, to: [{paths: [/a]}], body_schema: schemas/order.json}
              - {name: b, action: allow, to: [{paths: [/b]}], body_schema: ./schemas/order.json}
            """)
        let schemas = b.rules.compactMap(\.bodySchema)
        #expect(schemas.count == 2)
        #expect(schemas[0] === schemas[1])
    }
}
