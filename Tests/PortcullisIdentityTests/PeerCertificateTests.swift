import Foundation
import Testing

@testable import PortcullisIdentity

@Suite struct PeerCertificateTests {
    /// Generates a self-signed certificate with the `openssl` CLI; nil when the CLI is missing.
    static func generate() throws -> String? {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pc-cert-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", dir.appendingPathComponent("key.pem").path, "-out", dir.appendingPathComponent("cert.pem").path,
            "-days", "2", "-subj", "/CN=cart/O=Shop, Inc./C=US", "-set_serial", "0x1F2E",
            "-addext", "subjectAltName=URI:spiffe://cluster.local/ns/shop/sa/cart,DNS:cart.shop.svc,email:ops@shop.example,IP:10.1.2.3,IP:2001:db8::1",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return try String(contentsOf: dir.appendingPathComponent("cert.pem"), encoding: .utf8)
    }

    @Test func parsesEnvoyURLEncodedPEM() throws {
        let pem = try #require(try Self.generate(), "openssl CLI unavailable")
        // Envoy percent-encodes the PEM (newlines, '+', '/', '=').
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_.~"))
        let encoded = try #require(pem.addingPercentEncoding(withAllowedCharacters: allowed))
        #expect(encoded.contains("%0A"))
        let cert = try PeerCertificate(urlEncodedPEM: encoded)
        #expect(cert.subject == "C=US,O=Shop\\, Inc.,CN=cart")
        #expect(cert.issuer == cert.subject)
        #expect(cert.serialNumber == "1F2E")
        #expect(cert.uriSANs == ["spiffe://cluster.local/ns/shop/sa/cart"])
        #expect(cert.dnsSANs == ["cart.shop.svc"])
        #expect(cert.emailSANs == ["ops@shop.example"])
        #expect(cert.ipSANs == ["10.1.2.3", "2001:db8::1"])
        #expect(cert.spiffeID?.serviceAccount == "cart")
        let now = Int64(Date().timeIntervalSince1970)
        #expect(cert.notAfter - cert.notBefore == 2 * 86400)
        #expect(abs(cert.notBefore - now) < 600)
        #expect(cert.isValid(at: now))
        #expect(!cert.isValid(at: now + 3 * 86400))
        #expect(cert.jsonValue["uri_sans"] == .array([.string("spiffe://cluster.local/ns/shop/sa/cart")]))
        // Plain PEM (with '+' kept) parses the same.
        #expect(try PeerCertificate(pem: pem) == cert)
    }

    @Test func rejectsGarbage() {
        #expect(throws: PeerCertificate.Invalid.self) { _ = try PeerCertificate(urlEncodedPEM: "not%20a%20cert") }
        #expect(throws: PeerCertificate.Invalid.self) { _ = try PeerCertificate(urlEncodedPEM: "%ZZ") }
        #expect(throws: PeerCertificate.Invalid.self) {
            _ = try PeerCertificate(pem: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
        }
    }
}
