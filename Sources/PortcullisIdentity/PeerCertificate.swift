import COpenSSL
import JSONSchema
import PortcullisModel

/// An X.509 certificate's identity fields, read with libcrypto: what Envoy sends as the peer
/// certificate (`include_peer_certificate`) in URL-encoded PEM.
public struct PeerCertificate: Sendable, Hashable {
    /// Subject distinguished name, RFC 2253 form (`CN=svc,O=Example`).
    public let subject: String
    /// Issuer distinguished name, RFC 2253 form.
    public let issuer: String
    /// Serial number, upper-case hexadecimal.
    public let serialNumber: String
    /// Subject alternative names by type.
    public let uriSANs: [String]
    public let dnsSANs: [String]
    public let emailSANs: [String]
    /// IP address SANs in text form (`10.0.0.1`, `2001:db8::1`).
    public let ipSANs: [String]
    /// Validity, seconds since the epoch.
    public let notBefore: Int64
    public let notAfter: Int64

    /// Why a certificate could not be read.
    public struct Invalid: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { "invalid certificate: \(message)" }
    }

    /// The first URI SAN that is a valid SPIFFE ID.
    public var spiffeID: SPIFFEID? {
        uriSANs.lazy.compactMap(SPIFFEID.init).first
    }

    /// Whether `time` (seconds since the epoch) lies within the validity period.
    public func isValid(at time: Int64) -> Bool {
        time >= notBefore && time <= notAfter
    }

    /// Parses Envoy's URL-encoded PEM (`%XX` escapes; `+` is kept as `+`, as base64 needs).
    public init(urlEncodedPEM: String) throws(Invalid) {
        let pem: String
        do {
            pem = try FormURLEncoded.decode(urlEncodedPEM.utf8, plusIsSpace: false)
        } catch {
            throw Invalid(message: "bad URL encoding")
        }
        try self.init(pem: pem)
    }

    /// Parses a PEM certificate (the first `CERTIFICATE` block).
    public init(pem: String) throws(Invalid) {
        pc_err_clear()
        let bytes = Array(pem.utf8)
        guard bytes.count <= 64 * 1024 else { throw Invalid(message: "larger than 64 KiB") }
        let x509 = bytes.withUnsafeBufferPointer { b in
            b.withMemoryRebound(to: CChar.self) { pc_x509_from_pem($0.baseAddress, $0.count) }
        }
        guard let x509 else { throw Invalid(message: OpenSSLError.drain("read PEM certificate").description) }
        let cert = X509Handle(x509)
        guard let subject = readCText({ pc_x509_name(cert.pointer, 0, $0, $1) }),
              let issuer = readCText({ pc_x509_name(cert.pointer, 1, $0, $1) })
        else { throw Invalid(message: OpenSSLError.drain("read names").description) }
        var notBefore: Int64 = 0
        var notAfter: Int64 = 0
        guard pc_x509_time(cert.pointer, 0, &notBefore) == 1, pc_x509_time(cert.pointer, 1, &notAfter) == 1 else {
            throw Invalid(message: OpenSSLError.drain("read validity").description)
        }
        self.subject = subject
        self.issuer = issuer
        self.serialNumber = readCText({ pc_x509_serial(cert.pointer, $0, $1) }) ?? ""
        self.notBefore = notBefore
        self.notAfter = notAfter
        var uris: [String] = [], dns: [String] = [], emails: [String] = [], ips: [String] = []
        if let sans = pc_x509_sans(cert.pointer) {
            let names = GeneralNamesHandle(sans)
            let count = pc_sans_count(names.pointer)
            for i in 0..<max(0, min(count, 1000)) {
                var kind: Int32 = 0
                guard let text = readCText({ pc_sans_get(names.pointer, i, &kind, $0, $1) }) else { continue }
                switch kind {
                case 1: dns.append(text)
                case 2: uris.append(text)
                case 3: emails.append(text)
                case 4: ips.append(text)
                default: break
                }
            }
        }
        pc_err_clear()
        uriSANs = uris
        dnsSANs = dns
        emailSANs = emails
        ipSANs = ips
    }

    /// The certificate as a value for expressions.
    public var jsonValue: JSONValue {
        .object([
            "subject": .string(subject),
            "issuer": .string(issuer),
            "serial_number": .string(serialNumber),
            "uri_sans": .array(uriSANs.map(JSONValue.string)),
            "dns_sans": .array(dnsSANs.map(JSONValue.string)),
            "email_sans": .array(emailSANs.map(JSONValue.string)),
            "ip_sans": .array(ipSANs.map(JSONValue.string)),
            "not_before": .number(Double(notBefore)),
            "not_after": .number(Double(notAfter)),
        ])
    }
}

/// Owns an `X509*`.
final class X509Handle {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { pc_x509_free(pointer) }
}

/// Owns a `GENERAL_NAMES*`.
final class GeneralNamesHandle {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { pc_sans_free(pointer) }
}
