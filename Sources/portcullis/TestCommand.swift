import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PortcullisPolicy

struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run a bundle's own tests (tests/*.yaml); ends with 'N passed, N failed'.",
        discussion: "Exit status: 0 when every test passes, 1 when one fails, 2 when the bundle does not load.")

    @Argument(help: "The bundle: a directory, .tar.gz or .tar file.")
    var bundle: String

    @Flag(name: .shortAndLong, help: "List passing tests too.")
    var verbose = false

    func run() throws {
        let compiled = try BundleLoader.loadForCommand(path: bundle)
        let results = compiled.runTests()
        var failed = 0
        for r in results {
            if r.passed {
                if verbose { print("PASS \(r.test.name)") }
                continue
            }
            failed += 1
            print("FAIL \(r.test.name) (\(r.test.file):\(r.test.line))")
            for f in r.failures { print("     \(f)") }
            for e in r.decision.errors { print("     evaluation error: \(e)") }
        }
        print("\(results.count - failed) passed, \(failed) failed")
        if failed > 0 { throw ExitCode(1) }
    }
}
