/// Why a `GRPCServer` could not be set up.
public enum TransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A listen address that is not `host:port`, `[v6]:port`, `unix:/path` or `unix:path`.
    case invalidAddress(String, reason: String)
    /// The C core could not listen on the address (the reason as the OS gave it, when known).
    case bindFailed(address: String, reason: String)
    /// A configuration value out of range.
    case invalidConfiguration(String)
    /// The C core refused to create or register something.
    case coreFailure(String)
    /// A worker thread could not be started.
    case threadStartFailed(Int32)

    public var description: String {
        switch self {
        case .invalidAddress(let a, let reason): "invalid listen address '\(a)': \(reason)"
        case .bindFailed(let a, let reason): "cannot listen on \(a): \(reason)"
        case .invalidConfiguration(let m): "invalid server configuration: \(m)"
        case .coreFailure(let m): "gRPC core failure: \(m)"
        case .threadStartFailed(let e): "cannot start a worker thread (error \(e))"
        }
    }
}
