import ArgumentParser

struct VocabCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "vocab", abstract: "Not yet implemented.")
    func run() throws { throw ValidationError("not yet implemented") }
}
