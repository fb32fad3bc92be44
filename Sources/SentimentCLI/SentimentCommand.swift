import ArgumentParser

@main
struct SentimentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sentiment",
        abstract: "Binary text sentiment classification with a bidirectional GRU.",
        subcommands: [TokenizeCommand.self, VocabCommand.self]
    )
}
