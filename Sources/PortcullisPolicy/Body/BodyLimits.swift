import JSONSchema

/// Bounds on the work a request body may cost. Envoy's `with_request_body.max_request_bytes` usually cuts bodies
/// much shorter; these hold when it is configured generously.
enum BodyLimits {
    /// JSON bodies: at most 1 MiB, nesting at most 64 levels.
    static let json = JSONParseLimits(maxBytes: 1 << 20, maxDepth: 64)
    /// Form bodies: at most this many `name=value` pairs.
    static let maxFormFields = 1000
    /// Violations reported per failed schema validation.
    static let maxViolations = 10
}
