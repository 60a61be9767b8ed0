import PortcullisModel

/// A credential that was present but did not verify, with its 401 built once.
///
/// The response depends only on the source and the reason, never on the request, so it is built when the
/// failure is made: a failure kept for reuse (the unknown-API-key failure of a source, a cached token failure)
/// answers every request with the same `Decision` (copy on write: whoever adds to it gets a copy).
final class IdentityFailure: Sendable {
    let source: String
    let reason: String
    /// For logs and decision records (never the credential itself).
    let detail: String
    /// The `WWW-Authenticate` value for bearer tokens.
    let challenge: String?
    /// The 401: `WWW-Authenticate` for bearer tokens, the reason in the body, the error and the metadata.
    let decision: Decision

    init(source: String, reason: String, detail: String, challenge: String?) {
        self.source = source
        self.reason = reason
        self.detail = detail
        self.challenge = challenge
        var headers = [HeaderMutation(name: "content-type", value: "application/json")]
        if let challenge { headers.append(HeaderMutation(name: "www-authenticate", value: challenge)) }
        let body: JSONValue = .object([
            "error": .string("invalid credential"), "source": .string(source), "reason": .string(reason),
        ])
        decision = Decision(
            allowed: false, denialKind: .unauthenticated, headers: headers, body: body.serialized() + "\n",
            dynamicMetadata: ["identity_error": .object(["source": .string(source), "reason": .string(reason)])],
            errors: ["identity \(source): \(detail)"])
    }

    /// The 401, with `notes` (spoofed edge headers seen on the same request) after the failure's own error.
    func decision(notes: [String]) -> Decision {
        guard !notes.isEmpty else { return decision }
        var d = decision
        d.errors += notes
        return d
    }
}
