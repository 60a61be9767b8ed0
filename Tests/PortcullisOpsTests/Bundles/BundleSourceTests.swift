import Foundation
import Testing
@testable import PortcullisOps

@Suite struct BundleSourceTests {
    func candidate(_ r: BundleFetchResult) -> BundleCandidate? {
        if case .candidate(let c) = r { return c }
        return nil
    }

    @Test func directorySourceReportsChangesOnlyAndCopiesFiles() async throws {
        let scratch = try Scratch()
        let dir = try scratch.sub("b")
        try TestBundle.write(dir, text: "one")
        let src = DirectoryBundleSource(path: dir, debounce: .milliseconds(20))
        let first = try #require(candidate(try await src.fetch()))
        #expect(first.directory != dir)
        #expect(Scratch.read(first.directory + "/policy.txt") == "one")
        #expect(Scratch.read(first.directory + "/data/extra.json") != nil)
        first.discard()
        #expect(!FileManager.default.fileExists(atPath: first.directory))
        guard case .unchanged = try await src.fetch() else {
            Issue.record("an untouched directory must be unchanged")
            return
        }
        try Scratch.write("two, longer", to: dir + "/policy.txt")
        let second = try #require(candidate(try await src.fetch()))
        defer { second.discard() }
        #expect(Scratch.read(second.directory + "/policy.txt") == "two, longer")
    }

    @Test func directorySourceFollowsConfigMapLinksAndSkipsDotDotEntries() async throws {
        let scratch = try Scratch()
        let dir = try scratch.sub("mount")
        let data = try scratch.sub("mount/..2026_11_22")
        try Scratch.write("from configmap", to: data + "/policy.txt")
        try FileManager.default.createSymbolicLink(atPath: dir + "/..data", withDestinationPath: "..2026_11_22")
        try FileManager.default.createSymbolicLink(atPath: dir + "/policy.txt", withDestinationPath: "..data/policy.txt")
        let src = DirectoryBundleSource(path: dir, debounce: .milliseconds(10))
        let c = try #require(candidate(try await src.fetch()))
        defer { c.discard() }
        let names = try BundleFiles.list(c.directory, followSymlinks: false).map(\.name)
        #expect(names == ["policy.txt"])
        #expect(Scratch.read(c.directory + "/policy.txt") == "from configmap")
    }

    @Test func missingDirectoryIsAFetchError() async throws {
        let src = DirectoryBundleSource(path: "/nonexistent/portcullis", debounce: .milliseconds(1))
        await #expect(throws: (any Error).self) { try await src.fetch() }
    }

    @Test func tarballSourceUnpacksAndRefusesLinks() async throws {
        let scratch = try Scratch()
        let dir = try scratch.sub("b")
        try TestBundle.write(dir, text: "packed")
        let archive = scratch.path + "/bundle.tar.gz"
        try TestBundle.pack(dir, into: archive)
        let src = TarballBundleSource(path: archive, debounce: .milliseconds(10))
        let c = try #require(candidate(try await src.fetch()))
        #expect(Scratch.read(c.directory + "/policy.txt") == "packed")
        #expect(c.archive != nil)
        c.discard()
        guard case .unchanged = try await src.fetch() else {
            Issue.record("an untouched archive must be unchanged")
            return
        }
        // An archive holding a symbolic link out of the bundle is refused.
        let evil = try scratch.sub("evil")
        try FileManager.default.createSymbolicLink(atPath: evil + "/policy.txt", withDestinationPath: "/etc/passwd")
        let evilArchive = scratch.path + "/evil.tar.gz"
        try TestBundle.pack(evil, into: evilArchive)
        await #expect(throws: (any Error).self) { try await TarballBundleSource(path: evilArchive, debounce: .milliseconds(1)).fetch() }
        // A corrupt archive is an error, not a crash.
        let junk = scratch.path + "/junk.tar.gz"
        try Scratch.write("not gzip", to: junk)
        await #expect(throws: (any Error).self) { try await TarballBundleSource(path: junk, debounce: .milliseconds(1)).fetch() }
    }

