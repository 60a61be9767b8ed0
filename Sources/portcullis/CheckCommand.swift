import ArgumentParser

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Not yet built.")
    func run() throws {
        throw ValidationError("portcullis check is not built yet")
    }
}
