import JSONSchema
import PortcullisModel

extension CompiledBundle {
    /// When a policy denies by default because its body rules refused the body, and neither the policy nor the rule
    /// says what the denial's body is, the denial explains the refusal as JSON:
    ///
    ///     {"error":"the request body does not match schemas/order.json","rule":"create-order",
    ///      "violations":[{"message":"must be >= 1","pointer":"/items/0/qty"}]}
    ///
    /// with `content-type: application/json`. Only the first refusing rule of the deciding policy is reported.
    func explainBodyRefusal(_ verdict: BundleVerdict, activation: RequestActivation, into decision: inout Decision) {
        guard verdict.rules.isEmpty, let policy = verdict.policy,
            let failure = activation.body.failures.first(where: { $0.policy == policy })
        else { return }
        decision.body = Self.refusalDocument(failure)
        if !decision.headers.contains(where: { $0.name.lowercased() == "content-type" }) {
            decision.headers.append(HeaderMutation(name: "content-type", value: "application/json"))
        }
    }

    static func refusalDocument(_ failure: BodyRuleFailure) -> String {
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
}
