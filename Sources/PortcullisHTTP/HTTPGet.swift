/// One bounded HTTP(S) GET over libcurl (loaded on first use, so a server that fetches nothing
/// never maps it). The body is collected up to `maxBytes`, the whole exchange (redirects
/// included, at most 5, on the allowed schemes only) within `timeout`.
///
/// ```swift
/// let response = try await HTTPGet(url: "https://bundles.example/b.tar.gz", headers: [("If-None-Match", tag)],
///                                  timeout: .seconds(30), maxBytes: 64 << 20).perform()
/// ```
/// Cancelling the calling task stops the transfer.
public struct HTTPGet: Sendable {
    public var url: String
    /// Request headers, in order. Names and values must not hold CR or LF.
    public var headers: [(name: String, value: String)]
    public var timeout: Duration
    public var maxBytes: Int
    /// Schemes allowed for the URL and for redirects.
    public var allowedSchemes: [String]

    public init(
        url: String, headers: [(name: String, value: String)] = [], timeout: Duration = .seconds(30),
        maxBytes: Int = 64 << 20, allowedSchemes: [String] = ["http", "https"]
    ) {
        self.url = url
        self.headers = headers
        self.timeout = timeout
        self.maxBytes = maxBytes
        self.allowedSchemes = allowedSchemes
    }

    /// Performs the GET on a thread of its own (libcurl blocks); any HTTP status is a response.
    public func perform() async throws(HTTPGetError) -> HTTPResponse {
        let request = try CurlRequest()
        let result: Result<HTTPResponse, HTTPGetError> = await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Result<HTTPResponse, HTTPGetError>, Never>) in
                DetachedThread.run {
                    c.resume(returning: Result { () throws(HTTPGetError) in try self.performBlocking(request) })
                }
            }
        } onCancel: {
            request.cancel()
        }
        return try result.get()
    }

    /// Performs the GET on the calling thread.
    public func performBlocking() throws(HTTPGetError) -> HTTPResponse {
        try performBlocking(try CurlRequest())
    }

    func performBlocking(_ request: CurlRequest) throws(HTTPGetError) -> HTTPResponse {
        guard let scheme = url.split(separator: ":", maxSplits: 1).first?.lowercased(),
              url.contains("://"), allowedSchemes.contains(scheme)
        else { throw .invalidURL(scheme: allowedSchemes) }
        for (name, value) in headers {
            guard !(name + value).utf8.contains(where: { $0 == 10 || $0 == 13 }), !name.isEmpty else {
                throw .invalidHeader(name)
            }
            try request.addHeader("\(name): \(value)")
        }
        let millis = max(1, timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        return try request.perform(
            url: url, protocols: allowedSchemes.joined(separator: ","), timeoutMilliseconds: Int(millis),
            maxBytes: max(0, maxBytes))
    }
}
