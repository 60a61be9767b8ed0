import PortcullisModel
import Testing

@Suite struct DecisionJSONTests {
    @Test func allowWithEverything() throws {
        let d = Decision(
            allowed: true, headers: [HeaderMutation(name: "x-a", value: "1"), HeaderMutation(name: "x-a", value: "2")],
            headersToRemove: ["authorization"], responseHeadersToAdd: [HeaderMutation(name: "x-r", value: "r")],
            queryParametersToSet: [(key: "k", value: "v")], queryParametersToRemove: ["t"],
            dynamicMetadata: ["id": .string("d1")], policy: "p", rules: ["r1"], dryRun: true, errors: ["e"])
        let v = d.jsonValue
        #expect(v["allowed"] == .bool(true))
        #expect(v["status"] == .number(200))
        #expect(v["headers"] == .object(["x-a": .string("1,2")]))
        #expect(v["remove_headers"] == .array([.string("authorization")]))
        #expect(v["response_headers"] == .object(["x-r": .string("r")]))
        #expect(v["query_parameters_to_set"] == .object(["k": .string("v")]))
        #expect(v["query_parameters_to_remove"] == .array([.string("t")]))
        #expect(v["dynamic_metadata"] == .object(["id": .string("d1")]))
        #expect(v["policy"] == .string("p"))
        #expect(v["rules"] == .array([.string("r1")]))
        #expect(v["dry_run"] == .bool(true))
        #expect(v["errors"] == .array([.string("e")]))
        #expect(try JSONValue(parsing: v.serialized()) == v)
    }

    @Test func denyHasItsStatusAndNullPolicy() {
        let v = Decision(allowed: false, denialKind: .unauthenticated, body: "who?").jsonValue
        #expect(v["allowed"] == .bool(false))
        #expect(v["status"] == .number(401))
        #expect(v["body"] == .string("who?"))
        #expect(v["policy"] == .null)
        #expect(v["dynamic_metadata"] == nil)
    }
}
