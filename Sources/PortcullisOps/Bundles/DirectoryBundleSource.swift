#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// A bundle directory on disk, reloaded when its files change.
///
/// Each poll lists names, sizes and modification times (following links, skipping `..*` entries,
/// so a mounted Kubernetes ConfigMap works). After a change it waits until the listing has been
/// stable for `debounce`, then hands over a private copy of the files.
public final class DirectoryBundleSource: BundleSource {
    public let path: String
    public let schedule: PollSchedule
    public let debounce: Duration
    private let lastFingerprint = Mutex<String?>(nil)

    public init(path: String, schedule: PollSchedule = PollSchedule(interval: .seconds(1), jitter: 0), debounce: Duration = .milliseconds(300)) {
        self.path = path
        self.schedule = schedule
        self.debounce = debounce
    }

    public var kind: BundleSourceKind { .directory }
    public var location: String { path }

    public func nextPollDelay(consecutiveFailures: Int) -> Duration {
        // A broken directory is retried when it changes, so failures don't slow the watch.
        schedule.delay(consecutiveFailures: 0)
    }

    public func fetch() async throws -> BundleFetchResult {
        var files = try BundleFiles.list(path, followSymlinks: true)
        var fp = BundleFiles.fingerprint(files)
        if fp == lastFingerprint.withLock({ $0 }) { return .unchanged }
        // Debounce: wait until two listings `debounce` apart agree (bounded, so a directory
        // that never settles is still loaded).
        for _ in 0..<20 {
            try await Task.sleep(for: debounce)
            let again = try BundleFiles.list(path, followSymlinks: true)
            let fp2 = BundleFiles.fingerprint(again)
            files = again
            if fp2 == fp { break }
            fp = fp2
        }
        let copy = try TempDir.make()
        do {
            try BundleFiles.snapshot(files, into: copy)
        } catch {
            TempDir.remove(copy)
            throw error
        }
        // Remembered before verification: a broken bundle is retried when it changes again.
        lastFingerprint.withLock { $0 = fp }
        var c = BundleCandidate(directory: copy)
        c.temporaries = [copy]
        return .candidate(c)
    }
}
