import CEL
import PortcullisIdentity
import PortcullisModel

/// A bundle's identity sources, compiled once at load. Immutable and shareable; remote JWKS
/// providers refresh in the background once `start()` is called (when the bundle is activated).
public final class IdentitySources: Sendable {
    public let sources: [IdentitySource]

    public static let none = IdentitySources([])

    /// Whether some source reads more than headers (a query parameter, metadata, the peer): then every request
    /// is resolved.
    private let alwaysResolve: Bool
    /// Every header name some source reads its credential from (lower-case), and a bit per name length (< 64):
    /// most header names are ruled out by their length alone.
    private let credentialHeaders: [String]
    private let credentialLengths: UInt64

    public init(_ sources: [IdentitySource]) {
        self.sources = sources
        alwaysResolve = sources.contains { $0.credentialHeaders == nil }
        var names: [String] = []
        var lengths: UInt64 = 0
        for s in sources {
            for name in s.credentialHeaders ?? [] where !names.contains(name) {
                names.append(name)
                let n = name.utf8.count
                lengths |= n < 64 ? 1 << UInt64(n) : 1 << 63
            }
        }
        credentialHeaders = names
        credentialLengths = lengths
    }

    /// False when no source can find a credential in the request: it carries none of their headers. One pass
    /// over the header names, most of them rejected by length.
    func mayHaveCredential(_ request: AuthzRequest) -> Bool {
        if alwaysResolve { return true }
        guard let fields = request.httpHeaderFields else { return false }
        for i in fields.indices {
            let n = fields[i].name.utf8.count
            guard credentialLengths & (n < 64 ? 1 << UInt64(n) : 1 << 63) != 0 else { continue }
            for name in credentialHeaders where HTTPHeaders.same(name, fields[i].name) { return true }
        }
        return false
    }

    public var isEmpty: Bool { sources.isEmpty }
    public var names: [String] { sources.map(\.name) }

    /// The remote JWKS providers, by source name.
    public var remoteProviders: [(name: String, provider: RemoteJWKSProvider)] {
        sources.compactMap { s in
            if case .jwt(_, _, let remote?, _) = s.kind { return (s.name, remote) }
            return nil
        }
    }

    /// Starts the background refresh of every JWKS URL (idempotent; never blocks). `onRefresh` is told the
    /// result of every fetch (for metrics).
    public func start(onRefresh: (@Sendable (Bool) -> Void)? = nil) {
        for (_, p) in remoteProviders {
            if let onRefresh { p.observeRefreshes(onRefresh) }
            p.start()
        }
    }

    /// Stops the background refreshes.
    public func stop() {
        for (_, p) in remoteProviders { p.stop() }
    }

    /// Every source applied to `request`.
    func resolve(_ request: AuthzRequest) -> IdentityResolution {
        var r = IdentityResolution()
        var jwtFailures: [(from: TokenSource, failure: IdentityFailure, owns: Bool)] = []
        var verifiedFrom: [TokenSource] = []
        // Read in place: a `for in` copies each source (its verifier, stores and caches retained and released).
        let fields = request.httpHeaderFields ?? []
        for i in sources.indices {
            let source = sources[i]
            // Most requests carry no credential for most sources: settled by a look at the header names.
            guard source.mayHaveCredential(fields) else { continue }
            switch source.resolve(request) {
            case .absent:
                continue
            case .present(let value):
                r.values.append((.string(source.name), value))
                r.present.append(source.name)
                if case .jwt(_, let from, _, _) = source.kind { verifiedFrom.append(from) }
            case .invalid(let reason, let detail, let challenge, let owns):
                let failure = IdentityFailure(source: source.name, reason: reason, detail: detail, challenge: challenge)
                if case .jwt(_, let from, _, _) = source.kind {
                    jwtFailures.append((from, failure, owns))
                } else if r.failure == nil {
                    r.failure = failure
                }
            case .spoofed(let headers, let principal):
                r.headersToRemove += headers.filter { !r.headersToRemove.contains($0) }
                let peer = principal.isEmpty ? "a peer without a principal" : "peer \(principal)"
                r.notes.append(
                    "identity \(source.name): edge headers \(headers.joined(separator: ", ")) from \(peer), which is no gateway: ignored and removed")
                r.spoofed.append(source.name)
            }
        }
        // A token that verified under one jwt source is not invalid because another source reading the same
        // place (another issuer) refused it. Otherwise report the failure of the source the token belongs to.
        let unresolved = jwtFailures.filter { !verifiedFrom.contains($0.from) }
        if r.failure == nil, let pick = unresolved.first(where: \.owns) ?? unresolved.first {
            r.failure = pick.failure
        }
        return r
    }
}

/// A credential that was present but did not verify.
struct IdentityFailure {
    let source: String
    let reason: String
    let detail: String
    let challenge: String?
}

/// The identity sources' outputs for one request.
struct IdentityResolution {
    var values: [(CELValue, CELValue)] = []
    var present: [String] = []
    var failure: IdentityFailure?
    var headersToRemove: [String] = []
    var notes: [String] = []
    var spoofed: [String] = []

    var celValue: CELValue { values.isEmpty ? Self.noIdentity : .map(CELMap(values)) }
    static let noIdentity = CELValue.map(CELMap())
}