    @Test func httpSourceUsesETagsAndHonours304() async throws {
        let scratch = try Scratch()
        let served = try scratch.sub("www")
        let dir = try scratch.sub("b")
        try TestBundle.write(dir, text: "rev one", revision: "1")
        try TestBundle.pack(dir, into: served + "/bundle.tar.gz")
        let server = try BundleHTTPServer(root: served, scratch: scratch)
        let src = try HTTPBundleSource(url: server.url("bundle.tar.gz"))
        let c = try #require(candidate(try await src.fetch()))
        #expect(Scratch.read(c.directory + "/policy.txt") == "rev one")
        #expect(c.etag != nil)
        c.discard()
        guard case .unchanged = try await src.fetch() else {
            Issue.record("same ETag must give 304 / unchanged")
            return
        }
        #expect(server.statuses == [200, 304])
        try TestBundle.write(dir, text: "rev two", revision: "2")
        try TestBundle.pack(dir, into: served + "/bundle.tar.gz")
        let c2 = try #require(candidate(try await src.fetch()))
        defer { c2.discard() }
        #expect(Scratch.read(c2.directory + "/policy.txt") == "rev two")
        #expect(server.statuses == [200, 304, 200])
    }

    @Test func httpSourceErrorsAndLimits() async throws {
        let scratch = try Scratch()
        let served = try scratch.sub("www")
        let dir = try scratch.sub("b")
        try TestBundle.write(dir, text: String(repeating: "big policy ", count: 20_000))
        try TestBundle.pack(dir, into: served + "/bundle.tar.gz")
        let server = try BundleHTTPServer(root: served, scratch: scratch)
        await #expect(throws: HTTPBundleSource.StatusError.self) {
            try await HTTPBundleSource(url: server.url("missing.tar.gz")).fetch()
        }
        let small = try HTTPBundleSource(url: server.url("bundle.tar.gz"), limits: .init(maxBytes: 100))
        await #expect(throws: (any Error).self) { try await small.fetch() }
        let unpackLimit = try HTTPBundleSource(url: server.url("bundle.tar.gz"), limits: .init(maxUnpackedBytes: 1000))
        await #expect(throws: (any Error).self) { try await unpackLimit.fetch() }
        server.stop()
        await #expect(throws: (any Error).self) { try await HTTPBundleSource(url: server.url("bundle.tar.gz")).fetch() }
    }

    @Test func httpSourceHidesCredentialsInItsLocation() throws {
        let src = try HTTPBundleSource(url: "https://user:secret@bundles.example:8443/b.tar.gz?token=abc")
        #expect(src.location == "https://bundles.example:8443/b.tar.gz")
        #expect(throws: ConfigurationError.self) { try HTTPBundleSource(url: "ftp://x/b.tar.gz") }
    }

    @Test func factoryPicksTheSourceKind() throws {
        #expect(try BundleSources.make("https://x.example/b.tar.gz").kind == .http)
        #expect(try BundleSources.make("/srv/b.tar.gz").kind == .tarball)
        #expect(try BundleSources.make("/srv/b.tgz").kind == .tarball)
        #expect(try BundleSources.make("/srv/bundle").kind == .directory)
    }

    @Test func pollIntervalAppliesToURLsWhileLocalFilesAreWatchedEverySecond() throws {
        let poll = PollSchedule(interval: .seconds(30), jitter: 0)
        #expect(try BundleSources.make("https://x.example/b.tar.gz", poll: poll).nextPollDelay(consecutiveFailures: 0) == .seconds(30))
        #expect(try BundleSources.make("/srv/b.tar.gz", poll: poll).nextPollDelay(consecutiveFailures: 0) == .seconds(1))
        #expect(try BundleSources.make("/srv/bundle", poll: poll).nextPollDelay(consecutiveFailures: 0) == .seconds(1))
        let fast = PollSchedule(interval: .milliseconds(200), jitter: 0)
        #expect(try BundleSources.make("/srv/bundle", poll: poll, local: fast).nextPollDelay(consecutiveFailures: 3) == .milliseconds(200))
    }
}
