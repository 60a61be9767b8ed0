#if canImport(FoundationNetworking)
import Foundation
import FoundationNetworking
#elseif canImport(Foundation)
import Foundation
#endif

#if canImport(Foundation)
/// Fetches JWKS documents over HTTP(S) with URLSession, for `RemoteJWKSProvider`.
public enum URLSessionJWKSFetcher {
    /// Why a fetch failed.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// A fetcher with a per-request timeout (seconds); only `https` URLs unless `allowHTTP`
    /// (tests, in-cluster IdPs); only a 200 response is accepted.
    public static func make(timeout: Double = 5, allowHTTP: Bool = false) -> RemoteJWKSProvider.Fetcher {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        let session = SessionBox(URLSession(configuration: configuration))
        return { urlString in
            guard let url = URL(string: urlString), let scheme = url.scheme?.lowercased(),
                  scheme == "https" || (allowHTTP && scheme == "http")
            else { throw Failure(description: "JWKS URL must be https") }
            var request = URLRequest(url: url)
            request.setValue("application/json", forHTTPHeaderField: "Accept")
            let (data, response) = try await session.session.data(for: request)
            guard let http = response as? HTTPURLResponse else { throw Failure(description: "no HTTP response") }
            guard http.statusCode == 200 else { throw Failure(description: "JWKS endpoint answered \(http.statusCode)") }
            return [UInt8](data)
        }
    }

    /// URLSession is thread-safe; the box only tells the compiler so.
    final class SessionBox: @unchecked Sendable {
        let session: URLSession
        init(_ session: URLSession) { self.session = session }
    }
}
#endif
