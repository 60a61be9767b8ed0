/// TLS (and mutual TLS) on the gRPC listener, through the C core's SSL server credentials.
///
/// The files are read at start and again, on the next TLS handshake, after any of them
/// changes (size, modification time or inode, so an atomic rename or a Kubernetes secret's
/// symlink swap counts). A change that cannot be read or is not PEM keeps the credentials
/// in force; `onReload` hears about both outcomes.
public struct TLSConfiguration: Sendable {
    /// PEM certificate chain the server presents (leaf first).
    public var certificateChainPath: String
    /// PEM private key of the leaf certificate.
    public var privateKeyPath: String
    /// PEM CA bundle client certificates must chain to. When set, clients must present a
    /// certificate that verifies against it (mTLS); when nil, no client certificate is asked for.
    public var clientCAPath: String?
    /// Told about certificate reloads, on a gRPC core thread: keep it short.
    public var onReload: (@Sendable (TLSReloadEvent) -> Void)?

    public init(
        certificateChainPath: String, privateKeyPath: String, clientCAPath: String? = nil,
        onReload: (@Sendable (TLSReloadEvent) -> Void)? = nil
    ) {
        self.certificateChainPath = certificateChainPath
        self.privateKeyPath = privateKeyPath
        self.clientCAPath = clientCAPath
        self.onReload = onReload
    }

    /// Whether clients must present a verified certificate.
    public var requiresClientCertificate: Bool { clientCAPath != nil }
}

/// What happened when changed certificate files were noticed.
public enum TLSReloadEvent: Sendable, Equatable {
    /// The new files were handed to the core; handshakes from now on use them.
    case reloaded
    /// The changed files could not be used; the previous certificate stays in force.
    case failed(String)
}
