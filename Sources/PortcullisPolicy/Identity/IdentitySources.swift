import CEL
import PortcullisIdentity
import PortcullisModel

/// A bundle's identity sources, compiled once at load. Immutable and shareable; remote JWKS
/// providers refresh in the background once `start()` is called (when the bundle is activated).
public final class IdentitySources: Sendable {
    public let sources: [IdentitySource]
    /// `sources`, unretained (the array owns them): read per request without a retain and release each.
    private let sourceRefs: [Unmanaged<IdentitySource>]
    /// The 401s of policies whose required sources are all absent, built once each.
    let unmetResponses = UnmetIdentityResponses()

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
        sourceRefs = sources.map { Unmanaged.passUnretained($0) }
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
        var jwtFailures: [(source: Int, failure: IdentityFailure, owns: Bool)] = []
        let fields = request.httpHeaderFields ?? []
        for i in sourceRefs.indices {
            let outcome = sourceRefs[i]._withUnsafeGuaranteedRef { source -> IdentitySourceOutcome in
                // Most requests carry no credential for most sources: settled by a look at the header names (a
                // source reading one header looks for it as it reads it).
                guard source.findsItsHeaders || source.mayHaveCredential(fields) else { return .absent }
                return source.resolve(request, fields: fields)
            }
            switch outcome {
            case .absent:
                continue
            case .present(let output):
                r.append(i, output)
            case .invalid(let failure, let owns):
                if case .jwt = sources[i].kind {
                    jwtFailures.append((i, failure, owns))
                } else if r.failure == nil {
                    r.failure = failure
                }
            case .spoofed(let headers, let principal):
                let name = sources[i].name
                var s = r.spoofing ?? IdentityResolution.Spoofing()
                s.headersToRemove += headers.filter { !s.headersToRemove.contains($0) }
                let peer = principal.isEmpty ? "a peer without a principal" : "peer \(principal)"
                s.notes.append(
                    "identity \(name): edge headers \(headers.joined(separator: ", ")) from \(peer), which is no gateway: ignored and removed")
                s.spoofed.append(name)
                r.spoofing = s
            }
        }
        // A token that verified under one jwt source is not invalid because another source reading the same
        // place (another issuer) refused it. Otherwise report the failure of the source the token belongs to.
        if r.failure == nil, !jwtFailures.isEmpty {
            var verifiedFrom: [TokenSource] = []
            for p in r.present {
                if case .jwt(_, let from, _, _) = sources[p.source].kind { verifiedFrom.append(from) }
            }
            let unresolved = jwtFailures.filter { f in
                guard case .jwt(_, let from, _, _) = sources[f.source].kind else { return true }
                return !verifiedFrom.contains(from)
            }
            if let pick = unresolved.first(where: \.owns) ?? unresolved.first { r.failure = pick.failure }
        }
        return r
    }

    /// The `identity` value expressions read: the present sources' values by name.
    func value(of r: IdentityResolution) -> CELValue {
        switch r.presentCount {
        case 0:
            return IdentityResolution.noIdentity
        case 1:
            if let alone = r.firstOutput?.alone { return alone }
            let name = sourceRefs[r.firstSource]._withUnsafeGuaranteedRef(\.nameValue)
            return .map(CELMap([(name, r.firstOutput?.value ?? .null)]))
        default:
            return .map(CELMap(r.present.map { (sources[$0.source].nameValue, $0.output.value) }))
        }
    }

    /// Records the names of the present sources under the metadata key `identity` (nothing when none is).
    func recordPresent(_ r: IdentityResolution, in decision: inout Decision) {
        guard r.presentCount > 0 else { return }
        if r.presentCount == 1 {
            sourceRefs[r.firstSource]._withUnsafeGuaranteedRef { s in
                // Usually the decision has no metadata yet: then the whole dictionary, built once, is assigned.
                if decision.dynamicMetadata.isEmpty {
                    decision.dynamicMetadata = s.onlyMetadata
                } else {
                    decision.dynamicMetadata["identity"] = s.presentMetadata
                }
            }
            return
        }
        decision.dynamicMetadata["identity"] = .array(r.present.map { .string(sources[$0.source].name) })
    }
}

/// The identity sources' outputs for one request. The usual request has one source present and nothing else:
/// then nothing here allocates, and nothing is copied to read it.
struct IdentityResolution {
    struct Present {
        /// Its index in `IdentitySources.sources`.
        let source: Int
        let output: IdentityOutput
    }

    /// Edge headers sent by a peer that is no gateway.
    struct Spoofing {
        var headersToRemove: [String] = []
        var notes: [String] = []
        /// The sources whose headers were spoofed.
        var spoofed: [String] = []
    }

    /// How many sources are present; the first of them (held apart, read without copying a list) and the others.
    private(set) var presentCount = 0
    private(set) var firstSource = 0
    private(set) var firstOutput: IdentityOutput?
    private var others: [Present] = []
    var failure: IdentityFailure?
    var spoofing: Spoofing?

    mutating func append(_ source: Int, _ output: IdentityOutput) {
        if presentCount == 0 {
            firstSource = source
            firstOutput = output
        } else {
            others.append(Present(source: source, output: output))
        }
        presentCount += 1
    }

    /// Every present source, in order.
    var present: [Present] {
        guard let firstOutput else { return [] }
        return [Present(source: firstSource, output: firstOutput)] + others
    }

    static let noIdentity = CELValue.map(CELMap())
}
