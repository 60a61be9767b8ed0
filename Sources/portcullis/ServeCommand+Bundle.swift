import ArgumentParser
import PortcullisPolicy

extension ServeCommand {
    /// Loads and compiles the bundle; on any error prints every diagnostic and exits 2.
    func loadBundle(_ path: String) throws -> CompiledBundle {
        do {
            let bundle = try BundleLoader.load(path: path)
            for warning in bundle.warnings { ServeLog.write(warning.description) }
            ServeLog.write("bundle \(bundle.name) revision \(bundle.revision): \(bundle.policyCount) policies, \(bundle.ruleCount) rules")
            return bundle
        } catch {
            for diagnostic in error.diagnostics { ServeLog.write(diagnostic.description) }
            ServeLog.write("error: bundle \(path) not loaded")
            throw ExitCode(2)
        }
    }
}
