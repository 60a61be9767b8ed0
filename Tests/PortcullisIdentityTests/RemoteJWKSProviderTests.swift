import Foundation
import JSONSchema
import PortcullisModel
import Synchronization
import Testing

@testable import PortcullisIdentity

/// A scripted IdP: serves the current document, counts requests, can fail or stall.
final class FakeIdP: Sendable {
    struct State {
        var document: [UInt8] = []
        var failing = false
        var delay: Double = 0
        var requests = 0
    }
    let state = Mutex(State())

    func serve(_ set: JWKSet) throws {
        let bytes = JSONWriter.bytes(try set.document())
        state.withLock { $0.document = bytes }
    }

    var fetcher: RemoteJWKSProvider.Fetcher {
        { [self] _ in
            let (doc, failing, delay) = state.withLock { s in
                s.requests += 1
                return (s.document, s.failing, s.delay)
            }
            if delay > 0 { try await Task.sleep(nanoseconds: UInt64(delay * 1e9)) }
            if failing { throw URLSessionJWKSFetcher.Failure(description: "connection refused") }
            return doc
        }
    }

    var requests: Int { state.withLock { $0.requests } }
}

/// A clock the test moves by hand.
final class ManualClock: Sendable {
    let now = Mutex<Double>(TestKeys.now)
    func advance(_ s: Double) { now.withLock { $0 += s } }
    var read: @Sendable () -> Double { { [self] in now.withLock { $0 } } }
}

@Suite struct RemoteJWKSProviderTests {
    func waitUntil(_ condition: () -> Bool) async {
        for _ in 0..<500 where !condition() { try? await Task.sleep(nanoseconds: 10_000_000) }
    }

