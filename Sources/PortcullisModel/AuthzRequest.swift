/// The request value a decision is made on: Envoy's `CheckRequest` in neutral form.
/// The codec fills it from protobuf-c; the policy engine also reads it from the
/// proto3 JSON form of `CheckRequest` (OPA-Envoy's `input`). Neither side sees the other.
public struct AuthzRequest: Sendable {
    /// The fields live in one object, so that copying a request (into a decision's working state, the decision
    /// log, a test) retains one reference instead of every string, array and dictionary it holds. Mutation
    /// copies the object first when it is shared (copy on write).
    @usableFromInline
    final class Storage: @unchecked Sendable {
        @usableFromInline @exclusivity(unchecked) var source: PeerInfo
        @usableFromInline @exclusivity(unchecked) var destination: PeerInfo
        @usableFromInline @exclusivity(unchecked) var time: Timestamp?
        @usableFromInline @exclusivity(unchecked) var http: HTTPRequestInfo?
        @usableFromInline @exclusivity(unchecked) var contextExtensions: [String: String]
        @usableFromInline @exclusivity(unchecked) var metadataContext: [String: JSONValue]
        @usableFromInline @exclusivity(unchecked) var routeMetadataContext: [String: JSONValue]
        @usableFromInline @exclusivity(unchecked) var sni: String

        @usableFromInline
        init(
            source: PeerInfo, destination: PeerInfo, time: Timestamp?, http: HTTPRequestInfo?,
            contextExtensions: [String: String], metadataContext: [String: JSONValue],
            routeMetadataContext: [String: JSONValue], sni: String
        ) {
            self.source = source
            self.destination = destination
            self.time = time
            self.http = http
            self.contextExtensions = contextExtensions
            self.metadataContext = metadataContext
            self.routeMetadataContext = routeMetadataContext
            self.sni = sni
        }

        @usableFromInline
        func copy() -> Storage {
            Storage(
                source: source, destination: destination, time: time, http: http, contextExtensions: contextExtensions,
                metadataContext: metadataContext, routeMetadataContext: routeMetadataContext, sni: sni)
        }
    }

    @usableFromInline var storage: Storage

    @inlinable
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }

    public var source: PeerInfo {
        @inlinable _read { yield storage.source }
        @inlinable _modify {
            makeUnique()
            yield &storage.source
        }
    }
    public var destination: PeerInfo {
        @inlinable _read { yield storage.destination }
        @inlinable _modify {
            makeUnique()
            yield &storage.destination
        }
    }
    /// `attributes.request.time`, when Envoy sent it.
    public var time: Timestamp? {
        @inlinable _read { yield storage.time }
        @inlinable _modify {
            makeUnique()
            yield &storage.time
        }
    }
    /// HTTP attributes; nil for a check with no HTTP part (Istio's TCP checks).
    public var http: HTTPRequestInfo? {
        @inlinable _read { yield storage.http }
        @inlinable _modify {
            makeUnique()
            yield &storage.http
        }
    }
    /// `attributes.context_extensions`: per-route keys set in Envoy's config.
    public var contextExtensions: [String: String] {
        @inlinable _read { yield storage.contextExtensions }
        @inlinable _modify {
            makeUnique()
            yield &storage.contextExtensions
        }
    }
    /// `attributes.metadata_context.filter_metadata`: namespace -> Struct.
    public var metadataContext: [String: JSONValue] {
        @inlinable _read { yield storage.metadataContext }
        @inlinable _modify {
            makeUnique()
            yield &storage.metadataContext
        }
    }
    /// `attributes.route_metadata_context.filter_metadata`.
    public var routeMetadataContext: [String: JSONValue] {
        @inlinable _read { yield storage.routeMetadataContext }
        @inlinable _modify {
            makeUnique()
            yield &storage.routeMetadataContext
        }
    }
    /// `attributes.tls_session.sni`.
    public var sni: String {
        @inlinable _read { yield storage.sni }
        @inlinable _modify {
            makeUnique()
            yield &storage.sni
        }
    }

    public init(
        source: PeerInfo = PeerInfo(),
        destination: PeerInfo = PeerInfo(),
        time: Timestamp? = nil,
        http: HTTPRequestInfo? = nil,
        contextExtensions: [String: String] = [:],
        metadataContext: [String: JSONValue] = [:],
        routeMetadataContext: [String: JSONValue] = [:],
        sni: String = ""
    ) {
        storage = Storage(
            source: source, destination: destination, time: time, http: http, contextExtensions: contextExtensions,
            metadataContext: metadataContext, routeMetadataContext: routeMetadataContext, sni: sni)
    }
}

