import ArgumentParser

struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lint", abstract: "Not yet built.")
    func run() throws {
        throw ValidationError("portcullis lint is not built yet")
    }
}
