import ArgumentParser
import Foundation
import PortcullisOps

@main
struct Portcullis: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portcullis",
        abstract: "Envoy external authorization (ext_authz v3) for the mesh.",
        subcommands: [ServeCommand.self, CheckCommand.self, TestCommand.self, LintCommand.self, EvalCommand.self, ApikeyCommand.self]
    )

    /// Every `serve` option can also come from a `PORTCULLIS_*` variable; the command line wins.
    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "serve" {
            do {
                arguments = ["serve"] + (try EnvironmentArguments.merge(
                    commandLine: Array(arguments.dropFirst()), options: ServeCommand.environmentOptions))
            } catch {
                FileHandle.standardError.write(Data("portcullis serve: \(error.description)\n".utf8))
                Foundation.exit(64)
            }
        }
        main(arguments)
    }
}
