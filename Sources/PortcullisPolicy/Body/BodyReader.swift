import JSONSchema
import PortcullisModel

/// Why a request body cannot be read by a rule: the body is truncated, absent, of a type Portcullis does not parse,
/// or malformed. A rule that needs the body never matches such a request (and a deny rule that reads it matches:
/// the failure is an evaluation error, which fails closed).
struct BodyFailure: Error, Sendable, Hashable, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// Reads the body Envoy sent with a check (`with_request_body`): decides whether it is complete, then parses it by
/// its `Content-Type` as JSON (`application/json`, `application/*+json`) or as a form
/// (`application/x-www-form-urlencoded`). JSON is kept as a tape: schema validation reads it as it is, and
/// `request.body` builds its value only when an expression reads it.
enum BodyReader {
    /// The body bytes: `raw_body` when Envoy packed it as bytes, else `body`.
    static func bytes(_ http: HTTPRequestInfo) -> [UInt8] {
        http.rawBody.isEmpty ? Array(http.body.utf8) : http.rawBody
    }

    /// Why the body Envoy sent is not the whole body, or nil when it is complete.
    ///
    /// Envoy marks a cut body with `x-envoy-auth-partial-body: true`, but Envoy 1.40 sends `false` when its buffer
    /// fills exactly at `max_request_bytes`; the `content-length` header (and `size`, when Envoy reports a larger
    /// one) still show that bytes are missing.
    static func truncation(_ http: HTTPRequestInfo, received: Int) -> String? {
        if http.isPartialBody { return "the body was truncated by the proxy (x-envoy-auth-partial-body: true)" }
        if let text = http.headers.first("content-length") {
            guard let declared = Int(text.trimmingCharacters(in: " \t")), declared >= 0 else {
                return "the content-length header \(String(reflecting: text)) is not a length"
            }
            if declared > received {
                return "the body was truncated by the proxy (\(received) of \(declared) bytes received)"
            }
        }
        if http.size > Int64(received) {
            return "the body was truncated by the proxy (\(received) of \(http.size) bytes received)"
        }
        return nil
    }

    static func read(_ http: HTTPRequestInfo) -> Result<ParsedBody, BodyFailure> {
        // The bytes as `bytes(http)` gives them, read in place (a `String` body is not copied into an array).
        if http.rawBody.isEmpty {
            var text = http.body
            return text.withUTF8 { read(http, body: $0) }
        }
        return http.rawBody.withUnsafeBufferPointer { read(http, body: $0) }
    }

    private static func read(_ http: HTTPRequestInfo, body: UnsafeBufferPointer<UInt8>) -> Result<ParsedBody, BodyFailure> {
        if let reason = truncation(http, received: body.count) { return .failure(BodyFailure(message: reason)) }
        if let encoding = http.headers.first("content-encoding"),
            !encoding.isEmpty, RequestBody.mediaType(encoding) != "identity"
        {
            return .failure(BodyFailure(message: "bodies with content-encoding \(String(reflecting: encoding)) are not read"))
        }
        guard let contentType = http.headers.first("content-type") else {
            return .failure(
                BodyFailure(message: body.isEmpty ? "the request has no body" : "the request body has no content-type"))
        }
        switch ParsedBody.parse(body: body, contentType: contentType, limits: BodyLimits.json) {
        case .success(let parsed):
            return .success(parsed)
        case .failure(.unsupportedContentType(let type)):
            return .failure(
                BodyFailure(
                    message: "content-type \(String(reflecting: type)) is not read; a body must be application/json or application/x-www-form-urlencoded"))
        case .failure(let other):
            return .failure(BodyFailure(message: other.description))
        }
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> Substring {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return s
    }
}
