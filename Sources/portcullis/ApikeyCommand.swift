import ArgumentParser

struct ApikeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "apikey", abstract: "Not yet built.")
    func run() throws {
        throw ValidationError("portcullis apikey is not built yet")
    }
}