/// Seconds and nanoseconds since the Unix epoch, as `google.protobuf.Timestamp`.
public struct Timestamp: Sendable, Hashable {
    public var seconds: Int64
    public var nanos: Int32
    public init(seconds: Int64, nanos: Int32 = 0) {
        self.seconds = seconds
        self.nanos = nanos
    }
}

/// One side of the connection: `AttributeContext.Peer`.
public struct PeerInfo: Sendable {
    /// The socket address (IP, or a unix path), without the port.
    public var address: String
    public var port: UInt32
    /// The SPIFFE ID (or other principal) Envoy reports for the peer.
    public var principal: String
    public var service: String
    /// The URL-encoded PEM of the peer certificate, when Envoy includes it.
    public var certificate: String
    public var labels: [String: String]

    public init(
        address: String = "", port: UInt32 = 0, principal: String = "", service: String = "",
        certificate: String = "", labels: [String: String] = [:]
    ) {
        self.address = address
        self.port = port
        self.principal = principal
        self.service = service
        self.certificate = certificate
        self.labels = labels
    }
}

/// `AttributeContext.HttpRequest`.
public struct HTTPRequestInfo: Sendable {
    public var id: String
    public var method: String
    /// The path as Envoy sends it: with the query string.
    public var path: String
    public var host: String
    public var scheme: String
    public var `protocol`: String
    public var fragment: String
    public var headers: HTTPHeaders
    /// The body as text (`body`), possibly truncated by Envoy.
    public var body: String
    /// The body as bytes (`raw_body`), when Envoy was asked to pack it as bytes.
    public var rawBody: [UInt8]
    /// `size`: the body length Envoy saw, or -1 when unknown.
    public var size: Int64

    public init(
        id: String = "", method: String = "", path: String = "", host: String = "", scheme: String = "",
        protocol: String = "", fragment: String = "", headers: HTTPHeaders = HTTPHeaders(), body: String = "",
        rawBody: [UInt8] = [], size: Int64 = -1
    ) {
        self.id = id
        self.method = method
        self.path = path
        self.host = host
        self.scheme = scheme
        self.protocol = `protocol`
        self.fragment = fragment
        self.headers = headers
        self.body = body
        self.rawBody = rawBody
        self.size = size
    }

    /// The path without its query string.
    public var urlPath: Substring {
        if let q = path.firstIndex(of: "?") { return path[..<q] }
        return path[...]
    }

    /// The raw query string, without the `?`; empty when there is none.
    public var query: Substring {
        // On UTF-8 bytes: `?` and `#` are ASCII, so the indices are character boundaries.
        let bytes = path.utf8
        guard let q = bytes.firstIndex(of: UInt8(ascii: "?")) else { return "" }
        let rest = path[bytes.index(after: q)...]
        if let f = rest.utf8.firstIndex(of: UInt8(ascii: "#")) { return rest[..<f] }
        return rest
    }

    /// True when Envoy marked the body as truncated (`x-envoy-auth-partial-body: true`).
    public var isPartialBody: Bool {
        headers.first("x-envoy-auth-partial-body")?.lowercased() == "true"
    }
}

extension AuthzRequest {
    // The HTTP attributes the policy engine reads on every decision, read in place: outside this module,
    // reading a field through `request.http?` copies the whole `HTTPRequestInfo` (every string and array).

    /// Whether the check has HTTP attributes.
    public var hasHTTP: Bool { storage.http != nil }
    public var httpMethod: String? { storage.http?.method }
    public var httpHost: String? { storage.http?.host }
    public var httpPath: String? { storage.http?.path }
    public var httpHeaderFields: [HTTPHeaders.Field]? { storage.http?.headers.fields }
}
