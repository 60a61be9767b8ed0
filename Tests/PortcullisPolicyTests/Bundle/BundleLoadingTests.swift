import Foundation
import Testing
@testable import PortcullisPolicy

@Suite struct BundleLoadingTests {
    static let policy = "name: p\nrules: [{action: allow, to: [{methods: [GET]}]}]\n"

    func makeBundle(_ dir: TempDirectory, under prefix: String = "") throws {
        try dir.write(prefix + "manifest.yaml", "name: demo\nrevision: \"7\"\ndescription: a demo\n")
        try dir.write(prefix + "p.yaml", Self.policy)
        try dir.write(prefix + "data/users.yaml", "admins: [alice]\n")
        try dir.write(prefix + "README.md", "not a policy")
        try dir.write(prefix + "tests/t.yaml", "tests:\n  - {name: get, request: {method: GET}, expect: {allow: true}}\n")
    }

    @Test func loadsADirectory() throws {
        let dir = try TempDirectory()
        try makeBundle(dir)
        let b = try BundleLoader.load(path: dir.path)
        #expect(b.name == "demo")
        #expect(b.revision == "7")
        #expect(b.description == "a demo")
        #expect(b.policyNames == ["p"])
        #expect(b.tests.count == 1)
        #expect(b.runTests().allSatisfy { $0.passed })
    }

    @Test func loadsATarGzWithOrWithoutATopDirectory() throws {
        let dir = try TempDirectory()
        try makeBundle(dir, under: "src/")
        try dir.run("/bin/tar", ["czf", "flat.tar.gz", "-C", "src", "."])
        try dir.run("/bin/tar", ["czf", "nested.tgz", "src"])
        for name in ["flat.tar.gz", "nested.tgz"] {
            let b = try BundleLoader.load(path: dir.path + "/" + name)
            #expect(b.name == "demo")
            #expect(b.policyNames == ["p"])
            #expect(b.decide(Fixture.request(method: "GET")).allowed)
        }
    }

    @Test func refusesPathsEscapingTheBundle() throws {
        for evil in ["../evil.yaml", "/etc/evil.yaml", "a/../../evil.yaml"] {
            var tar = TarBuilder()
            tar.add("manifest.yaml", Fixture.manifest)
            tar.add(evil, Self.policy)
            let dir = try TempDirectory()
            let path = try dir.write("b.tar", bytes: tar.finished())
            #expect(throws: BundleError.self) { try BundleLoader.load(path: path) }
            do {
                _ = try BundleLoader.load(path: path)
            } catch {
                #expect(error.diagnostics.first?.message.contains("escapes the bundle") == true)
            }
        }
    }

    @Test func refusesLinksInArchivesAndDirectories() throws {
        var tar = TarBuilder()
        tar.add("manifest.yaml", Fixture.manifest)
        tar.add("p.yaml", "", type: "2", link: "/etc/passwd")
        let dir = try TempDirectory()
        let path = try dir.write("b.tar", bytes: tar.finished())
        do {
            _ = try BundleLoader.load(path: path)
            Issue.record("a symlink in an archive was accepted")
        } catch {
            #expect(error.diagnostics.first?.message.contains("links are not allowed") == true)
        }

        let tree = try TempDirectory()
        try makeBundle(tree)
        try FileManager.default.createSymbolicLink(atPath: tree.path + "/linked.yaml", withDestinationPath: "/etc/hostname")
        do {
            _ = try BundleLoader.load(path: tree.path)
            Issue.record("a symlink in a directory was accepted")
        } catch {
            #expect(error.diagnostics.map(\.description) == ["linked.yaml: error: symbolic links are not allowed in a bundle"])
        }
    }

    @Test func enforcesFileCountFileSizeAndDecompressedSize() throws {
        let dir = try TempDirectory()
        try makeBundle(dir)
        var few = BundleLimits()
        few.maxFiles = 3
        #expect(throws: BundleError.self) { try BundleLoader.load(path: dir.path, limits: few) }
        var small = BundleLimits()
        small.maxFileBytes = 20
        #expect(throws: BundleError.self) { try BundleLoader.load(path: dir.path, limits: small) }

        // A gzip bomb: a small archive that inflates past the limit is cut off while decompressing.
        let bomb = try TempDirectory()
        try bomb.write("manifest.yaml", Fixture.manifest)
        try bomb.write("big.yaml", "# " + String(repeating: "a", count: 6_000_000) + "\n")
        try bomb.run("/bin/tar", ["czf", "bomb.tar.gz", "manifest.yaml", "big.yaml"])
        var tight = BundleLimits()
        tight.maxTotalBytes = 1_000_000
        tight.maxFileBytes = 8_000_000
        do {
            _ = try BundleLoader.load(path: bomb.path + "/bomb.tar.gz", limits: tight)
            Issue.record("the bomb was accepted")
        } catch {
            #expect(error.diagnostics.first?.message.contains("decompresses to more than") == true)
        }
    }

    @Test func refusesCorruptArchives() throws {
        let dir = try TempDirectory()
        var tar = TarBuilder()
        tar.add("manifest.yaml", Fixture.manifest)
        var bytes = tar.finished()
        bytes[0] ^= 0xff  // breaks the checksum
        let path = try dir.write("b.tar", bytes: bytes)
        #expect(throws: BundleError.self) { try BundleLoader.load(path: path) }
        let gz = try dir.write("c.tar.gz", bytes: [0x1f, 0x8b, 0x08, 0, 1, 2, 3])
        #expect(throws: BundleError.self) { try BundleLoader.load(path: gz) }
        #expect(throws: BundleError.self) { try BundleLoader.load(path: dir.path + "/missing") }
    }

    @Test func yamlAliasBombHitsTheNodeBudget() throws {
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x]\n"
        for i in 1...12 { yaml += "a\(i): &a\(i) [*a\(i - 1), *a\(i - 1), *a\(i - 1), *a\(i - 1), *a\(i - 1), *a\(i - 1), *a\(i - 1), *a\(i - 1)]\n" }
        var limits = BundleLimits()
        limits.maxYAMLNodes = 20_000
        let d = Fixture.diagnostics(["manifest.yaml": Fixture.manifest, "data/bomb.yaml": yaml], limits: limits)
        #expect(d.contains { $0.message.hasPrefix("bundle has too many YAML nodes") })
    }
}
