#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What is known about a loaded bundle, apart from its compiled form.
public struct BundleMetadata: Sendable, Equatable {
    /// The bundle's revision: `.manifest`'s `revision` when it has one, else `sha256:<first 16 hex>` of the content digest.
    public var revision: String
    /// Where it came from (a directory path, a `.tar.gz` path or a URL), credentials removed.
    public var source: String
    /// When it became active.
    public var loadedAt: Date
    /// SHA-256 over every file's name and SHA-256: equal content gives an equal digest.
    public var digest: String
    /// True when it was loaded from `--persist-dir` because its source could not be reached.
    public var fromPersisted: Bool

    public init(revision: String, source: String, loadedAt: Date = Date(), digest: String, fromPersisted: Bool = false) {
        self.revision = revision
        self.source = source
        self.loadedAt = loadedAt
        self.digest = digest
        self.fromPersisted = fromPersisted
    }
}

/// A compiled bundle with its metadata. Immutable: a check holds the one it started with
/// for as long as it runs, whatever is swapped in meanwhile.
public final class ActiveBundle<Bundle: Sendable>: Sendable {
    public let bundle: Bundle
    public let metadata: BundleMetadata
    /// Increases by one with every swap in one `BundleStore`.
    public let generation: UInt64

    init(bundle: Bundle, metadata: BundleMetadata, generation: UInt64) {
        self.bundle = bundle
        self.metadata = metadata
        self.generation = generation
    }
}

/// Whether the process should report ready.
public enum Readiness: Sendable, Equatable {
    case ready
    /// No bundle has been loaded yet.
    case noBundle
    /// The last successful refresh is older than `--max-bundle-age`.
    case stale(age: TimeInterval)

    public var isReady: Bool { self == .ready }

    /// A one-line reason for `/readyz`.
    public var reason: String {
        switch self {
        case .ready: return "ready"
        case .noBundle: return "no bundle loaded"
        case .stale(let age): return "bundle not refreshed for \(Int(age))s"
        }
    }
}
