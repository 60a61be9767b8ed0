import ArgumentParser
import PortcullisTransport
#if canImport(Glibc)
import Glibc
#endif

/// Handlers behind the hidden `--test-handler` flag, for the transport's integration
/// tests only: they make no decision and are never used without that flag.
struct ServeTestHandler: GRPCHandler {
    enum Kind: String, ExpressibleByArgument, Sendable {
        /// Answers the request bytes unchanged.
        case echo
        /// Answers INTERNAL.
        case fail
    }

    let kind: Kind
    let delayMilliseconds: Int

    func handle(method: String, request: RawSpan, worker: Int) -> GRPCResponse {
        if delayMilliseconds > 0 { usleep(useconds_t(min(delayMilliseconds, 60_000) * 1000)) }
        switch kind {
        case .echo:
            return .message(request.withUnsafeBytes { Array($0) })
        case .fail:
            return .status(GRPCStatus(.internal, "test handler failure"))
        }
    }
}
