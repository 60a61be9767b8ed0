import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PortcullisPolicy

struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check a bundle and print every diagnostic (file:line:column: message, then the line).",
        discussion: "Exit status: 1 when any diagnostic is an error, else 0.")

    @Argument(help: "The bundle: a directory, .tar.gz or .tar file.")
    var bundle: String

    func run() throws {
        let diagnostics = BundleLoader.lint(path: bundle)
        for d in diagnostics { print(d.description) }
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.count - errors
        print("\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")")
        if errors > 0 { throw ExitCode(1) }
    }
}