    @Test func loadsRefreshesOnUnknownKidWithRateLimit() async throws {
        let idp = FakeIdP()
        try idp.serve(JWKSet(keys: [JWK(key: TestKeys.rsa.publicKey, keyID: "k1")]))
        let clock = ManualClock()
        let provider = RemoteJWKSProvider(url: "https://idp.example/jwks", fetcher: idp.fetcher, clock: clock.read)
        let verifier = JWTVerifier(keys: provider, validation: JWTValidation(clock: { TestKeys.now }), cache: nil)
        let first = try TokenMaker.token(.rs256, key: TestKeys.rsa, kid: "k1")
        #expect(throws: JWTError.keysUnavailable) { _ = try verifier.verify(first) }
        #expect(await provider.refresh())
        _ = try verifier.verify(first)

        // The IdP rotates to k2: the first unknown-kid token fails but triggers a refresh.
        try idp.serve(JWKSet(keys: [JWK(key: TestKeys.rsa.publicKey, keyID: "k1"), JWK(key: TestKeys.p256.publicKey, keyID: "k2")]))
        clock.advance(31)
        let rotated = try TokenMaker.token(.es256, key: TestKeys.p256, kid: "k2")
        #expect(throws: JWTError.unknownKey(kid: "k2")) { _ = try verifier.verify(rotated) }
        await waitUntil { provider.currentKeys()?.key(id: "k2") != nil }
        _ = try verifier.verify(rotated)
        #expect(idp.requests == 2)

        // Unknown kids within the rate-limit window do not reach the IdP.
        let bogus = try TokenMaker.token(.es256, key: TestKeys.p256, kid: "bogus")
        for _ in 0..<20 { #expect(throws: JWTError.unknownKey(kid: "bogus")) { _ = try verifier.verify(bogus) } }
        try await Task.sleep(nanoseconds: 100_000_000)
        #expect(idp.requests == 2)
        clock.advance(31)
        #expect(throws: JWTError.unknownKey(kid: "bogus")) { _ = try verifier.verify(bogus) }
        await waitUntil { idp.requests == 3 }
        #expect(idp.requests == 3)
    }

    @Test func failingEndpointKeepsPreviousKeys() async throws {
        let idp = FakeIdP()
        try idp.serve(JWKSet(keys: [JWK(key: TestKeys.rsa.publicKey, keyID: "k1")]))
        let provider = RemoteJWKSProvider(url: "https://idp.example/jwks", fetcher: idp.fetcher)
        #expect(await provider.refresh())
        idp.state.withLock { $0.failing = true }
        #expect(await provider.refresh() == false)
        #expect(provider.currentKeys()?.key(id: "k1") != nil)
        #expect(provider.status.lastError == "connection refused")
        // An invalid document is a failure too, and keeps the keys.
        idp.state.withLock { $0.failing = false; $0.document = Array("{\"keys\": []}".utf8) }
        #expect(await provider.refresh() == false)
        #expect(provider.status.lastError == "JWKS has no usable keys")
        #expect(provider.currentKeys()?.keys.count == 1)
    }

    @Test func slowEndpointNeverBlocksChecks() async throws {
        let idp = FakeIdP()
        try idp.serve(JWKSet(keys: [JWK(key: TestKeys.rsa.publicKey, keyID: "k1")]))
        idp.state.withLock { $0.delay = 2 }
        let provider = RemoteJWKSProvider(url: "https://idp.example/jwks", fetcher: idp.fetcher)
        provider.start()
        defer { provider.stop() }
        await waitUntil { idp.requests == 1 }
        // The fetch is stalled; the key set is read at once (nil: not loaded yet), not awaited.
        let verifier = JWTVerifier(keys: provider, validation: JWTValidation(clock: { TestKeys.now }))
        let started = ContinuousClock.now
        #expect(throws: JWTError.keysUnavailable) { _ = try verifier.verify(try TokenMaker.token(.rs256, key: TestKeys.rsa, kid: "k1")) }
        #expect(ContinuousClock.now - started < .milliseconds(500))
        await waitUntil { provider.currentKeys() != nil }
        #expect(provider.currentKeys()?.keys.count == 1)
    }

    @Test func urlSessionFetcherAgainstALocalServer() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pc-jwks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let doc = JSONWriter.string(try JWKSet(keys: [JWK(key: TestKeys.ed25519.publicKey, keyID: "ed")]).document())
        try doc.write(to: dir.appendingPathComponent("jwks.json"), atomically: true, encoding: .utf8)
        let port = Int.random(in: 20000..<40000)
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = ["python3", "-m", "http.server", "--bind", "127.0.0.1", "--directory", dir.path, String(port)]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { server.terminate() }
        let fetch = URLSessionJWKSFetcher.make(timeout: 2, allowHTTP: true)
        var bytes: [UInt8] = []
        for _ in 0..<50 {
            if let b = try? await fetch("http://127.0.0.1:\(port)/jwks.json") { bytes = b; break }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        #expect(try JWKSet(json: bytes).key(id: "ed")?.key.kind == .ed25519)
        await #expect(throws: URLSessionJWKSFetcher.Failure.self) { _ = try await fetch("http://127.0.0.1:\(port)/missing.json") }
        await #expect(throws: URLSessionJWKSFetcher.Failure.self) {
            _ = try await URLSessionJWKSFetcher.make()("http://127.0.0.1:\(port)/jwks.json")
        }
    }
}

@Suite struct RemoteJWKSObserverTests {
    @Test func theObserverIsToldEveryFetchResult() async throws {
        let idp = FakeIdP()
        try idp.serve(JWKSet(keys: [JWK(key: TestKeys.rsa.publicKey, keyID: "k1")]))
        let provider = RemoteJWKSProvider(url: "https://idp.example/jwks", fetcher: idp.fetcher)
        let results = Mutex<[Bool]>([])
        provider.observeRefreshes { ok in results.withLock { $0.append(ok) } }
        #expect(await provider.refresh())
        idp.state.withLock { $0.failing = true }
        #expect(await provider.refresh() == false)
        #expect(results.withLock { $0 } == [true, false])
    }
}
