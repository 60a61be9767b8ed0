#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where bundles come from: a directory, a `.tar.gz` file or an `http(s)://` URL.
public enum BundleSourceKind: String, Sendable {
    case directory
    case tarball
    case http
}

/// A bundle fetched and unpacked into a private directory, not yet verified or compiled.
public struct BundleCandidate: Sendable {
    /// The unpacked bundle: a private copy, safe to read while the source changes.
    public var directory: String
    /// A `.tar.gz` of it, when the source delivered one (persisted as is).
    public var archive: String?
    /// The HTTP entity tag it was served with.
    public var etag: String?
    /// Whether links inside `directory` may be followed (never for unpacked archives).
    var followSymlinks: Bool = false
    /// Temporary paths to delete once the candidate is dealt with.
    var temporaries: [String] = []

    public init(directory: String, archive: String? = nil, etag: String? = nil) {
        self.directory = directory
        self.archive = archive
        self.etag = etag
    }

    func discard() {
        for t in temporaries { TempDir.remove(t) }
    }
}

/// The outcome of one poll of a source.
public enum BundleFetchResult: Sendable {
    /// Nothing changed since the last fetch (HTTP 304, same files).
    case unchanged
    case candidate(BundleCandidate)
}

/// A place bundles are polled from. Sources are polled by one ``BundleManager`` at a time.
public protocol BundleSource: Sendable {
    var kind: BundleSourceKind { get }
    /// Where it is, credentials removed: shown in logs, metrics labels and `/bundle`.
    var location: String { get }
    /// Polls once. Throws when the source cannot be read; returns ``BundleFetchResult/unchanged``
    /// when it holds what was fetched last time.
    func fetch() async throws -> BundleFetchResult
    /// How long to wait before the next poll, after `consecutiveFailures` failed refreshes (0 after a success).
    func nextPollDelay(consecutiveFailures: Int) -> Duration
}

/// Makes the right source for a `--bundle` value: `http(s)://` URLs, `*.tar.gz`/`*.tgz` files, or directories.
public enum BundleSources {
    /// - poll: how URLs are polled.
    /// - local: how directories and archives are watched (a `stat` per file: cheap, so every second).
    public static func make(
        _ location: String, poll: PollSchedule = PollSchedule(), http: HTTPBundleSource.Limits = .init(),
        debounce: Duration = .milliseconds(300), local: PollSchedule = PollSchedule(interval: .seconds(1), jitter: 0)
    ) throws -> any BundleSource {
        let lower = location.lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
            return try HTTPBundleSource(url: location, schedule: poll, limits: http)
        }
        if lower.hasSuffix(".tar.gz") || lower.hasSuffix(".tgz") {
            return TarballBundleSource(path: location, schedule: local, debounce: debounce)
        }
        return DirectoryBundleSource(path: location, schedule: local, debounce: debounce)
    }
}
