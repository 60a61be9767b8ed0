import ArgumentParser
import PortcullisModel

/// Authorizers behind the hidden `--test-authorizer` flag, for the server's integration
/// tests of the codec path before (and besides) rule bundles. Never used without the flag.
struct ServeTestAuthorizer: Authorizer {
    enum Kind: String, ExpressibleByArgument, Sendable {
        /// Allows with no mutation.
        case allow
        /// Denies with 403 and no body.
        case deny
        /// Allows with every response field set; the path comes back in `x-test-path`.
        case fields
    }

    let kind: Kind

    func decide(_ request: AuthzRequest) -> Decision {
        switch kind {
        case .allow:
            return .allow
        case .deny:
            return .deny
        case .fields:
            return Decision(
                allowed: true,
                headers: [
                    HeaderMutation(name: "x-test-path", value: request.http?.path ?? ""),
                    HeaderMutation(name: "x-test-append", value: "a", action: .appendIfExistsOrAdd),
                ],
                headersToRemove: ["x-remove-me"],
                responseHeadersToAdd: [HeaderMutation(name: "x-response", value: "r")],
                queryParametersToSet: [(key: "q", value: "1")],
                queryParametersToRemove: ["drop"],
                dynamicMetadata: ["decision": .object(["allowed": .bool(true), "n": .number(2)])]
            )
        }
    }
}
