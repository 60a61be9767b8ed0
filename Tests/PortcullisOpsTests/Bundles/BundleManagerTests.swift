import Foundation
import Testing
@testable import PortcullisOps

@Suite struct BundleManagerTests {
    /// A served, signed bundle setup: `publish` repacks and re-signs the bundle the server serves.
    final class Fixture {
        let scratch: Scratch
        let www: String
        let work: String
        let keys: String
        let persist: String
        var server: BundleHTTPServer
        var pem = ""

        init() throws {
            scratch = try Scratch()
            www = try scratch.sub("www")
            work = try scratch.sub("work")
            keys = try scratch.sub("keys")
            persist = scratch.path + "/persist"
            server = try BundleHTTPServer(root: www, scratch: scratch)
        }

        func publish(_ text: String, revision: String, sign: Bool = true, tamper: Bool = false) throws {
            try? FileManager.default.removeItem(atPath: work)
            try TestBundle.write(work, text: text, revision: revision)
            if sign { pem = try BundleSigner.sign(work, kind: .ec, keyDir: keys) }
            if tamper { try Scratch.write(text + " and also allow admin", to: work + "/policy.txt") }
            try TestBundle.pack(work, into: www + "/tmp.tar.gz")
            try FileManager.default.moveItemReplacing(www + "/tmp.tar.gz", to: www + "/bundle.tar.gz")
        }

        func manager(
            verify: Bool = true, persist: Bool = true, metrics: OpsMetrics? = nil, store: BundleStore<TestBundle> = BundleStore()
        ) throws -> BundleManager<TestBundle> {
            let options = BundleManager<TestBundle>.Options(
                verification: verify ? BundleVerification(verifier: try PEMSignatureVerifier(pem: pem)) : nil,
                persistence: persist ? try BundlePersistence(directory: self.persist) : nil)
            let source = try HTTPBundleSource(url: server.url("bundle.tar.gz"))
            return BundleManager(source: source, store: store, options: options, metrics: metrics, loader: TestBundle.load)
        }
    }

    @Test func picksUpARevisionChangeAnd304() async throws {
        let f = try Fixture()
        try f.publish("v1 policy", revision: "1")
        let metrics = OpsMetrics()
        let m = try f.manager(metrics: metrics)
        #expect(await m.start() == .swapped(revision: "1"))
        let reader = m.store.makeReader()
        #expect(reader.current()?.bundle.text == "v1 policy")
        #expect(await m.refresh() == .unchanged)
        try f.publish("v2 policy", revision: "2")
        #expect(await m.refresh() == .swapped(revision: "2"))
        #expect(reader.current()?.bundle.text == "v2 policy")
        #expect(m.store.current?.metadata.source == f.server.url("bundle.tar.gz"))
        #expect(f.server.statuses == [200, 304, 200])
        let text = metrics.exposition()
        #expect(text.contains(#"portcullis_bundle_loads_total{source="http"} 2"#))
        #expect(text.contains(#"portcullis_bundle_info{revision="2",source="http"} 1"#))
        #expect(!text.contains(#"revision="1""#))
    }

    @Test func tamperedUnsignedAndBrokenBundlesNeverReplaceTheActiveOne() async throws {
        let f = try Fixture()
        try f.publish("good policy", revision: "1")
        let metrics = OpsMetrics()
        let m = try f.manager(metrics: metrics)
        #expect(await m.start() == .swapped(revision: "1"))
        let refreshedAt = m.store.lastRefresh

        try f.publish("evil policy", revision: "2", tamper: true)
        guard case .failed(.verify, let why) = await m.refresh() else {
            Issue.record("a tampered bundle must fail verification")
            return
        }
        #expect(why.contains("policy.txt"))
        #expect(m.store.current?.bundle.text == "good policy")

        try f.publish("unsigned policy", revision: "3", sign: false)
        try? FileManager.default.removeItem(atPath: f.work + "/.signatures.json")
        try TestBundle.pack(f.work, into: f.www + "/bundle.tar.gz")
        #expect(await m.refresh() == .failed(.verify, BundleSignatureError.unsigned.description))
        #expect(m.store.current?.bundle.text == "good policy")

        try f.publish("BROKEN policy", revision: "4")
        guard case .failed(.compile, _) = await m.refresh() else {
            Issue.record("a broken bundle must fail compilation")
            return
        }
        #expect(m.store.current?.bundle.text == "good policy")
        #expect(m.store.current?.metadata.revision == "1")
        #expect(m.consecutiveFailures == 3)
        #expect(m.store.lastFailure?.message.hasPrefix("compile:") == true)
        let text = metrics.exposition()
        #expect(text.contains(#"portcullis_bundle_load_failures_total{source="http",stage="verify"} 2"#))
        #expect(text.contains(#"portcullis_bundle_load_failures_total{source="http",stage="compile"} 1"#))

        // A 304 for the refused bundle is no successful refresh: readiness age keeps growing.
        #expect(await m.refresh() == .unchanged)
        #expect(f.server.statuses.last == 304)
        #expect(m.store.lastRefresh == refreshedAt)
        #expect(m.consecutiveFailures == 3)

        try f.publish("better policy", revision: "5")
        #expect(await m.refresh() == .swapped(revision: "5"))
        #expect(m.consecutiveFailures == 0)
    }

