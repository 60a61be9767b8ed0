import PortcullisTransport

extension ServeCommand {
    /// TLS for the gRPC listener from --tls-cert, --tls-key and --tls-client-ca; nil for plaintext.
    /// Reloads are reported on stderr (file names only, never contents).
    var tlsConfiguration: TLSConfiguration? {
        guard let tlsCert, let tlsKey else { return nil }
        return TLSConfiguration(certificateChainPath: tlsCert, privateKeyPath: tlsKey, clientCAPath: tlsClientCA) { event in
            switch event {
            case .reloaded: ServeLog.write("TLS certificate files changed: reloaded \(tlsCert)")
            case .failed(let reason): ServeLog.write("error: TLS certificate files changed but were not reloaded: \(reason)")
            }
        }
    }
}
