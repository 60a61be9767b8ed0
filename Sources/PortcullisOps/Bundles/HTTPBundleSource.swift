#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PortcullisHTTP
import Synchronization

/// A `.tar.gz` bundle served over `http://` or `https://` by any static HTTP server.
///
/// Polled on ``PollSchedule`` (interval with jitter, exponential backoff after failures).
/// Sends `If-None-Match` with the last entity tag and treats `304 Not Modified` as unchanged.
/// Downloads are bounded by ``Limits``.
public final class HTTPBundleSource: BundleSource {
    public struct Limits: Sendable {
        /// Largest accepted download.
        public var maxBytes: Int
        /// Time allowed for one whole download.
        public var timeout: Duration
        /// Largest accepted unpacked size.
        public var maxUnpackedBytes: Int
        /// Extra request headers (e.g. `Authorization` for a private bundle server). Never logged.
        public var headers: [String: String]

        public init(maxBytes: Int = 64 << 20, timeout: Duration = .seconds(30), maxUnpackedBytes: Int = 256 << 20, headers: [String: String] = [:]) {
            self.maxBytes = maxBytes
            self.timeout = timeout
            self.maxUnpackedBytes = maxUnpackedBytes
            self.headers = headers
        }
    }

    public struct StatusError: Error, CustomStringConvertible {
        public var status: Int
        public var description: String { "bundle server answered HTTP \(status)" }
    }

    public let url: URL
    public let schedule: PollSchedule
    public let limits: Limits
    private let etag = Mutex<String?>(nil)

    public init(url: String, schedule: PollSchedule = PollSchedule(), limits: Limits = Limits()) throws {
        guard let u = URL(string: url), let scheme = u.scheme?.lowercased(), scheme == "http" || scheme == "https", u.host != nil else {
            throw ConfigurationError("--bundle: \(url) is not a valid http(s) URL")
        }
        self.url = u
        self.schedule = schedule
        self.limits = limits
    }

    public var kind: BundleSourceKind { .http }

    /// The URL without user, password or query (they may hold credentials).
    public var location: String {
        var c = URLComponents(url: url, resolvingAgainstBaseURL: false)
        c?.user = nil
        c?.password = nil
        c?.query = nil
        return c?.string ?? "http bundle"
    }

    /// The entity tag of the last bundle fetched (sent as `If-None-Match`).
    public var currentETag: String? { etag.withLock { $0 } }

    /// Forgets the entity tag, so the next poll downloads the bundle again.
    public func resetETag() { etag.withLock { $0 = nil } }

    public func nextPollDelay(consecutiveFailures: Int) -> Duration {
        schedule.delay(consecutiveFailures: consecutiveFailures)
    }

    public func fetch() async throws -> BundleFetchResult {
        var headers = limits.headers.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }
        let sentETag = etag.withLock { $0 }
        if let sentETag { headers.append((name: "If-None-Match", value: sentETag)) }
        let response = try await HTTPGet(
            url: url.absoluteString, headers: headers, timeout: limits.timeout, maxBytes: limits.maxBytes
        ).perform()
        if response.status == 304, sentETag != nil { return .unchanged }
        guard response.status == 200 else { throw StatusError(status: response.status) }
        let work = try TempDir.make()
        do {
            let archive = work + "/bundle.tar.gz"
            guard FileManager.default.createFile(atPath: archive, contents: Data(response.body)) else {
                throw TarArchive.Failure(description: "cannot write the downloaded bundle")
            }
            let dir = work + "/bundle"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false)
            try TarArchive.extract(archive, into: dir)
            _ = try BundleFiles.list(dir, followSymlinks: false, maxTotalBytes: limits.maxUnpackedBytes)
            let tag = response.headers["etag"]
            etag.withLock { $0 = tag }
            var c = BundleCandidate(directory: dir, archive: archive, etag: tag)
            c.temporaries = [work]
            return .candidate(c)
        } catch {
            TempDir.remove(work)
            throw error
        }
    }
}
