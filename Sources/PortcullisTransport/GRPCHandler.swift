/// Serves the unary methods a `GRPCServer` registers.
///
/// `handle` runs on the worker thread that received the call (`worker` is its index,
/// `0..<threads`), concurrently on several workers: state kept per worker needs no lock.
/// `request` borrows the request message bytes from the C core; it is valid only during
/// the call and must not be kept.
public protocol GRPCHandler: Sendable {
    func handle(method: String, request: RawSpan, worker: Int) -> GRPCResponse
}
