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

    @Flag(name: .long, help: "Also print the compiled bundle's rule count, load time and retained heap bytes.")
    var stats = false

    func run() throws {
        let diagnostics = BundleLoader.lint(path: bundle)
        for d in diagnostics { print(d.description) }
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.count - errors
        print("\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")")
        if errors > 0 { throw ExitCode(1) }
        if stats, let m = Self.measureCompiledBundle(path: bundle) {
            let mib = Double(m.bytes) / 1_048_576
            print("compiled: \(m.rules) rules, loaded in \(Int(m.seconds * 1000)) ms, retains \(m.bytes) bytes (\((mib * 10).rounded() / 10) MiB) of heap")
        }
    }
}
