import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One bounded HTTP GET: the body is collected up to `maxBytes`, the whole exchange within `timeout`.
final class HTTPDownload: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    struct Response {
        var status: Int
        var headers: [String: String]
        var body: Data
    }

    enum Failure: Error, CustomStringConvertible {
        case tooLarge(Int)
        case transport(String)

        var description: String {
            switch self {
            case .tooLarge(let n): return "download larger than \(n) bytes"
            case .transport(let why): return why
            }
        }
    }

    private let maxBytes: Int
    private let lock = NSLock()
    private var body = Data()
    private var response: HTTPURLResponse?
    private var tooLarge = false
    private var continuation: CheckedContinuation<Response, any Error>?

    private init(maxBytes: Int) { self.maxBytes = maxBytes }

    static func get(_ request: URLRequest, maxBytes: Int, timeout: Duration) async throws -> Response {
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        let config = URLSessionConfiguration.ephemeral
        config.urlCache = nil
        config.requestCachePolicy = .reloadIgnoringLocalCacheData
        config.timeoutIntervalForRequest = seconds
        config.timeoutIntervalForResource = seconds
        config.httpCookieStorage = nil
        let delegate = HTTPDownload(maxBytes: maxBytes)
        let session = URLSession(configuration: config, delegate: delegate, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        let task = session.dataTask(with: request)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Response, any Error>) in
                delegate.lock.withLock { delegate.continuation = c }
                task.resume()
            }
        } onCancel: {
            task.cancel()
        }
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        let http = response as? HTTPURLResponse
        let tooBig = response.expectedContentLength > Int64(maxBytes)
        lock.withLock {
            self.response = http
            if tooBig { tooLarge = true }
        }
        completionHandler(tooBig ? .cancel : .allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let cancel = lock.withLock { () -> Bool in
            if tooLarge { return true }
            if body.count + data.count > maxBytes {
                tooLarge = true
                body = Data()
                return true
            }
            body.append(data)
            return false
        }
        if cancel { dataTask.cancel() }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let (c, result): (CheckedContinuation<Response, any Error>?, Result<Response, any Error>) = lock.withLock {
            let c = continuation
            continuation = nil
            if tooLarge { return (c, .failure(Failure.tooLarge(maxBytes))) }
            if let error { return (c, .failure(Failure.transport(error.localizedDescription))) }
            guard let r = response ?? (task.response as? HTTPURLResponse) else {
                return (c, .failure(Failure.transport("no HTTP response")))
            }
            var headers: [String: String] = [:]
            for (k, v) in r.allHeaderFields {
                if let k = k as? String, let v = v as? String { headers[k.lowercased()] = v }
            }
            return (c, .success(Response(status: r.statusCode, headers: headers, body: body)))
        }
        c?.resume(with: result)
    }
}
