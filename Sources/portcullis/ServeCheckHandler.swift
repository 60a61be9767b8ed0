import PortcullisCodec
import PortcullisModel
import PortcullisTransport

/// `envoy.service.auth.v3.Authorization/Check`: CheckRequest bytes, decoded in place from the
/// transport's buffer, to an `AuthzRequest`; the authorizer's `Decision` to CheckResponse bytes.
/// Bytes that do not decode get INVALID_ARGUMENT and a fault gets INTERNAL, never OK, so that
/// Envoy's `failure_mode_allow` decides what happens then.
final class ServeCheckHandler: GRPCHandler, @unchecked Sendable {
    // @unchecked: `codecs[i]` is used only by worker `i`'s thread; the rest is immutable.
    private let decide: @Sendable (AuthzRequest, Int) -> Decision?
    private let codecs: [WorkerCodec]

    init(authorizer: any Authorizer, workers: Int) {
        self.decide = { request, _ in authorizer.decide(request) }
        self.codecs = (0..<max(1, workers)).map { _ in WorkerCodec() }
    }

    /// `decide(request, worker)` runs on worker `worker`'s thread; nil means no bundle is active yet,
    /// answered UNAVAILABLE so that Envoy's failure mode decides.
    init(workers: Int, decide: @escaping @Sendable (AuthzRequest, Int) -> Decision?) {
        self.decide = decide
        self.codecs = (0..<max(1, workers)).map { _ in WorkerCodec() }
    }

    func handle(method: String, request: RawSpan, worker: Int) -> GRPCResponse {
        guard codecs.indices.contains(worker) else {
            return .status(GRPCStatus(.internal, "no codec for worker \(worker)"))
        }
        let codec = codecs[worker]
        let decoded = request.withUnsafeBytes { bytes in
            Result { () throws(CodecError) -> AuthzRequest in try codec.decoder.decode(bytes: bytes) }
        }
        let authzRequest: AuthzRequest
        switch decoded {
        case .success(let value): authzRequest = value
        case .failure(let error): return .status(GRPCStatus(.invalidArgument, error.description))
        }
        guard let decision = decide(authzRequest, worker) else {
            return .status(GRPCStatus(.unavailable, "no policy bundle is active yet"))
        }
        let response = codec.encoder.encode(decision)
        // An empty CheckResponse reads as status OK: never let a fault become an allow.
        guard !response.isEmpty else { return .status(GRPCStatus(.internal, "empty CheckResponse")) }
        return .message(response)
    }
}

/// A worker's reusable decoder and encoder (each with its own arena).
private final class WorkerCodec {
    let decoder = CheckRequestDecoder()
    let encoder = CheckResponseEncoder()
}
