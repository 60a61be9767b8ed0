import Foundation
import Testing
@testable import PortcullisOps

@Suite struct TLSFilesTests {
    /// Two self-signed EC certificates with their keys, made with the openssl CLI.
    final class Pairs {
        let scratch: Scratch
        init() throws {
            scratch = try Scratch()
            for name in ["a", "b"] {
                try runTool("openssl", [
                    "req", "-x509", "-new", "-nodes", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-keyout", "\(name).key", "-out", "\(name).crt", "-days", "2", "-subj", "/CN=portcullis-\(name)",
                ], cwd: scratch.path)
            }
        }
        func path(_ file: String) -> String { scratch.path + "/" + file }
    }

    @Test func matchingPairGivesSubjectAndExpiry() throws {
        let p = try Pairs()
        let summary = try TLSFiles.check(certificatePath: p.path("a.crt"), keyPath: p.path("a.key"))
        #expect(summary.subject.contains("CN=portcullis-a"))
        let inTwoDays = Date().timeIntervalSince1970 + 2 * 86400
        #expect(abs(Double(summary.notAfter) - inTwoDays) < 600)
        try TLSFiles.checkClientCA(p.path("b.crt"))
    }

    @Test func keyOfAnotherCertificateIsRefusedNamingBothFlags() throws {
        let p = try Pairs()
        #expect(throws: ConfigurationError.self) {
            try TLSFiles.check(certificatePath: p.path("a.crt"), keyPath: p.path("b.key"))
        }
        do {
            _ = try TLSFiles.check(certificatePath: p.path("a.crt"), keyPath: p.path("b.key"))
        } catch {
            #expect(error.description.contains("--tls-key"))
            #expect(error.description.contains("does not belong to the certificate in --tls-cert"))
            #expect(!error.description.contains("BEGIN"))
        }
    }

    @Test func missingAndNonPEMFilesAreRefused() throws {
        let p = try Pairs()
        try Scratch.write("not pem\n", to: p.path("junk.txt"))
        let cases: [(String, String, String)] = [
            (p.path("absent.crt"), p.path("a.key"), "No such file or directory"),
            (p.path("a.key"), p.path("a.key"), "--tls-cert \(p.path("a.key")): no PEM certificate"),
            (p.path("a.crt"), p.path("junk.txt"), "no PEM private key"),
            (p.path("a.crt"), p.path("a.crt"), "no PEM private key"),
        ]
        for (cert, key, message) in cases {
            do {
                _ = try TLSFiles.check(certificatePath: cert, keyPath: key)
                Issue.record("accepted \(cert) with \(key)")
            } catch {
                #expect(error.description.contains(message), "\(error.description)")
            }
        }
        #expect(throws: ConfigurationError.self) { try TLSFiles.checkClientCA(p.path("a.key")) }
    }

    @Test func tlsMetricsAppearOnlyOnceUsed() {
        let metrics = OpsMetrics()
        #expect(!metrics.exposition().contains("portcullis_tls_"))
        metrics.setTLSCertificateExpiry(1_900_000_000)
        metrics.recordTLSReload(success: true)
        metrics.recordTLSReload(success: false)
        metrics.recordTLSReload(success: false)
        let text = metrics.exposition()
        #expect(text.contains("portcullis_tls_certificate_expiry_timestamp_seconds 1900000000"))
        #expect(text.contains(#"portcullis_tls_reloads_total{result="success"} 1"#))
        #expect(text.contains(#"portcullis_tls_reloads_total{result="failure"} 2"#))
    }
}
