import PortcullisHTTP

/// Fetches JWKS documents over HTTP(S) (libcurl, through `PortcullisHTTP`), for `RemoteJWKSProvider`.
public enum HTTPJWKSFetcher {
    /// Why a fetch failed.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// A fetcher with a per-request timeout (seconds); only `https` URLs unless `allowHTTP`
    /// (tests, in-cluster IdPs); only a 200 response is accepted; documents over `maxBytes` are refused.
    public static func make(timeout: Double = 5, allowHTTP: Bool = false, maxBytes: Int = 1 << 20) -> RemoteJWKSProvider.Fetcher {
        let schemes = allowHTTP ? ["http", "https"] : ["https"]
        let millis = Int((max(timeout, 0.001) * 1000).rounded(.up))
        return { url in
            let get = HTTPGet(
                url: url, headers: [("Accept", "application/json")], timeout: .milliseconds(millis), maxBytes: maxBytes,
                allowedSchemes: schemes)
            let response: HTTPResponse
            do throws(HTTPGetError) {
                response = try await get.perform()
            } catch .invalidURL {
                throw Failure(description: allowHTTP ? "JWKS URL must be http or https" : "JWKS URL must be https")
            } catch {
                throw Failure(description: "JWKS fetch failed: \(error)")
            }
            guard response.status == 200 else { throw Failure(description: "JWKS endpoint answered \(response.status)") }
            return response.body
        }
    }
}

/// The former name, from when the fetcher used URLSession.
public typealias URLSessionJWKSFetcher = HTTPJWKSFetcher
