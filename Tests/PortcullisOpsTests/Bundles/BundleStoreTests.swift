import Foundation
import Testing
@testable import PortcullisOps

@Suite struct BundleStoreTests {
    func meta(_ rev: String, at: Date = Date()) -> BundleMetadata {
        BundleMetadata(revision: rev, source: "test", loadedAt: at, digest: rev)
    }

    @Test func emptyStoreIsNotReady() {
        let store = BundleStore<Int>()
        #expect(store.current == nil)
        #expect(store.generation == 0)
        #expect(store.makeReader().current() == nil)
        #expect(store.readiness(maxAge: nil) == .noBundle)
    }

    @Test func readerSeesSwapsAndInFlightHoldersKeepTheirBundle() {
        let store = BundleStore<Int>()
        let reader = store.makeReader()
        store.install(1, metadata: meta("r1"))
        let held = reader.current()
        #expect(held?.bundle == 1)
        store.install(2, metadata: meta("r2"))
        // A call that started on 1 still holds 1.
        #expect(held?.bundle == 1)
        #expect(held?.metadata.revision == "r1")
        let now = reader.current()
        #expect(now?.bundle == 2)
        #expect(now?.generation == 2)
        #expect(store.generation == 2)
    }

    @Test func readinessFollowsMaxBundleAge() {
        let store = BundleStore<Int>()
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        store.install(1, metadata: meta("r1", at: t0))
        #expect(store.readiness(maxAge: nil, now: t0.addingTimeInterval(1e6)) == .ready)
        #expect(store.readiness(maxAge: 60, now: t0.addingTimeInterval(30)) == .ready)
        let stale = store.readiness(maxAge: 60, now: t0.addingTimeInterval(61))
        #expect(stale == .stale(age: 61))
        #expect(!stale.isReady)
        store.recordRefresh(at: t0.addingTimeInterval(100))
        #expect(store.readiness(maxAge: 60, now: t0.addingTimeInterval(130)) == .ready)
    }

    @Test func concurrentReadersAlwaysSeeAWholeBundle() async {
        let store = BundleStore<[Int]>()
        store.install([0, 0], metadata: meta("r0"))
        await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let reader = store.makeReader()
                    var lastGeneration: UInt64 = 0
                    for _ in 0..<20_000 {
                        guard let a = reader.current(), a.bundle[0] == a.bundle[1], a.generation >= lastGeneration else { return false }
                        lastGeneration = a.generation
                    }
                    return true
                }
            }
            group.addTask {
                for i in 1...200 { store.install([i, i], metadata: meta("r\(i)")) }
                return true
            }
            for await ok in group { #expect(ok) }
        }
        #expect(store.current?.bundle == [200, 200])
    }
}
