import CGRPC
import Synchronization

/// Owns the certificate-config fetcher of one listening port's SSL server credentials.
///
/// The C core calls `fetch` (through `pc_grpc_ssl_fetcher`'s `user_data`) before every TLS
/// handshake on that port, under its own lock. It gets the files' first contents once, then a
/// new config only after a file changed and could be read; otherwise the core keeps what it
/// has. The core holds `user_data` unretained: the `ServerCore` keeps this object alive until
/// after `grpc_shutdown`.
final class TLSCredentials: Sendable {
    let configuration: TLSConfiguration

    private struct State {
        /// Read at start; handed to the core by its first fetch.
        var initial: TLSMaterial?
        /// Stamps of the files the core has (or was last offered).
        var current: [TLSMaterial.Stamp]
        /// Stamps of files that could not be used, so a bad change is reported once.
        var refused: [TLSMaterial.Stamp]?
        var initialTaken = false
    }
    private let state: Mutex<State>

    /// Reads the files once; throws a clear message when one is missing or not PEM.
    init(_ configuration: TLSConfiguration) throws(TransportError) {
        self.configuration = configuration
        let material = try TLSMaterial(reading: configuration)
        let stamps = material.stamps
        state = Mutex(State(initial: material, current: stamps))
    }

    /// Whether the core took the first config (so a failing port add means it refused it).
    var initialTaken: Bool { state.withLock { $0.initialTaken } }

    /// New `grpc_server_credentials` whose fetcher is this object; the caller releases them.
    func makeServerCredentials() throws(TransportError) -> OpaquePointer {
        let request = configuration.requiresClientCertificate
            ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
            : GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
        let userData = Unmanaged.passUnretained(self).toOpaque()
        guard let options = pc_grpc_ssl_options_with_fetcher(request, { userData, out in
            guard let userData, let out else { return GRPC_SSL_CERTIFICATE_CONFIG_RELOAD_FAIL }
            return Unmanaged<TLSCredentials>.fromOpaque(userData).takeUnretainedValue().fetch(into: out)
        }, userData),
            let credentials = grpc_ssl_server_credentials_create_with_options(options)
        else {
            throw .coreFailure("cannot create SSL server credentials")
        }
        return credentials
    }

    /// The core's fetch: UNCHANGED, or NEW with a config it takes ownership of.
    func fetch(into out: UnsafeMutablePointer<OpaquePointer?>) -> grpc_ssl_certificate_config_reload_status {
        var event: TLSReloadEvent?
        let status = state.withLock { state -> grpc_ssl_certificate_config_reload_status in
            if let material = state.initial.take() {
                state.initialTaken = true
                out.pointee = TLSCredentials.makeConfig(material)
                return out.pointee == nil ? GRPC_SSL_CERTIFICATE_CONFIG_RELOAD_FAIL : GRPC_SSL_CERTIFICATE_CONFIG_RELOAD_NEW
            }
            guard let now = try? TLSMaterial.stamps(of: configuration) else {
                // A file is missing for the moment (being replaced): keep what the core has.
                return GRPC_SSL_CERTIFICATE_CONFIG_RELOAD_UNCHANGED
            }
            if now == state.current || now == state.refused { return GRPC_SSL_CERTIFICATE_CONFIG_RELOAD_UNCHANGED }
            let material: TLSMaterial
            do throws(TransportError) {
                material = try TLSMaterial(reading: configuration)
            } catch {
                state.refused = now
                event = .failed(error.description)
                return GRPC_SSL_CERTIFICATE_CONFIG_RELOAD_UNCHANGED
            }
            state.current = material.stamps
            state.refused = nil
            out.pointee = TLSCredentials.makeConfig(material)
            guard out.pointee != nil else {
                event = .failed("the gRPC core refused the new certificate files")
                return GRPC_SSL_CERTIFICATE_CONFIG_RELOAD_UNCHANGED
            }
            event = .reloaded
            return GRPC_SSL_CERTIFICATE_CONFIG_RELOAD_NEW
        }
        if let event { configuration.onReload?(event) }
        return status
    }

    /// A `grpc_ssl_server_certificate_config` (the core copies the strings); nil if refused.
    private static func makeConfig(_ material: TLSMaterial) -> OpaquePointer? {
        material.privateKey.withUnsafeBufferPointer { key in
            material.certificateChain.withUnsafeBufferPointer { chain in
                var pair = grpc_ssl_pem_key_cert_pair(private_key: key.baseAddress, cert_chain: chain.baseAddress)
                // Debian's libgrpc asserts non-NULL client roots when a fetcher replaces the config.
                // Without a client CA no client certificate is requested, so the roots are never
                // used: the server's own chain stands in for them.
                let roots = material.clientCA ?? material.certificateChain
                return roots.withUnsafeBufferPointer { grpc_ssl_server_certificate_config_create($0.baseAddress, &pair, 1) }
            }
        }
    }
}
