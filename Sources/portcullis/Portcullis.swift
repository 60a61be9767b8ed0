import ArgumentParser

@main
struct Portcullis: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portcullis",
        abstract: "Envoy external authorization (ext_authz v3) for the mesh.",
        subcommands: [ServeCommand.self, CheckCommand.self, TestCommand.self, LintCommand.self, EvalCommand.self, ApikeyCommand.self]
    )
}
