import Foundation
import Testing
@testable import PortcullisOps
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite struct AdminServerTests {
    func get(_ port: UInt16, _ path: String) async throws -> (Int, String, String?) {
        let url = try #require(URL(string: "http://127.0.0.1:\(port)\(path)"))
        let (data, response) = try await URLSession.shared.data(from: url)
        let http = try #require(response as? HTTPURLResponse)
        return (http.statusCode, String(decoding: data, as: UTF8.self), http.value(forHTTPHeaderField: "Content-Type"))
    }

    @Test func endpointsOverLoopback() async throws {
        let store = BundleStore<Int>()
        let metrics = OpsMetrics()
        let admin = try AdminServer(address: ListenAddress.parse("127.0.0.1:0"), metrics: metrics, store: store, maxBundleAge: 3600)
        let task = admin.start()
        defer { task.cancel() }
        try await admin.waitUntilListening()
        let port = try #require(await admin.boundPort())

        #expect(try await get(port, "/healthz").0 == 200)
        // No bundle yet: not ready.
        let notReady = try await get(port, "/readyz")
        #expect(notReady.0 == 503)
        #expect(notReady.1.contains("no bundle"))
        let emptyBundle = try await get(port, "/bundle")
        #expect(emptyBundle.1.contains(#""active":false"#))

        // A bundle: ready, and /bundle tells which.
        store.install(1, metadata: BundleMetadata(revision: "r42", source: "/srv/bundle", loadedAt: Date(timeIntervalSince1970: 1_795_000_000.5), digest: "d"))
        // Loaded days ago and never refreshed since: stale under a one-hour max age.
        #expect(try await get(port, "/readyz").0 == 503)
        store.recordRefresh()
        #expect(try await get(port, "/readyz").0 == 200)
        let (status, body, type) = try await get(port, "/bundle")
        #expect(status == 200)
        #expect(type == "application/json")
        let o = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        #expect(o["revision"] as? String == "r42")
        #expect(o["source"] as? String == "/srv/bundle")
        #expect(o["loaded_at"] as? String == "2026-11-18T11:06:40.500Z")
        #expect(o["active"] as? Bool == true)

        // Stale: not refreshed within max age.
        store.recordRefresh(at: Date().addingTimeInterval(-7200))
        let stale = try await get(port, "/readyz")
        #expect(stale.0 == 503)
        #expect(stale.1.contains("not refreshed"))
        store.recordRefresh()
        #expect(try await get(port, "/readyz").0 == 200)

        // Metrics are scraped and parsed.
        metrics.recordCheck(.deny, duration: .microseconds(5))
        metrics.setActiveBundle(revision: "r42", source: "directory")
        let (mStatus, mBody, mType) = try await get(port, "/metrics")
        #expect(mStatus == 200)
        #expect(mType?.hasPrefix("text/plain") == true)
        let series = try parsePrometheus(mBody)
        #expect(series[#"portcullis_checks_total{decision="deny",policy="none",status="403",dry_run="false"}"#] == 1)
        #expect(series[#"portcullis_bundle_info{revision="r42",source="directory"}"#] == 1)

        #expect(try await get(port, "/nope").0 == 404)
        await admin.stop()
    }

    @Test func badAddressesAreClearErrors() throws {
        #expect(throws: ConfigurationError.self) { try ListenAddress.parse("9192") }
        #expect(throws: ConfigurationError.self) { try ListenAddress.parse("host.example:9192") }
        #expect(throws: ConfigurationError.self) { try ListenAddress.parse("127.0.0.1:99999") }
        #expect(throws: ConfigurationError.self) { try ListenAddress.parse("[::1:9192") }
        #expect(try ListenAddress.parse("localhost:9192") == ListenAddress(host: "127.0.0.1", port: 9192))
        #expect(try ListenAddress.parse(":9192") == ListenAddress(host: "0.0.0.0", port: 9192))
        #expect(try ListenAddress.parse("[::1]:9192") == ListenAddress(host: "::1", port: 9192))
        #expect(try ListenAddress.parse("[::1]:9192").description == "[::1]:9192")
    }
}
