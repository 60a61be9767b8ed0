import CCurl

/// The single Swift owner of one `portcullis_http_request` handle (freed in `deinit`). Used by
/// one thread at a time, except `cancel()`, which the C side makes thread-safe.
final class CurlRequest: @unchecked Sendable {
    private let handle: OpaquePointer

    init() throws(HTTPGetError) {
        guard let h = portcullis_http_request_new() else { throw .outOfMemory }
        handle = h
    }

    deinit { portcullis_http_request_free(handle) }

    func addHeader(_ line: String) throws(HTTPGetError) {
        guard portcullis_http_add_header(handle, line) == 0 else {
            throw .unavailable(String(cString: portcullis_http_error(handle)))
        }
    }

    func cancel() { portcullis_http_cancel(handle) }

    func perform(url: String, protocols: String, timeoutMilliseconds: Int, maxBytes: Int) throws(HTTPGetError) -> HTTPResponse {
        let rc = portcullis_http_perform(handle, url, protocols, timeoutMilliseconds, maxBytes)
        switch Int(rc) {
        case Int(PORTCULLIS_HTTP_OK): break
        case Int(PORTCULLIS_HTTP_TOO_LARGE): throw .tooLarge(maxBytes)
        case Int(PORTCULLIS_HTTP_TIMEOUT): throw .timedOut(.milliseconds(timeoutMilliseconds))
        case Int(PORTCULLIS_HTTP_CANCELLED): throw .cancelled
        case Int(PORTCULLIS_HTTP_NO_MEMORY): throw .outOfMemory
        case Int(PORTCULLIS_HTTP_UNAVAILABLE): throw .unavailable(String(cString: portcullis_http_error(handle)))
        default: throw .failed(String(cString: portcullis_http_error(handle)))
        }
        var bodyLength = 0
        var body: [UInt8] = []
        if let p = portcullis_http_body(handle, &bodyLength), bodyLength > 0 {
            body = Array(UnsafeBufferPointer(start: p, count: bodyLength))
        }
        var headerLength = 0
        var headers: [String: String] = [:]
        if let p = portcullis_http_headers(handle, &headerLength), headerLength > 0 {
            let text = UnsafeRawPointer(p).withMemoryRebound(to: UInt8.self, capacity: headerLength) {
                String(decoding: UnsafeBufferPointer(start: $0, count: headerLength), as: UTF8.self)
            }
            headers = HTTPResponse.parseHeaders(text)
        }
        return HTTPResponse(status: portcullis_http_status(handle), headers: headers, body: body)
    }
}
