/// The raw files of a bundle, by their path inside it (`/`-separated, no leading `./`).
public struct BundleFiles: Sendable {
    public private(set) var files: [String: [UInt8]] = [:]
    public private(set) var totalBytes: Int = 0

    public init() {}

    /// Files given as text, for tests and benchmarks.
    public init(_ texts: [String: String]) {
        for (path, text) in texts {
            files[path] = Array(text.utf8)
            totalBytes += text.utf8.count
        }
    }

    mutating func add(_ path: String, _ bytes: [UInt8]) {
        totalBytes += bytes.count
        files[path] = bytes
    }

    public var paths: [String] { files.keys.sorted() }

    public subscript(path: String) -> [UInt8]? { files[path] }
}

/// Where a bundle path belongs.
enum BundleFileRole: Equatable {
    case manifest
    case policy
    case data
    case test
    /// `identity.yaml`: the bundle's identity sources.
    case identity
    /// Other files (documentation, schemas, keys): kept, not parsed as policies.
    case other

    /// Directories that never hold policy files.
    static let reservedDirectories: Set<String> = ["data", "tests", "schemas", "keys"]

    init(path: String) {
        let parts = path.split(separator: "/")
        let isYAML = path.hasSuffix(".yaml") || path.hasSuffix(".yml")
        if path == "manifest.yaml" || path == "manifest.yml" {
            self = .manifest
        } else if path == "identity.yaml" || path == "identity.yml" {
            self = .identity
        } else if parts.first == "data" {
            self = (isYAML || path.hasSuffix(".json")) ? .data : .other
        } else if parts.first == "tests" {
            self = isYAML ? .test : .other
        } else if let first = parts.first, parts.count > 1, Self.reservedDirectories.contains(String(first)) {
            self = .other
        } else {
            self = isYAML ? .policy : .other
        }
    }
}

/// Checks and normalises a path found in a bundle; nil (with a reason) when it must be refused.
enum BundlePath {
    static func normalize(_ raw: String) -> Result<String, BundlePathError> {
        if raw.utf8.contains(UInt8(ascii: "\0")) || raw.utf8.contains(UInt8(ascii: "\\")) { return .failure(.invalid(raw)) }
        if raw.hasPrefix("/") { return .failure(.escapes(raw)) }
        var parts: [Substring] = []
        for part in raw.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." { return .failure(.escapes(raw)) }
            parts.append(part)
        }
        if parts.isEmpty { return .failure(.invalid(raw)) }
        return .success(parts.joined(separator: "/"))
    }

    /// Hidden files and directories (`.git`, `._foo.yaml` from macOS tar) are skipped.
    static func isHidden(_ path: String) -> Bool {
        path.split(separator: "/").contains { $0.hasPrefix(".") }
    }
}

enum BundlePathError: Error, CustomStringConvertible {
    case invalid(String)
    case escapes(String)

    var description: String {
        switch self {
        case .invalid(let p): return "invalid path \(String(reflecting: p)) in bundle"
        case .escapes(let p): return "path \(String(reflecting: p)) escapes the bundle"
        }
    }
}
