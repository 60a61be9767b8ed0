import PortcullisModel

/// A request body parsed by its `Content-Type` for validation: JSON kept as a `JSONTape` (no dictionaries are built
/// unless `jsonValue` is read), a form as its fields. `requestBody` is what `RequestBody.parse` gives.
public enum ParsedBody: Sendable {
    case json(JSONTape)
    case form(FormURLEncoded)

    /// The body as a value for expressions, as `RequestBody.jsonValue`.
    public var jsonValue: JSONValue {
        switch self {
        case .json(let tape): return tape.jsonValue
        case .form(let f): return f.jsonValue
        }
    }

    /// The body as a tape, for `JSONSchema.validate`.
    public var tape: JSONTape {
        switch self {
        case .json(let tape): return tape
        case .form(let f): return JSONTape(f.jsonValue)
        }
    }

    public var requestBody: RequestBody {
        switch self {
        case .json(let tape): return .json(tape.jsonValue)
        case .form(let f): return .form(f)
        }
    }

    /// Parses as `RequestBody.parse(body:contentType:partial:limits:)` does, with the same failures.
    public static func parse(
        body: UnsafeBufferPointer<UInt8>, contentType: String?, partial: Bool = false, limits: JSONParseLimits = .default
    ) -> Result<ParsedBody, RequestBody.Failure> {
        dispatch(
            body: body, contentType: contentType, partial: partial, limits: limits,
            json: { (parser, bytes) throws(StrictJSONError) in .json(try parser.parseTape(bytes)) }, form: { .form($0) })
    }

    /// The choice of parser by `Content-Type`, shared with `RequestBody.parse`: `json` parses a JSON body into the
    /// result (a tape here, a `JSONValue` there). Inlined into both callers, so the parsers are called directly.
    @inline(__always)
    static func dispatch<Body>(
        body: UnsafeBufferPointer<UInt8>, contentType: String?, partial: Bool, limits: JSONParseLimits,
        json: (JSONParser, UnsafeBufferPointer<UInt8>) throws(StrictJSONError) -> Body, form: (FormURLEncoded) -> Body
    ) -> Result<Body, RequestBody.Failure> {
        if partial { return .failure(.partial) }
        let kind = MediaKind(contentType ?? "")
        if kind == .json {
            do {
                return .success(try json(JSONParser(limits: limits), body))
            } catch {
                return .failure(.invalidJSON(error))
            }
        }
        if kind == .form {
            guard let text = String(validating: body, as: UTF8.self) else {
                return .failure(.invalidForm(FormParseError("body is not valid UTF-8")))
            }
            do {
                return .success(form(try FormURLEncoded.parse(text, maxBytes: limits.maxBytes)))
            } catch {
                return .failure(.invalidForm(error))
            }
        }
        return .failure(.unsupportedContentType(RequestBody.mediaType(contentType ?? "")))
    }
}
