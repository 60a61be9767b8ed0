/// Why bytes could not be decoded. The server answers any of these with gRPC
/// INVALID_ARGUMENT: never with OK, so Envoy's `failure_mode_allow` decides.
public enum CodecError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The bytes are not a valid protobuf encoding of the expected message.
    case malformed(message: String)
    /// Messages are nested deeper than `maxNestingDepth` (a guard against stack exhaustion).
    case tooDeep(message: String, limit: Int)

    public var description: String {
        switch self {
        case .malformed(let m): return "malformed \(m)"
        case .tooDeep(let m, let limit): return "\(m) nests messages deeper than \(limit)"
        }
    }
}
