import ArgumentParser

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "eval", abstract: "Not yet built.")
    func run() throws {
        throw ValidationError("portcullis eval is not built yet")
    }
}
