import ArgumentParser

struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tokenize", abstract: "Not yet implemented.")
    func run() throws { throw ValidationError("not yet implemented") }
}
