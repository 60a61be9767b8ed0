import PortcullisModel

/// A request body parsed by its `Content-Type`, for rules that read the body.
public enum RequestBody: Sendable, Hashable {
    /// `application/json` or any `+json` media type.
    case json(JSONValue)
    /// `application/x-www-form-urlencoded`.
    case form(FormURLEncoded)

    /// Why a body could not be read.
    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// Envoy truncated the body (`x-envoy-auth-partial-body: true`): it never satisfies a body rule.
        case partial
        case unsupportedContentType(String)
        case invalidJSON(StrictJSONError)
        case invalidForm(FormParseError)

        public var description: String {
            switch self {
            case .partial: return "the body was truncated by the proxy"
            case .unsupportedContentType(let t): return "unsupported content type \"\(t)\""
            case .invalidJSON(let e): return e.description
            case .invalidForm(let e): return e.description
            }
        }
    }

    /// The body as a value for expressions: the JSON document, or the form's first-value object.
    public var jsonValue: JSONValue {
        switch self {
        case .json(let v): return v
        case .form(let f): return f.jsonValue
        }
    }

    /// The media type of a `Content-Type` value: lower-cased, parameters and whitespace dropped.
    public static func mediaType(_ contentType: String) -> String {
        let base = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return base.trimmingASCIIWhitespace().lowercased()
    }

    /// Parses `body` according to `contentType`. JSON is accepted for `application/json` and
    /// `application/*+json`; forms for `application/x-www-form-urlencoded`. `limits.maxBytes` bounds both.
    public static func parse(
        body: [UInt8], contentType: String?, partial: Bool = false, limits: JSONParseLimits = .default
    ) -> Result<RequestBody, Failure> {
        body.withUnsafeBufferPointer { parse(body: $0, contentType: contentType, partial: partial, limits: limits) }
    }

    /// `parse(body:contentType:partial:limits:)` over bytes the caller keeps alive for the call (the result does
    /// not refer to them), so that a body held as a `String` is read in place.
    public static func parse(
        body: UnsafeBufferPointer<UInt8>, contentType: String?, partial: Bool = false, limits: JSONParseLimits = .default
    ) -> Result<RequestBody, Failure> {
        ParsedBody.dispatch(
            body: body, contentType: contentType, partial: partial, limits: limits,
            json: { (parser, bytes) throws(StrictJSONError) in .json(try parser.parse(bytes)) }, form: { .form($0) })
    }

    /// Parses the body of an Envoy HTTP request: `raw_body` when present, else `body`; the
    /// `content-type` header selects the parser, and a partial body is refused.
    public static func parse(_ http: HTTPRequestInfo, limits: JSONParseLimits = .default) -> Result<RequestBody, Failure> {
        let contentType = http.headers.first("content-type")
        if http.rawBody.isEmpty {
            var text = http.body
            return text.withUTF8 { parse(body: $0, contentType: contentType, partial: http.isPartialBody, limits: limits) }
        }
        return http.rawBody.withUnsafeBufferPointer {
            parse(body: $0, contentType: contentType, partial: http.isPartialBody, limits: limits)
        }
    }
}

/// Which parser a `Content-Type` selects: the decision `mediaType` makes (lower-cased, parameters and blanks
/// dropped, then compared), read from the header's bytes without building strings when they are all ASCII.
enum MediaKind: Equatable {
    /// `application/json` or `application/*+json`.
    case json
    /// `application/x-www-form-urlencoded`.
    case form
    case other

    init(_ contentType: String) {
        var text = contentType
        if let kind = text.withUTF8({ MediaKind.ascii($0) }) {
            self = kind
        } else {
            self = MediaKind.of(mediaType: RequestBody.mediaType(contentType))
        }
    }

    /// The kind of a media type as `RequestBody.mediaType` returns it.
    static func of(mediaType type: String) -> MediaKind {
        if type == "application/json" || (type.hasPrefix("application/") && type.hasSuffix("+json")) { return .json }
        if type == "application/x-www-form-urlencoded" { return .form }
        return .other
    }

    /// The kind of an all-ASCII header (where bytes are characters, so byte comparisons decide as the string ones
    /// do), or nil when it has other bytes.
    static func ascii(_ b: UnsafeBufferPointer<UInt8>) -> MediaKind? {
        var end = b.count
        for i in 0..<b.count {
            if b[i] >= 0x80 { return nil }
            if b[i] == UInt8(ascii: ";"), end == b.count { end = i }
        }
        var start = 0
        while start < end, b[start] == UInt8(ascii: " ") || b[start] == UInt8(ascii: "\t") { start += 1 }
        while end > start, b[end - 1] == UInt8(ascii: " ") || b[end - 1] == UInt8(ascii: "\t") { end -= 1 }
        let type = UnsafeBufferPointer(rebasing: b[start..<end])
        if equalsLowercased(type, "application/json") { return .json }
        if type.count >= 17, equalsLowercased(UnsafeBufferPointer(rebasing: type[0..<12]), "application/"),
            equalsLowercased(UnsafeBufferPointer(rebasing: type[(type.count - 5)...]), "+json")
        {
            return .json
        }
        if equalsLowercased(type, "application/x-www-form-urlencoded") { return .form }
        return .other
    }

    /// Whether ASCII `bytes`, lower-cased, are `lowercase`.
    static func equalsLowercased(_ bytes: UnsafeBufferPointer<UInt8>, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        let expected = lowercase.utf8Start
        for i in 0..<bytes.count {
            var c = bytes[i]
            if c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") { c += 0x20 }
            if c != expected[i] { return false }
        }
        return true
    }
}

extension StringProtocol {
    func trimmingASCIIWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
