import Foundation

/// Keeps the last good bundle in `--persist-dir` (`bundle.tar.gz` and `bundle.json`), written
/// atomically (temporary file, fsync, rename), so a restart without the bundle server still serves it.
public struct BundlePersistence: Sendable {
    public let directory: String
    public var archivePath: String { directory + "/bundle.tar.gz" }
    public var metadataPath: String { directory + "/bundle.json" }

    /// What was saved with the persisted bundle.
    public struct Saved: Sendable, Equatable {
        public var revision: String
        public var source: String
        public var etag: String?
        public var savedAt: Date
    }

    /// Creates `directory` when missing. Throws ``ConfigurationError`` when it cannot be used.
    public init(directory: String) throws {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDir) {
            guard isDir.boolValue else { throw ConfigurationError("--persist-dir: \(directory) is not a directory") }
        } else {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw ConfigurationError("--persist-dir: cannot create \(directory): \(error.localizedDescription)")
            }
        }
        guard FileManager.default.isWritableFile(atPath: directory) else {
            throw ConfigurationError("--persist-dir: \(directory) is not writable")
        }
        self.directory = directory
    }

    /// Saves `candidate` (its archive, or a new archive of its directory) and its metadata.
    func save(_ candidate: BundleCandidate, metadata: BundleMetadata) throws {
        let tmp = directory + "/.bundle.tar.gz.tmp-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        if let archive = candidate.archive {
            try FileManager.default.copyItem(atPath: archive, toPath: tmp)
        } else {
            try TarArchive.create(tmp, from: candidate.directory)
        }
        try Self.commit(tmp, to: archivePath)
        var meta: [String: Any] = [
            "revision": metadata.revision, "source": metadata.source,
            "saved_at": metadata.loadedAt.timeIntervalSince1970,
        ]
        if let etag = candidate.etag { meta["etag"] = etag }
        let data = try JSONSerialization.data(withJSONObject: meta, options: [.sortedKeys])
        let tmpMeta = directory + "/.bundle.json.tmp-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: tmpMeta) }
        guard FileManager.default.createFile(atPath: tmpMeta, contents: data) else {
            throw TarArchive.Failure(description: "cannot write \(tmpMeta)")
        }
        try Self.commit(tmpMeta, to: metadataPath)
    }

    /// The persisted bundle unpacked into a private directory, or nil when none was saved.
    func load() throws -> (BundleCandidate, Saved?)? {
        guard FileManager.default.fileExists(atPath: archivePath) else { return nil }
        let work = try TempDir.make()
        do {
            let dir = work + "/bundle"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false)
            try TarArchive.extract(archivePath, into: dir)
            var c = BundleCandidate(directory: dir, archive: archivePath)
            c.temporaries = [work]
            return (c, savedMetadata())
        } catch {
            TempDir.remove(work)
            throw error
        }
    }

    /// The metadata saved with the persisted bundle.
    public func savedMetadata() -> Saved? {
        guard let data = FileManager.default.contents(atPath: metadataPath),
              let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let revision = obj["revision"] as? String, let source = obj["source"] as? String
        else { return nil }
        let at = (obj["saved_at"] as? NSNumber)?.doubleValue ?? 0
        return Saved(revision: revision, source: source, etag: obj["etag"] as? String, savedAt: Date(timeIntervalSince1970: at))
    }

    /// fsync the file, rename it over `target`, fsync the directory.
    private static func commit(_ tmp: String, to target: String) throws {
        let fd = open(tmp, O_RDONLY)
        if fd >= 0 {
            _ = fsync(fd)
            close(fd)
        }
        guard rename(tmp, target) == 0 else {
            throw TarArchive.Failure(description: "cannot rename into \(target): errno \(errno)")
        }
        let dfd = open((target as NSString).deletingLastPathComponent, O_RDONLY)
        if dfd >= 0 {
            _ = fsync(dfd)
            close(dfd)
        }
    }
}
