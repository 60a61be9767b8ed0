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

    /// The fields live in one object: a decision passes from the engine through the observer, the decision log
    /// and the encoder, and a copy retains one reference instead of every array and string. Mutation copies the
    /// object first when it is shared (copy on write).
    @usableFromInline
    final class Storage: @unchecked Sendable {
        @usableFromInline @exclusivity(unchecked) var allowed: Bool
        @usableFromInline @exclusivity(unchecked) var httpStatus: Int
        @usableFromInline @exclusivity(unchecked) var denialKind: DenialKind
        @usableFromInline @exclusivity(unchecked) var headers: [HeaderMutation]
        @usableFromInline @exclusivity(unchecked) var headersToRemove: [String]
        @usableFromInline @exclusivity(unchecked) var responseHeadersToAdd: [HeaderMutation]
        @usableFromInline @exclusivity(unchecked) var queryParametersToSet: [(key: String, value: String)]
        @usableFromInline @exclusivity(unchecked) var queryParametersToRemove: [String]
        @usableFromInline @exclusivity(unchecked) var body: String
        @usableFromInline @exclusivity(unchecked) var dynamicMetadata: [String: JSONValue]
        @usableFromInline @exclusivity(unchecked) var policy: String?
        @usableFromInline @exclusivity(unchecked) var rules: [String]
        @usableFromInline @exclusivity(unchecked) var dryRun: Bool
        @usableFromInline @exclusivity(unchecked) var errors: [String]

        @usableFromInline
        init(
            allowed: Bool,
            httpStatus: Int,
            denialKind: DenialKind,
            headers: [HeaderMutation],
            headersToRemove: [String],
            responseHeadersToAdd: [HeaderMutation],
            queryParametersToSet: [(key: String, value: String)],
            queryParametersToRemove: [String],
            body: String,
            dynamicMetadata: [String: JSONValue],
            policy: String?,
            rules: [String],
            dryRun: Bool,
            errors: [String]
        ) {
            self.allowed = allowed
            self.httpStatus = httpStatus
            self.denialKind = denialKind
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

        @usableFromInline
        func copy() -> Storage {
            Storage(
                allowed: allowed,
                httpStatus: httpStatus,
                denialKind: denialKind,
                headers: headers,
                headersToRemove: headersToRemove,
                responseHeadersToAdd: responseHeadersToAdd,
                queryParametersToSet: queryParametersToSet,
                queryParametersToRemove: queryParametersToRemove,
                body: body,
                dynamicMetadata: dynamicMetadata,
                policy: policy,
                rules: rules,
                dryRun: dryRun,
                errors: errors)
        }
    }

    @usableFromInline var storage: Storage

    @inlinable
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }

    public var allowed: Bool {
        @inlinable _read { yield storage.allowed }
        @inlinable _modify {
            makeUnique()
            yield &storage.allowed
        }
    }
    /// The HTTP status for a denial (403 by default, 401 when unauthenticated).
    public var httpStatus: Int {
        @inlinable _read { yield storage.httpStatus }
        @inlinable _modify {
            makeUnique()
            yield &storage.httpStatus
        }
    }
    public var denialKind: DenialKind {
        @inlinable _read { yield storage.denialKind }
        @inlinable _modify {
            makeUnique()
            yield &storage.denialKind
        }
    }
    /// On allow: headers set on the upstream request. On deny: headers of the deny response.
    public var headers: [HeaderMutation] {
        @inlinable _read { yield storage.headers }
        @inlinable _modify {
            makeUnique()
            yield &storage.headers
        }
    }
    /// On allow: header names removed from the upstream request.
    public var headersToRemove: [String] {
        @inlinable _read { yield storage.headersToRemove }
        @inlinable _modify {
            makeUnique()
            yield &storage.headersToRemove
        }
    }
    /// On allow: headers added to the response sent back to the client.
    public var responseHeadersToAdd: [HeaderMutation] {
        @inlinable _read { yield storage.responseHeadersToAdd }
        @inlinable _modify {
            makeUnique()
            yield &storage.responseHeadersToAdd
        }
    }
    /// On allow: query parameters set on, or removed from, the upstream request.
    public var queryParametersToSet: [(key: String, value: String)] {
        @inlinable _read { yield storage.queryParametersToSet }
        @inlinable _modify {
            makeUnique()
            yield &storage.queryParametersToSet
        }
    }
    public var queryParametersToRemove: [String] {
        @inlinable _read { yield storage.queryParametersToRemove }
        @inlinable _modify {
            makeUnique()
            yield &storage.queryParametersToRemove
        }
    }
    /// On deny: the response body.
    public var body: String {
        @inlinable _read { yield storage.body }
        @inlinable _modify {
            makeUnique()
            yield &storage.body
        }
    }
    /// Dynamic metadata returned to Envoy (e.g. the decision id for its access log).
    public var dynamicMetadata: [String: JSONValue] {
        @inlinable _read { yield storage.dynamicMetadata }
        @inlinable _modify {
            makeUnique()
            yield &storage.dynamicMetadata
        }
    }
    /// The policy and rules that made the decision.
    public var policy: String? {
        @inlinable _read { yield storage.policy }
        @inlinable _modify {
            makeUnique()
            yield &storage.policy
        }
    }
    public var rules: [String] {
        @inlinable _read { yield storage.rules }
        @inlinable _modify {
            makeUnique()
            yield &storage.rules
        }
    }
    /// True when the deciding policy or rule was in dry-run: the request proceeds.
    public var dryRun: Bool {
        @inlinable _read { yield storage.dryRun }
        @inlinable _modify {
            makeUnique()
            yield &storage.dryRun
        }
    }
    /// Evaluation errors met on the way (a failed condition fails closed).
    public var errors: [String] {
        @inlinable _read { yield storage.errors }
        @inlinable _modify {
            makeUnique()
            yield &storage.errors
        }
    }

    public init(
        allowed: Bool, httpStatus: Int? = nil, denialKind: DenialKind = .permissionDenied,
        headers: [HeaderMutation] = [], headersToRemove: [String] = [], responseHeadersToAdd: [HeaderMutation] = [],
        queryParametersToSet: [(key: String, value: String)] = [], queryParametersToRemove: [String] = [],
        body: String = "", dynamicMetadata: [String: JSONValue] = [:], policy: String? = nil, rules: [String] = [],
        dryRun: Bool = false, errors: [String] = []
    ) {
        storage = Storage(
            allowed: allowed, httpStatus: httpStatus ?? (allowed ? 200 : (denialKind == .unauthenticated ? 401 : 403)),
            denialKind: denialKind, headers: headers, headersToRemove: headersToRemove,
            responseHeadersToAdd: responseHeadersToAdd, queryParametersToSet: queryParametersToSet,
            queryParametersToRemove: queryParametersToRemove, body: body, dynamicMetadata: dynamicMetadata,
            policy: policy, rules: rules, dryRun: dryRun, errors: errors)
    }

    public static let allow = Decision(allowed: true)
    public static let deny = Decision(allowed: false)
}

/// Anything that decides on a request. The policy engine implements it; the server calls it.
public protocol Authorizer: Sendable {
    func decide(_ request: AuthzRequest) -> Decision
}
