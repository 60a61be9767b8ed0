import Foundation

/// The content identity of an unpacked bundle: per-file SHA-256, a digest over all of them, and its revision.
public struct BundleContent: Sendable {
    /// SHA-256 (lower-case hex) of each file's bytes, by relative name.
    public var fileHashes: [String: String]
    /// SHA-256 over the sorted `name NUL hash LF` lines.
    public var digest: String
    /// `.manifest`'s `revision` when present, else `sha256:` and the first 16 hex digits of `digest`.
    public var revision: String

    /// Hashes every regular file under `directory` (links refused unless `followSymlinks`).
    public static func read(directory: String, followSymlinks: Bool = false, maxTotalBytes: Int = .max) throws -> BundleContent {
        let files = try BundleFiles.list(directory, followSymlinks: followSymlinks, maxTotalBytes: maxTotalBytes)
        var hashes: [String: String] = [:]
        var all = [UInt8]()
        var manifestRevision: String?
        for f in files {
            let bytes = try BundleFiles.read(f)
            guard let h = Digest.sha256Hex(bytes) else { throw BundleFiles.WalkError.unreadable(f.name) }
            hashes[f.name] = h
            all += Array(f.name.utf8) + [0] + Array(h.utf8) + [10]
            if f.name == ".manifest" { manifestRevision = Self.manifestRevision(bytes) }
            if f.name == "manifest.yaml" || f.name == "manifest.yml", manifestRevision == nil {
                manifestRevision = Self.yamlManifestRevision(bytes)
            }
        }
        let digest = Digest.sha256Hex(all) ?? ""
        let revision = manifestRevision ?? "sha256:" + String(digest.prefix(16))
        return BundleContent(fileHashes: hashes, digest: digest, revision: revision)
    }

    /// The top-level `revision:` of Portcullis' own manifest.yaml (a plain or quoted scalar).
    static func yamlManifestRevision(_ bytes: [UInt8]) -> String? {
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true) {
            guard line.hasPrefix("revision:") else { continue }
            var value = line.dropFirst("revision:".count).trimmingCharacters(in: .whitespaces)
            if let hash = value.range(of: " #") { value = String(value[..<hash.lowerBound]).trimmingCharacters(in: .whitespaces) }
            if value.count >= 2, let q = value.first, q == "\"" || q == "'", value.last == q {
                value = String(value.dropFirst().dropLast())
            }
            return value.isEmpty ? nil : value
        }
        return nil
    }

    static func manifestRevision(_ bytes: [UInt8]) -> String? {
        guard let obj = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
              let rev = obj["revision"] as? String, !rev.isEmpty
        else { return nil }
        return rev
    }
}
