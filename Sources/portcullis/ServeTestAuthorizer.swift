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
        /// Allows with every response field set; the path comes back in `x-test-path`, and one
        /// header for each append action (`x-test-append`, `x-test-once`/`x-test-new` ADD_IF_ABSENT,
        /// `x-test-if-exists`/`x-test-if-exists-absent` OVERWRITE_IF_EXISTS).
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
                    HeaderMutation(name: "x-test-once", value: "added", action: .addIfAbsent),
                    HeaderMutation(name: "x-test-new", value: "added", action: .addIfAbsent),
                    HeaderMutation(name: "x-test-if-exists", value: "over", action: .overwriteIfExists),
                    HeaderMutation(name: "x-test-if-exists-absent", value: "over", action: .overwriteIfExists),
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
