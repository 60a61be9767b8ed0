import ArgumentParser

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Not yet built.")
    func run() throws {
        throw ValidationError("portcullis serve is not built yet")
    }
}
