import JSONSchema
import PortcullisModel
import Testing

@testable import PortcullisPolicy

/// The denial body of a refused request body, written directly, is the text of the document it describes.
@Suite struct RefusalDocumentTests {
    /// The document as it was built before it was written directly: dictionaries, then `JSONWriter`.
    static func reference(_ failure: BodyRuleFailure) -> String {
        var document: [String: JSONValue] = ["rule": .string(failure.rule)]
        switch failure.reason {
        case .unreadable(let reason):
            document["error"] = .string("the request body could not be read: \(reason.message)")
        case .invalid(let schema, let violations):
            document["error"] = .string("the request body does not match \(schema)")
            document["violations"] = .array(
                violations.map { .object(["pointer": .string($0.pointer), "message": .string($0.message)]) })
        }
        return JSONWriter.string(.object(document)) + "\n"
    }

    @Test func matchesTheDocumentItDescribes() {
        let awkward = "a \"quoted\" \\ back/slash, a tab\t, a newline\n, \u{1} and é €😀"
        let failures = [
            BodyRuleFailure(policy: 0, rule: "create-order", reason: .unreadable(BodyFailure(message: "the request has no body"))),
            BodyRuleFailure(policy: 0, rule: awkward, reason: .unreadable(BodyFailure(message: awkward))),
            BodyRuleFailure(policy: 1, rule: "create-order", reason: .invalid(schema: "schemas/order.json", violations: [])),
            BodyRuleFailure(
                policy: 1, rule: "create-order",
                reason: .invalid(schema: "schemas/order.json", violations: [
                    SchemaViolation(pointer: "/items/0/qty", message: "must be >= 1"),
                    SchemaViolation(pointer: "", message: "missing required property \"items\""),
                    SchemaViolation(pointer: "/a~1b/\(awkward)", message: awkward),
                ])),
        ]
        for failure in failures {
            let written = CompiledBundle.refusalDocument(failure)
            #expect(Array(written.utf8) == Array(Self.reference(failure).utf8))
        }
    }
}
