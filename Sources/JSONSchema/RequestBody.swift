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
        if partial { return .failure(.partial) }
        let type = mediaType(contentType ?? "")
        if type == "application/json" || (type.hasPrefix("application/") && type.hasSuffix("+json")) {
            do {
                return .success(.json(try JSONParser(limits: limits).parse(body)))
            } catch {
                return .failure(.invalidJSON(error))
            }
        }
        if type == "application/x-www-form-urlencoded" {
            guard let text = String(validating: body, as: UTF8.self) else {
                return .failure(.invalidForm(FormParseError("body is not valid UTF-8")))
            }
            do {
                return .success(.form(try FormURLEncoded.parse(text, maxBytes: limits.maxBytes)))
            } catch {
                return .failure(.invalidForm(error))
            }
        }
        return .failure(.unsupportedContentType(type))
    }

    /// Parses the body of an Envoy HTTP request: `raw_body` when present, else `body`; the
    /// `content-type` header selects the parser, and a partial body is refused.
    public static func parse(_ http: HTTPRequestInfo, limits: JSONParseLimits = .default) -> Result<RequestBody, Failure> {
        let bytes = http.rawBody.isEmpty ? Array(http.body.utf8) : http.rawBody
        return parse(body: bytes, contentType: http.headers.first("content-type"), partial: http.isPartialBody, limits: limits)
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
