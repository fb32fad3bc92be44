import ArgumentParser

@main
struct SentimentCommand: AsyncParsableCommand {
    /// The program's version, recorded in the models it trains.
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "sentiment",
        abstract: "Binary text sentiment classification with a bidirectional GRU.",
        discussion: """
            Train a model on labelled text, then score new text with it:
              sentiment train reviews.tsv         # writes sentiment.safetensors
              echo "great film" | sentiment score # probability and label per line
              sentiment score a.txt b.txt -o scores.tsv
              sentiment eval test.tsv             # accuracy, F1, ROC-AUC, confusion matrix
              echo "great film" | sentiment explain # what each token contributed
              sentiment eval test.tsv --plots plots/ # and SVG pictures
              sentiment check                     # negation, contrast, … tests
              sentiment serve --port 8080         # the same scores over HTTP
            """,
        version: version,
        subcommands: [
            TrainCommand.self, ScoreCommand.self, ExplainCommand.self, EvalCommand.self, CheckCommand.self,
            InfoCommand.self, ConvertCommand.self, TokenizeCommand.self, VocabCommand.self, ServeCommand.self,
        ]
    )
}
