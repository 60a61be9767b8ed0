import CGRPC
import Foundation
import Synchronization
import Testing
@testable import PortcullisTransport

/// Self-signed EC P-256 test certificates (valid until 2126), made with `openssl req -x509`.
enum TestPEM {
    static let certificateA = """
-----BEGIN CERTIFICATE-----
MIIBkDCCATWgAwIBAgIUIr3CEr6oK+cKxMLTXjoc1VyW9/gwCgYIKoZIzj0EAwIw
HDEaMBgGA1UEAwwRcG9ydGN1bGxpcy10ZXN0LWEwIBcNMjYxMTIyMTE0NDI5WhgP
MjEyNjEwMjkxMTQ0MjlaMBwxGjAYBgNVBAMMEXBvcnRjdWxsaXMtdGVzdC1hMFkw
EwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEmAeJ2h/dgAaUzPeFJc3nWUMSYAknnzB6
vJHohTI6moskdyxxepjiGamimpCQUNDU0RYnoDxaVq//7SYnFKFz+qNTMFEwHQYD
VR0OBBYEFDKFu9KwCQUeyIrNWq5Vfg83RSw0MB8GA1UdIwQYMBaAFDKFu9KwCQUe
yIrNWq5Vfg83RSw0MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSQAwRgIh
AJMYr4CT4FeX6cJn3PrtH6Hf/x4IqSst6IRwYyTcC8iDAiEA+BMXqrqA49CN+K1J
2htz5N90j7vsiCDbWG3xjDq1KMs=
-----END CERTIFICATE-----
"""
    static let keyA = """
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgRcXc9zS4VhcF/+T2
vZuYXk6iQ87/KlMk29deP1K1ipOhRANCAASYB4naH92ABpTM94UlzedZQxJgCSef
MHq8keiFMjqaiyR3LHF6mOIZqaKakJBQ0NTRFiegPFpWr//tJicUoXP6
-----END PRIVATE KEY-----
"""
    static let certificateB = """
-----BEGIN CERTIFICATE-----
MIIBjzCCATWgAwIBAgIUBkAk8r+2HijTgCC8P32UnN45J64wCgYIKoZIzj0EAwIw
HDEaMBgGA1UEAwwRcG9ydGN1bGxpcy10ZXN0LWIwIBcNMjYxMTIyMTE0NDI5WhgP
MjEyNjEwMjkxMTQ0MjlaMBwxGjAYBgNVBAMMEXBvcnRjdWxsaXMtdGVzdC1iMFkw
EwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEIo3Xp+UfQItfZN4gcPgUS8xTJ3J8LFM8
nUjJkKW/q1Dwgvcm81F5OZVfmjKdf9E3noGfPFRGJYNQ8rsAb53ZiKNTMFEwHQYD
VR0OBBYEFC4qlzXGdeF5cQ/LQHfO1MGJHgvoMB8GA1UdIwQYMBaAFC4qlzXGdeF5
cQ/LQHfO1MGJHgvoMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIh
AJ3ZTNTuRc6yfbg7OVu5NzZpITLMzUlteEVLohOnmDbNAiBVFszNX3B4PRbg6g+e
vFRIvBbhqST9K2mZsLiDubHG6A==
-----END CERTIFICATE-----
"""
    static let keyB = """
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgooopa1DlDW/mUzL1
c/HvD2To2gJllg/Cwe7KQ8N+n+KhRANCAAQijden5R9Ai19k3iBw+BRLzFMncnws
UzydSMmQpb+rUPCC9ybzUXk5lV+aMp1/0TeegZ88VEYlg1DyuwBvndmI
-----END PRIVATE KEY-----
"""
}

/// A scratch directory with cert/key files, removed at the end.
final class TLSFiles {
    let directory: URL
    var certificate: String { directory.appendingPathComponent("tls.crt").path }
    var key: String { directory.appendingPathComponent("tls.key").path }

    init(certificate: String = TestPEM.certificateA, key: String = TestPEM.keyA) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pc-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try write(certificate: certificate, key: key)
    }

    /// Replaces the files by writing aside and renaming, as secret rotation does.
    func write(certificate: String, key: String) throws {
        for (text, path) in [(certificate, self.certificate), (key, self.key)] {
            try text.write(toFile: path + ".new", atomically: false, encoding: .utf8)
            _ = rename(path + ".new", path)
        }
    }

    deinit { try? FileManager.default.removeItem(at: directory) }
}

final class EventLog: Sendable {
    private let events = Mutex<[TLSReloadEvent]>([])
    func record(_ e: TLSReloadEvent) { events.withLock { $0.append(e) } }
    var all: [TLSReloadEvent] { events.withLock { $0 } }
}

@Suite struct TLSCredentialsTests {
    /// Calls the fetcher as the core does; returns the status and frees any config handed over.
    func fetch(_ credentials: TLSCredentials) -> grpc_ssl_certificate_config_reload_status {
        var config: OpaquePointer?
        let status = credentials.fetch(into: &config)
        #expect((config != nil) == (status == GRPC_SSL_CERTIFICATE_CONFIG_RELOAD_NEW))
        if let config { grpc_ssl_server_certificate_config_destroy(config) }
        return status
    }

