import ArgumentParser
import PortcullisModel
import PortcullisOps
import PortcullisTransport

extension ServeCommand {
    /// Checks --tls-cert/--tls-key/--tls-client-ca before serving: one clear message naming the
    /// flag (exit 64) instead of the core's refusal. Sets the certificate expiry gauge.
    func checkTLSFiles(metrics: OpsMetrics?) throws {
        guard let tlsCert, let tlsKey else { return }
        do throws(ConfigurationError) {
            let summary = try TLSFiles.check(certificatePath: tlsCert, keyPath: tlsKey)
            if let tlsClientCA { try TLSFiles.checkClientCA(tlsClientCA) }
            metrics?.setTLSCertificateExpiry(summary.notAfter)
            ServeLog.write("TLS certificate \(summary.subject), valid until \(Timestamp(seconds: summary.notAfter, nanos: 0).rfc3339)")
        } catch {
            ServeLog.write("error: \(error.description)")
            throw ExitCode(64)
        }
    }

    /// TLS for the gRPC listener from --tls-cert, --tls-key and --tls-client-ca; nil for plaintext.
    /// Reloads are reported on stderr (file names only, never contents) and counted in `metrics`.
    func tlsConfiguration(metrics: OpsMetrics?) -> TLSConfiguration? {
        guard let tlsCert, let tlsKey else { return nil }
        return TLSConfiguration(certificateChainPath: tlsCert, privateKeyPath: tlsKey, clientCAPath: tlsClientCA) { event in
            switch event {
            case .reloaded:
                // The core takes any readable PEM; a key that does not match is refused by the core
                // (which keeps the old certificate), so check the pair the same way as at start.
                do throws(ConfigurationError) {
                    let summary = try TLSFiles.check(certificatePath: tlsCert, keyPath: tlsKey)
                    metrics?.recordTLSReload(success: true)
                    metrics?.setTLSCertificateExpiry(summary.notAfter)
                    ServeLog.write("TLS certificate files changed: reloaded \(tlsCert) (\(summary.subject), valid until \(Timestamp(seconds: summary.notAfter, nanos: 0).rfc3339))")
                } catch {
                    metrics?.recordTLSReload(success: false)
                    ServeLog.write("error: TLS certificate files changed but were not reloaded: \(error.description); the previous certificate stays in force")
                }
            case .failed(let reason):
                metrics?.recordTLSReload(success: false)
                ServeLog.write("error: TLS certificate files changed but were not reloaded: \(reason)")
            }
        }
    }
}
