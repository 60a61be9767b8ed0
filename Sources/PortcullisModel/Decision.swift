/// How Envoy combines an injected header with one the request already has.
/// Raw values are Envoy's `HeaderValueOption.HeaderAppendAction`.
public enum HeaderAppendAction: Int, Sendable, Hashable {
    case appendIfExistsOrAdd = 0
    case addIfAbsent = 1
    case overwriteIfExistsOrAdd = 2
    case overwriteIfExists = 3
}

/// A header to set on the upstream request, or on the response to the client.
public struct HeaderMutation: Sendable, Hashable {
    public var name: String
    public var value: String
    public var action: HeaderAppendAction
    public init(name: String, value: String, action: HeaderAppendAction = .overwriteIfExistsOrAdd) {
        self.name = name
        self.value = value
        self.action = action
    }
}

/// The outcome of one check, with everything Envoy needs to act on it and
/// everything the audit trail needs to explain it.
public struct Decision: Sendable {
    /// Why a request was denied, as the gRPC status Envoy receives.
    public enum DenialKind: Sendable, Hashable {
        /// google.rpc.Code PERMISSION_DENIED (7).
        case permissionDenied
        /// google.rpc.Code UNAUTHENTICATED (16): a credential was missing or invalid.
        case unauthenticated
    }

    public var allowed: Bool
    /// The HTTP status for a denial (403 by default, 401 when unauthenticated).
    public var httpStatus: Int
    public var denialKind: DenialKind
    /// On allow: headers set on the upstream request. On deny: headers of the deny response.
    public var headers: [HeaderMutation]
    /// On allow: header names removed from the upstream request.
    public var headersToRemove: [String]
    /// On allow: headers added to the response sent back to the client.
    public var responseHeadersToAdd: [HeaderMutation]
    /// On allow: query parameters set on, or removed from, the upstream request.
    public var queryParametersToSet: [(key: String, value: String)]
    public var queryParametersToRemove: [String]
    /// On deny: the response body.
    public var body: String
    /// Dynamic metadata returned to Envoy (e.g. the decision id for its access log).
    public var dynamicMetadata: [String: JSONValue]
    /// The policy and rules that made the decision.
    public var policy: String?
    public var rules: [String]
    /// True when the deciding policy or rule was in dry-run: the request proceeds.
    public var dryRun: Bool
    /// Evaluation errors met on the way (a failed condition fails closed).
    public var errors: [String]

    public init(
        allowed: Bool, httpStatus: Int? = nil, denialKind: DenialKind = .permissionDenied,
        headers: [HeaderMutation] = [], headersToRemove: [String] = [], responseHeadersToAdd: [HeaderMutation] = [],
        queryParametersToSet: [(key: String, value: String)] = [], queryParametersToRemove: [String] = [],
        body: String = "", dynamicMetadata: [String: JSONValue] = [:], policy: String? = nil, rules: [String] = [],
        dryRun: Bool = false, errors: [String] = []
    ) {
        self.allowed = allowed
        self.denialKind = denialKind
        self.httpStatus = httpStatus ?? (allowed ? 200 : (denialKind == .unauthenticated ? 401 : 403))
        self.headers = headers
        self.headersToRemove = headersToRemove
        self.responseHeadersToAdd = responseHeadersToAdd
        self.queryParametersToSet = queryParametersToSet
        self.queryParametersToRemove = queryParametersToRemove
        self.body = body
        self.dynamicMetadata = dynamicMetadata
        self.policy = policy
        self.rules = rules
        self.dryRun = dryRun
        self.errors = errors
    }

    public static let allow = Decision(allowed: true)
    public static let deny = Decision(allowed: false)
}

/// Anything that decides on a request. The policy engine implements it; the server calls it.
public protocol Authorizer: Sendable {
    func decide(_ request: AuthzRequest) -> Decision
}
