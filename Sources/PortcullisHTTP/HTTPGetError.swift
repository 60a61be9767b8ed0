/// Why an `HTTPGet` got no response.
public enum HTTPGetError: Error, Sendable, Equatable, CustomStringConvertible {
    /// libcurl (`libcurl.so.4`) could not be loaded.
    case unavailable(String)
    /// The URL's scheme is not one of these (or it is no URL).
    case invalidURL(scheme: [String])
    /// A header name is empty, or a name or value holds CR or LF.
    case invalidHeader(String)
    /// The body was larger than this many bytes.
    case tooLarge(Int)
    case timedOut(Duration)
    case cancelled
    /// Connection, TLS, protocol or resolution failure, as libcurl describes it.
    case failed(String)
    case outOfMemory

    public var description: String {
        switch self {
        case .unavailable(let why): return "HTTP client unavailable: \(why)"
        case .invalidURL(let schemes): return "not a \(schemes.joined(separator: " or ")) URL"
        case .invalidHeader(let name): return "invalid request header \(String(reflecting: name))"
        case .tooLarge(let n): return "download larger than \(n) bytes"
        case .timedOut(let d): return "timed out after \(d)"
        case .cancelled: return "cancelled"
        case .failed(let why): return why
        case .outOfMemory: return "out of memory"
        }
    }
}
