import Foundation
import Testing
@testable import PortcullisOps

@Suite struct BundleDigestTests {
    private func content(_ files: [String: String]) throws -> BundleContent {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("digest-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (name, text) in files { try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8) }
        return try BundleContent.read(directory: dir, followSymlinks: false)
    }

    @Test func revisionComesFromManifestYAML() throws {
        let c = try content(["manifest.yaml": "# shop\nname: shop\nrevision: \"2026-11-22.1\" # today\n", "p.yaml": "name: p\n"])
        #expect(c.revision == "2026-11-22.1")
    }

    @Test func revisionFallsBackToTheDigest() throws {
        let c = try content(["manifest.yaml": "name: shop\n", "p.yaml": "name: p\n"])
        #expect(c.revision == "sha256:" + String(c.digest.prefix(16)))
    }
}
