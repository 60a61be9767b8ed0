import CEnvoyProto
import PortcullisModel

/// Decodes Envoy's `envoy.service.auth.v3.CheckRequest` wire bytes into an `AuthzRequest`.
///
/// Keep one decoder per worker thread and reuse it: protobuf-c allocates every decoded message
/// from the decoder's arena, which is reset after each call, so steady-state decoding does not
/// touch the heap for the C side. A decoder is not thread-safe and is deliberately not
/// `Sendable`; copies share the same arena, so do not copy one to another thread either.
///
/// ```swift
/// var decoder = CheckRequestDecoder()            // once per worker
/// let request = try decoder.decode(bytes: payload) // per call; throws CodecError
/// ```
/// Any `CodecError` must be answered with gRPC INVALID_ARGUMENT, never with OK.
///
/// What is mapped: both peers (address or pipe path, port, principal, service, certificate,
/// labels); request time; the HTTP request (id, method, path with its query, host, scheme,
/// protocol, fragment, headers, body, raw_body, size); context_extensions; metadata_context and
/// route_metadata_context (`filter_metadata` Structs as `JSONValue`); the TLS SNI. A check with
/// no `request.http` (Istio's TCP checks) decodes with `http == nil`.
///
/// Headers: when `header_map` holds headers (Envoy's `encode_raw_headers`), each entry is kept
/// in order, repeated names included, using `raw_value` when `value` is empty; otherwise the
/// `headers` map (where Envoy has already joined repeats with ","). Names are lower-cased.
/// Strings are `char *` in protobuf-c: a value containing NUL is cut at the NUL, and invalid
/// UTF-8 is repaired with U+FFFD. Bodies that may hold NUL should be sent as `raw_body`
/// (Envoy's `pack_as_bytes`).
public struct CheckRequestDecoder {
    /// The deepest message nesting accepted. Three levels make one level of a JSON object in
    /// metadata, so this allows metadata about 30 levels deep.
    public static let maxNestingDepth = 100

    let arena = Arena()

    public init() {}

    /// Decodes one CheckRequest. Arrays, array slices and `UnsafeRawBufferPointer`s are read in
    /// place; other collections are copied first.
    public func decode<Bytes: Collection<UInt8>>(bytes: Bytes) throws(CodecError) -> AuthzRequest {
        let result = bytes.withContiguousStorageIfAvailable { buf in
            Result { () throws(CodecError) -> AuthzRequest in try decode(UnsafeRawBufferPointer(buf)) }
        }
        if let result { return try result.get() }
        let copy = Array(bytes)
        return try copy.withUnsafeBytes { buf in
            Result { () throws(CodecError) -> AuthzRequest in try decode(buf) }
        }.get()
    }

    /// Decodes one CheckRequest from borrowed bytes (e.g. the transport's view of a gRPC slice),
    /// in place. Nothing returned refers to `bytes`.
    public func decode(_ bytes: RawSpan) throws(CodecError) -> AuthzRequest {
        try bytes.withUnsafeBytes { buf throws(CodecError) in try decode(buf) }
    }

    /// Decodes one CheckRequest from memory the caller owns for the duration of the call (e.g. a
    /// gRPC slice). Nothing returned refers to `buffer`.
    package func decode(_ buffer: UnsafeRawBufferPointer) throws(CodecError) -> AuthzRequest {
        let guardResult = withUnsafePointer(to: envoy__service__auth__v3__check_request__descriptor) {
            NestingGuard.check(buffer, $0, unbounded: NestingGuard.checkRequestTypes, limit: Self.maxNestingDepth)
        }
        switch guardResult {
        case .ok: break
        case .malformed: throw .malformed(message: "CheckRequest")
        case .tooDeep: throw .tooDeep(message: "CheckRequest", limit: Self.maxNestingDepth)
        }
        defer { arena.reset() }
        var allocator = arena.allocator
        let base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self)
        guard let msg = envoy__service__auth__v3__check_request__unpack(&allocator, buffer.count, base) else {
            throw .malformed(message: "CheckRequest")
        }
        return CheckRequestConversion.request(msg.pointee.attributes)
    }
}

@available(*, unavailable, message: "a CheckRequestDecoder belongs to one thread; make one per thread")
extension CheckRequestDecoder: Sendable {}
