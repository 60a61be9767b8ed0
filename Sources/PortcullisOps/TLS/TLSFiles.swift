import COpenSSL
#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Checks the PEM files of the gRPC listener's TLS before they are served: the certificate parses,
/// the key parses and belongs to it. Used at start (for one clear message naming the flag) and after
/// a reload (the gRPC core itself only logs a refused key).
public enum TLSFiles {
    /// What an operator needs to know about the served certificate.
    public struct Summary: Sendable, Equatable {
        /// The leaf's subject, one line.
        public var subject: String
        /// The leaf's notAfter, Unix seconds.
        public var notAfter: Int64
    }

    /// Reads `certificatePath` (leaf first) and `keyPath`; throws naming the flag when either is
    /// unreadable or not PEM, or when the key does not belong to the leaf. Never prints key material.
    public static func check(certificatePath: String, keyPath: String) throws(ConfigurationError) -> Summary {
        guard var certPEM = FileManager.default.contents(atPath: certificatePath).map({ [UInt8]($0) }) else {
            throw ConfigurationError("--tls-cert \(certificatePath): \(unreadable(certificatePath))")
        }
        guard var keyPEM = FileManager.default.contents(atPath: keyPath).map({ [UInt8]($0) }) else {
            throw ConfigurationError("--tls-key \(keyPath): \(unreadable(keyPath))")
        }
        defer {
            // The key is a secret: do not leave it in freed memory.
            keyPEM.withUnsafeMutableBytes { p in if let base = p.baseAddress { memset(base, 0, p.count) } }
        }
        pc_err_clear()
        let x509 = certPEM.withUnsafeMutableBufferPointer { p in
            p.withMemoryRebound(to: CChar.self) { pc_x509_from_pem($0.baseAddress, $0.count) }
        }
        guard let x509 else {
            pc_err_clear()
            throw ConfigurationError("--tls-cert \(certificatePath): no PEM certificate")
        }
        defer { pc_x509_free(x509) }
        let key = keyPEM.withUnsafeMutableBufferPointer { p in
            p.withMemoryRebound(to: CChar.self) { pc_private_key_from_pem($0.baseAddress, $0.count) }
        }
        guard let key else {
            pc_err_clear()
            throw ConfigurationError("--tls-key \(keyPath): no PEM private key (an encrypted key is not supported)")
        }
        defer { pc_pkey_free(key) }
        guard X509_check_private_key(x509, key) == 1 else {
            pc_err_clear()
            throw ConfigurationError("--tls-key \(keyPath) does not belong to the certificate in --tls-cert \(certificatePath)")
        }
        var notAfter: Int64 = 0
        _ = pc_x509_time(x509, 1, &notAfter)
        var subject = [CChar](repeating: 0, count: 512)
        let line = X509_NAME_oneline(X509_get_subject_name(x509), &subject, Int32(subject.count))
        return Summary(subject: line.map { String(cString: $0) } ?? "", notAfter: notAfter)
    }

    /// Checks the client CA file holds at least one PEM certificate.
    public static func checkClientCA(_ path: String) throws(ConfigurationError) {
        guard let pem = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigurationError("--tls-client-ca \(path): \(unreadable(path))")
        }
        var copy = pem
        let x509 = copy.withUTF8 { p in p.withMemoryRebound(to: CChar.self) { pc_x509_from_pem($0.baseAddress, $0.count) } }
        guard let x509 else {
            pc_err_clear()
            throw ConfigurationError("--tls-client-ca \(path): no PEM certificate")
        }
        pc_x509_free(x509)
    }

    /// Why `path` cannot be read, as the system says it.
    private static func unreadable(_ path: String) -> String {
        let fd = open(path, O_RDONLY)
        if fd >= 0 {
            close(fd)
            return "cannot read the file"
        }
        return String(cString: strerror(errno))
    }
}