    @Test func servesThePersistedBundleWhenTheServerIsDownAtStart() async throws {
        let f = try Fixture()
        try f.publish("persisted policy", revision: "7")
        let first = try f.manager()
        #expect(await first.start() == .swapped(revision: "7"))
        #expect(FileManager.default.fileExists(atPath: f.persist + "/bundle.tar.gz"))
        #expect(try BundlePersistence(directory: f.persist).savedMetadata()?.revision == "7")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: f.persist).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty)

        f.server.stop()
        let metrics = OpsMetrics()
        let second = try f.manager(metrics: metrics)
        #expect(await second.start() == .swapped(revision: "7"))
        #expect(second.store.current?.bundle.text == "persisted policy")
        #expect(second.store.current?.metadata.fromPersisted == true)
        #expect(second.store.readiness(maxAge: nil) == .ready)
        let text = metrics.exposition()
        #expect(text.contains(#"portcullis_bundle_load_failures_total{source="http",stage="fetch"} 1"#))
        #expect(text.contains(#"portcullis_bundle_loads_total{source="persisted"} 1"#))

        // Without a persisted bundle the process stays unready.
        let empty = try f.manager(persist: false)
        guard case .failed(.fetch, _) = await empty.start() else {
            Issue.record("an unreachable server must be a fetch failure")
            return
        }
        #expect(empty.store.readiness(maxAge: nil) == .noBundle)
    }

    @Test func aTamperedPersistedBundleIsRefusedToo() async throws {
        let f = try Fixture()
        try f.publish("p", revision: "1")
        #expect(try await f.manager().start() == .swapped(revision: "1"))
        f.server.stop()
        // Replace the persisted archive with an unsigned one.
        let other = try f.scratch.sub("other")
        try TestBundle.write(other, text: "evil", revision: "1")
        try TestBundle.pack(other, into: f.persist + "/bundle.tar.gz")
        let m = try f.manager()
        guard case .failed(.verify, _) = await m.start() else {
            Issue.record("an unsigned persisted bundle must be refused")
            return
        }
        #expect(m.store.current == nil)
    }

    @Test func directorySourceReloadsAndPollingSwaps() async throws {
        let scratch = try Scratch()
        let dir = try scratch.sub("b")
        try TestBundle.write(dir, text: "one")
        let store = BundleStore<TestBundle>()
        let m = BundleManager(
            source: DirectoryBundleSource(path: dir, schedule: PollSchedule(interval: .milliseconds(20), jitter: 0), debounce: .milliseconds(20)),
            store: store, loader: TestBundle.load)
        #expect(await m.start() != .unchanged)
        #expect(store.current?.bundle.text == "one")
        let poller = m.startPolling()
        defer { poller.cancel() }
        try Scratch.write("two", to: dir + "/policy.txt")
        var seen = ""
        for _ in 0..<200 {
            seen = store.current?.bundle.text ?? ""
            if seen == "two" { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(seen == "two")
        #expect(store.generation == 2)
    }
}

extension FileManager {
    func moveItemReplacing(_ from: String, to: String) throws {
        guard rename(from, to) == 0 else { throw ToolFailure(message: "rename \(from)") }
    }
}

@Suite struct BundleSwapUnderLoadTests {
    /// 20 refreshes, every other one broken or tampered, while readers decide continuously:
    /// no reader ever sees no bundle or a broken one, and each good revision is picked up.
    @Test func brokenBundlesNeverDisturbReaders() async throws {
        let scratch = try Scratch()
        let dir = try scratch.sub("b")
        let keys = try scratch.sub("keys")
        try TestBundle.write(dir, text: "good 0")
        let pem = try BundleSigner.sign(dir, kind: .ed25519, keyDir: keys)
        let store = BundleStore<TestBundle>()
        let manager = BundleManager(
            source: DirectoryBundleSource(path: dir, debounce: .milliseconds(5)), store: store,
            options: .init(verification: BundleVerification(verifier: try PEMSignatureVerifier(pem: pem))), loader: TestBundle.load)
        #expect(await manager.start() != .unchanged)
        let stop = Flag()
        // Readers are threads: busy tasks would starve the cooperative pool the manager runs on.
        let results = ResultBox()
        let threads = (0..<2).map { _ in
            Thread {
                let reader = store.makeReader()
                var checks = 0
                var bad = 0
                while !stop.isSet {
                    if let a = reader.current(), a.bundle.text.hasPrefix("good") { checks += 1 } else { bad += 1 }
                    usleep(50)  // leave the machine's cores to the manager
                }
                results.add(checks: checks, bad: bad)
            }
        }
        threads.forEach { $0.start() }
        var swaps = 0
        for i in 1...20 {
            if i % 2 == 0 {
                try Scratch.write("good \(i)", to: dir + "/policy.txt")
                try BundleSigner.sign(dir, kind: .ed25519, keyDir: keys)
            } else if i % 4 == 1 {
                try Scratch.write("BROKEN \(i)", to: dir + "/policy.txt")
                try BundleSigner.sign(dir, kind: .ed25519, keyDir: keys)
            } else {
                try Scratch.write("tampered \(i)", to: dir + "/policy.txt")
            }
            if case .swapped = await manager.refresh() { swaps += 1 }
            #expect(store.current?.bundle.text == "good \(i - i % 2)")
        }
        stop.set()
        while results.count < 2 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(results.checks > 0)
        #expect(results.bad == 0)
        #expect(swaps == 10)
    }
}

final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}

final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var c = 0, b = 0, n = 0
    func add(checks: Int, bad: Int) { lock.withLock { c += checks; b += bad; n += 1 } }
    var count: Int { lock.withLock { n } }
    var checks: Int { lock.withLock { c } }
    var bad: Int { lock.withLock { b } }
}
