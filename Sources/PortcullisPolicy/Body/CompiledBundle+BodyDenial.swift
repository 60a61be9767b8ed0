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

    /// The denial's body: the JSON text `JSONWriter.string` gives for the document above (keys sorted), written
    /// directly instead of built as dictionaries first (which cost a fifth of a refused decision).
    static func refusalDocument(_ failure: BodyRuleFailure) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        // Keys in JSONWriter's (sorted) order: "error" < "rule" < "violations", "message" < "pointer".
        out.append(contentsOf: #"{"error":"#.utf8)
        switch failure.reason {
        case .unreadable(let reason):
            JSONWriter.appendString("the request body could not be read: \(reason.message)", to: &out)
        case .invalid(let schema, _):
            JSONWriter.appendString("the request body does not match \(schema)", to: &out)
        }
        out.append(contentsOf: #","rule":"#.utf8)
        JSONWriter.appendString(failure.rule, to: &out)
        if case .invalid(_, let violations) = failure.reason {
            out.append(contentsOf: #","violations":["#.utf8)
            for i in violations.indices {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: #"{"message":"#.utf8)
                JSONWriter.appendString(violations[i].message, to: &out)
                out.append(contentsOf: #","pointer":"#.utf8)
                JSONWriter.appendString(violations[i].pointer, to: &out)
                out.append(UInt8(ascii: "}"))
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(contentsOf: "}\n".utf8)
        return String(decoding: out, as: UTF8.self)
    }
}
