import PortcullisModel

/// One `CheckRequestDecoder` and one `CheckResponseEncoder` per server worker, for a
/// `Sendable` handler that is called on several worker threads at once.
///
/// ```swift
/// let codecs = WorkerCodecs(workers: threads)
/// // on worker `w`, for each call:
/// let request = try codecs.decode(bytes, worker: w)   // CodecError -> INVALID_ARGUMENT
/// let reply = codecs.encode(authorizer.decide(request), worker: w)
/// ```
/// Contract: index `w` is used by one thread at a time (each transport worker owns its index),
/// so no lock is needed. An index outside `0..<workers` falls back to a fresh codec per call.
public final class WorkerCodecs: @unchecked Sendable {
    // Unchecked: slot `w` is touched only by worker `w`'s thread (see the contract above).
    private let decoders: [CheckRequestDecoder]
    private let encoders: [CheckResponseEncoder]

    public init(workers: Int) {
        let n = max(workers, 1)
        decoders = (0..<n).map { _ in CheckRequestDecoder() }
        encoders = (0..<n).map { _ in CheckResponseEncoder() }
    }

    public var workers: Int { decoders.count }

    public func decode(_ bytes: RawSpan, worker: Int) throws(CodecError) -> AuthzRequest {
        guard decoders.indices.contains(worker) else { return try CheckRequestDecoder().decode(bytes) }
        return try decoders[worker].decode(bytes)
    }

    public func decode<Bytes: Collection<UInt8>>(bytes: Bytes, worker: Int) throws(CodecError) -> AuthzRequest {
        guard decoders.indices.contains(worker) else { return try CheckRequestDecoder().decode(bytes: bytes) }
        return try decoders[worker].decode(bytes: bytes)
    }

    public func encode(_ decision: Decision, worker: Int) -> [UInt8] {
        guard encoders.indices.contains(worker) else { return CheckResponseEncoder.encode(decision) }
        return encoders[worker].encode(decision)
    }
}
