import Foundation
import Synchronization

/// A `.tar.gz` bundle file on disk, reloaded when its size or modification time changes (debounced).
public final class TarballBundleSource: BundleSource {
    public let path: String
    public let schedule: PollSchedule
    public let debounce: Duration
    /// Refuse archives that unpack to more than this many bytes.
    public let maxUnpackedBytes: Int
    private let lastStamp = Mutex<String?>(nil)

    public init(
        path: String, schedule: PollSchedule = PollSchedule(interval: .seconds(1), jitter: 0),
        debounce: Duration = .milliseconds(300), maxUnpackedBytes: Int = 256 << 20
    ) {
        self.path = path
        self.schedule = schedule
        self.debounce = debounce
        self.maxUnpackedBytes = maxUnpackedBytes
    }

    public var kind: BundleSourceKind { .tarball }
    public var location: String { path }

    public func nextPollDelay(consecutiveFailures: Int) -> Duration {
        schedule.delay(consecutiveFailures: 0)
    }

    private func stamp() throws -> String {
        let attrs = try FileManager.default.attributesOfItem(atPath: path)
        let size = (attrs[.size] as? NSNumber)?.int64Value ?? -1
        let mtime = (attrs[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return "\(size)/\(mtime)"
    }

    public func fetch() async throws -> BundleFetchResult {
        var s = try stamp()
        if s == lastStamp.withLock({ $0 }) { return .unchanged }
        for _ in 0..<20 {
            try await Task.sleep(for: debounce)
            let s2 = try stamp()
            if s2 == s { break }
            s = s2
        }
        let work = try TempDir.make()
        do {
            let archive = work + "/bundle.tar.gz"
            try FileManager.default.copyItem(atPath: path, toPath: archive)
            let dir = work + "/bundle"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false)
            try TarArchive.extract(archive, into: dir)
            _ = try BundleFiles.list(dir, followSymlinks: false, maxTotalBytes: maxUnpackedBytes)
            lastStamp.withLock { $0 = s }
            var c = BundleCandidate(directory: dir, archive: archive)
            c.temporaries = [work]
            return .candidate(c)
        } catch {
            TempDir.remove(work)
            lastStamp.withLock { $0 = s }
            throw error
        }
    }
}
