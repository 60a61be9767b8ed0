import ArgumentParser

struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "test", abstract: "Not yet built.")
    func run() throws {
        throw ValidationError("portcullis test is not built yet")
    }
}