    @Test func firstFetchHandsOverTheFilesThenNothingUntilTheyChange() throws {
        let files = try TLSFiles()
        let log = EventLog()
        let credentials = try TLSCredentials(TLSConfiguration(
            certificateChainPath: files.certificate, privateKeyPath: files.key, onReload: log.record))
        #expect(!credentials.initialTaken)
        #expect(fetch(credentials) == GRPC_SSL_CERTIFICATE_CONFIG_RELOAD_NEW)
        #expect(credentials.initialTaken)
        #expect(fetch(credentials) == GRPC_SSL_CERTIFICATE_CONFIG_RELOAD_UNCHANGED)
        #expect(log.all.isEmpty)

        try files.write(certificate: TestPEM.certificateB, key: TestPEM.keyB)
        #expect(fetch(credentials) == GRPC_SSL_CERTIFICATE_CONFIG_RELOAD_NEW)
        #expect(fetch(credentials) == GRPC_SSL_CERTIFICATE_CONFIG_RELOAD_UNCHANGED)
        #expect(log.all == [.reloaded])
    }

    @Test func unusableChangeKeepsTheCurrentConfigAndIsReportedOnce() throws {
        let files = try TLSFiles()
        let log = EventLog()
        let credentials = try TLSCredentials(TLSConfiguration(
            certificateChainPath: files.certificate, privateKeyPath: files.key, onReload: log.record))
        #expect(fetch(credentials) == GRPC_SSL_CERTIFICATE_CONFIG_RELOAD_NEW)
        try files.write(certificate: "not a certificate\n", key: TestPEM.keyA)
        #expect(fetch(credentials) == GRPC_SSL_CERTIFICATE_CONFIG_RELOAD_UNCHANGED)
        #expect(fetch(credentials) == GRPC_SSL_CERTIFICATE_CONFIG_RELOAD_UNCHANGED)
        #expect(log.all.count == 1)
        guard case .failed(let reason)? = log.all.first else { Issue.record("no failure event"); return }
        #expect(reason.contains("tls.crt") && reason.contains("no PEM block"))
        #expect(!reason.contains("BEGIN"))

        try files.write(certificate: TestPEM.certificateA, key: TestPEM.keyA)
        #expect(fetch(credentials) == GRPC_SSL_CERTIFICATE_CONFIG_RELOAD_NEW)
        #expect(log.all.last == .reloaded)
    }

    @Test func aFileMissingForAMomentKeepsTheCurrentConfig() throws {
        let files = try TLSFiles()
        let credentials = try TLSCredentials(TLSConfiguration(certificateChainPath: files.certificate, privateKeyPath: files.key))
        #expect(fetch(credentials) == GRPC_SSL_CERTIFICATE_CONFIG_RELOAD_NEW)
        try FileManager.default.removeItem(atPath: files.key)
        #expect(fetch(credentials) == GRPC_SSL_CERTIFICATE_CONFIG_RELOAD_UNCHANGED)
    }

    @Test func startRefusesMissingAndNonPEMFilesNamingThem() throws {
        let files = try TLSFiles()
        let missing = files.directory.appendingPathComponent("absent.crt").path
        #expect(throws: TransportError.self) {
            _ = try TLSCredentials(TLSConfiguration(certificateChainPath: missing, privateKeyPath: files.key))
        }
        do {
            _ = try TLSCredentials(TLSConfiguration(certificateChainPath: files.key, privateKeyPath: files.key))
            Issue.record("a key accepted as a certificate")
        } catch {
            #expect(error.description.contains("TLS certificate \(files.key)"))
        }
        do {
            _ = try TLSCredentials(TLSConfiguration(
                certificateChainPath: files.certificate, privateKeyPath: files.key, clientCAPath: files.key))
            Issue.record("a key accepted as a client CA")
        } catch {
            #expect(error.description.contains("TLS client CA"))
        }
    }

    @Test func serverWithMismatchedKeyFailsWithAClearMessage() throws {
        let files = try TLSFiles(certificate: TestPEM.certificateA, key: TestPEM.keyB)
        let config = GRPCServerConfiguration(
            listen: ["127.0.0.1:0"], unaryMethods: ["/test.Echo/Echo"], threads: 1, callsPerWorker: 2,
            tls: TLSConfiguration(certificateChainPath: files.certificate, privateKeyPath: files.key))
        do {
            let server = try GRPCServer(configuration: config, handler: EchoHandler())
            server.shutdown(grace: .zero)
            Issue.record("a mismatched key was accepted")
        } catch {
            #expect(error.description.contains("refused the TLS certificate or key"))
        }
    }

    @Test func serverWithMatchingFilesStarts() throws {
        let files = try TLSFiles()
        let config = GRPCServerConfiguration(
            listen: ["127.0.0.1:0"], unaryMethods: ["/test.Echo/Echo"], threads: 1, callsPerWorker: 2,
            tls: TLSConfiguration(certificateChainPath: files.certificate, privateKeyPath: files.key))
        let server = try GRPCServer(configuration: config, handler: EchoHandler())
        defer { server.shutdown(grace: .zero) }
        #expect(server.boundAddresses.count == 1)
    }
}
