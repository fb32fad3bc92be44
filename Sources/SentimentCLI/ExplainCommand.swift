import ArgumentParser
import Foundation
import SentimentKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `sentiment explain`: how much each token pushed each input line's score.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain scores: how much each token pushed each input line's score.",
        // The full list of options is too wide for an 80-column terminal; OPTIONS lists them.
        usage: "sentiment explain [<options>] [<files> ...]",
        discussion: """
            Reads standard input when no file is given; every input line gives exactly one output line, \
            in order, as for `score`. Attributions are in logit units: positive pushes towards positive, \
            negative towards negative.

            --method integrated-gradients (the default): integrated gradients over the embedding vectors \
            of the tokens from a baseline of zero vectors, with --steps midpoint-rule points, for the \
            BiGRU; the wide channel's logit is linear in its n-grams, so each n-gram's exact share goes to \
            the tokens that form it (half to each token of a bigram). The baseline is the model with zero \
            embeddings and no n-grams, and the attributions add up to logit − baseline logit \
            (completeness); a line that misses by more than 5 % gets a warning on standard error. \
            --method occlusion: each token's attribution is the logit minus the logit of the line \
            without that token (the baseline logit is the empty line's).

            Tokens are those the model reads, as `sentiment tokenize` prints them: a line longer than the \
            model's max_len is cut as scoring cuts it. Output: on a terminal the tokens coloured from red \
            (pushes negative) to green (pushes positive), then the probability and label; otherwise (or \
            --format tsv) "probability<TAB>label<TAB>token:attribution<TAB>…"; --format jsonl gives \
            {"probability": p, "logit": l, "baseline_logit": b, "method": "…", "tokens": [{"token": "…", \
            "attribution": a}, …]} objects. --html FILE also writes one self-contained page with every \
            line coloured and each token's value shown on hover.

            --id-column N echoes the N-th tab-separated column of each line as its id (the first TSV \
            column, an "id" string in JSON Lines, before the tokens in colour) and explains the rest of \
            the line; a line without a tab beside its id column stops the run with its file and line.

            Examples:
              echo "a dull film with one great scene" | sentiment explain
              sentiment explain reviews.txt --format jsonl
              sentiment explain reviews.txt --html explained.html > /dev/null
            """
    )

    @Argument(
        help: "Files to explain, one text per line (\"-\" for standard input; standard input when none).")
    var files: [String] = []

    @Option(
        name: .shortAndLong, help: ArgumentHelp(ModelLocation.optionHelp))
    var model: String?

    @Option(help: "Attribution method: integrated-gradients or occlusion.")
    var method: ExplainMethod = .integratedGradients

    @Option(
        parsing: .unconditional,
        help: "Integration points of integrated gradients (default \(IntegratedGradients.defaultSteps)).")
    var steps: Int?

    @Option(help: "Output format: color, tsv or jsonl (default: color on a terminal, else tsv).")
    var format: ExplainOutputFormat?

    @Option(help: "Also write a self-contained HTML page of every line to this file (atomically).")
    var html: String?

    @Option(
        parsing: .unconditional,
        help: "Echo the N-th tab-separated column (1-based) of each line as its id; explain the rest.")
    var idColumn: Int?

    @Option(
        parsing: .unconditional,
        help: "Probability at or above which a text is labelled positive (default: the model's).")
    var threshold: Float?

    @OptionGroup var threadOptions: ThreadOptions

    @OptionGroup(title: "Input") var encodingOptions: EncodingOptions

    func validate() throws {
        do {
            _ = try LineLayout(idColumn: idColumn)
        } catch {
            throw ValidationError("\(error)")
        }
        if let steps {
            if steps < 1 { throw ValidationError("--steps must be at least 1") }
            if method == .occlusion { throw ValidationError("--steps applies to integrated gradients only") }
        }
        if let threshold, !(threshold >= 0 && threshold <= 1) {
            throw ValidationError("--threshold must be in [0, 1]")
        }
    }

    func run() throws {
        let modelPath = try ModelLocation.resolve(model)
        let sentimentModel = try loadModel(at: modelPath, threads: threadOptions.count)
        let attribution = method.attribution(steps: steps)
        let stream = try LineExplainingStream(
            explainer: TextExplainer(
                model: sentimentModel, method: attribution, threads: threadOptions.count),
            threshold: threshold, idColumn: idColumn, format: format ?? (isatty(1) == 1 ? .color : .tsv))
        let inputs = try TextInputs(paths: files, encoding: encodingOptions.encoding)
        let page = try html.map { path in
            do {
                return try AtomicFileWriter(destination: URL(fileURLWithPath: path))
            } catch {
                throw CommandFailure("\(error)")
            }
        }
        do {
            try page?.write(
                ExplanationPage.header(
                    title: "sentiment explain",
                    description:
                        "\(inputs.files.map(\.name).joined(separator: ", ")) · model \(modelPath) · "
                        + ExplanationOutput.describe(attribution)))
            var numbered = 0
            try inputs.forEach { input in
                try stream.explain(
                    input, page: page, numbered: &numbered, note: { StandardStreams.printError($0) }
                ) {
                    try StandardStreams.writeToStandardOutput($0)
                }
            }
            try page?.write(ExplanationPage.footer())
            try page?.commit()
        } catch {
            page?.abort()
            throw error
        }
    }
}

extension ExplainMethod: ExpressibleByArgument {}

extension ExplainOutputFormat: ExpressibleByArgument {}
