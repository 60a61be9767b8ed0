import ArgumentParser
import Foundation
import PortcullisModel
import PortcullisPolicy

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Decide one request offline and print the decision as JSON.",
        discussion: """
            The request is Envoy's CheckRequest in proto3 JSON form ({"attributes": ...}), OPA-Envoy's
            {"input": ...}, or the shorthand of docs/policy-language.md. Exit status: 0 allowed, 1 denied,
            2 bad bundle or input.
            """)

    @Option(name: .long, help: "The bundle: a directory, .tar.gz or .tar file.")
    var bundle: String

    @Option(name: .long, help: "The request as JSON ('-' reads standard input).")
    var input: String

    @Flag(name: .long, help: "Also explain, for every rule the index offered, whether it matched and why not.")
    var explain = false

    func run() throws {
        let compiled = try BundleLoader.loadForCommand(path: bundle)
        let bytes: [UInt8]
        if input == "-" {
            bytes = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
        } else if let data = FileManager.default.contents(atPath: input) {
            bytes = [UInt8](data)
        } else {
            FileHandle.standardError.write(Data("\(input): cannot read the request\n".utf8))
            throw ExitCode(2)
        }
        let request: AuthzRequest
        do {
            request = try RequestDocument.parse(bytes)
        } catch {
            FileHandle.standardError.write(Data("\(input): \(error.message)\n".utf8))
            throw ExitCode(2)
        }
        let decision: Decision
        if explain {
            let e = compiled.explain(request)
            decision = e.decision
            print(CheckOutput.json(decision, explanation: e.entries))
            FileHandle.standardError.write(Data(("explain:\n" + CheckOutput.text(e.entries) + "\n").utf8))
        } else {
            decision = compiled.decide(request)
            print(CheckOutput.json(decision))
        }
        if !decision.allowed { throw ExitCode(1) }
    }
}
