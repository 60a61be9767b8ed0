import Foundation

/// Loads a bundle from a directory or a `.tar.gz` / `.tar` file, checks and compiles it. All or nothing: a
/// bundle with any error is refused with every diagnostic.
public enum BundleLoader {
    public static func load(path: String, limits: BundleLimits = BundleLimits()) throws(BundleError) -> CompiledBundle {
        try compile(read(path: path, limits: limits), limits: limits)
    }

    /// Compiles files already in memory (tests, benchmarks, bundles fetched by other means).
    public static func load(files: BundleFiles, limits: BundleLimits = BundleLimits()) throws(BundleError) -> CompiledBundle {
        try compile(files, limits: limits)
    }

    /// Every diagnostic of a bundle, errors and warnings, sorted by file and position.
    public static func lint(path: String, limits: BundleLimits = BundleLimits()) -> [Diagnostic] {
        do {
            let bundle = try load(path: path, limits: limits)
            return bundle.warnings
        } catch {
            return error.diagnostics
        }
    }

    /// Reads a bundle's raw files without parsing them.
    public static func read(path: String, limits: BundleLimits = BundleLimits()) throws(BundleError) -> BundleFiles {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw BundleError([Diagnostic(file: path, message: "no such file or directory")])
        }
        if isDirectory.boolValue { return try DirectoryReader.read(path, limits: limits) }
        return try ArchiveReader.read(path, limits: limits)
    }

    static func compile(_ files: BundleFiles, limits: BundleLimits) throws(BundleError) -> CompiledBundle {
        let (bundle, diagnostics) = BundleCompiler(files: files, limits: limits).compile()
        guard let bundle else { throw BundleError(diagnostics) }
        return bundle
    }
}
