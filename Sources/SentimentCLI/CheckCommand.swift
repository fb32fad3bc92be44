import ArgumentParser
import Foundation
import SentimentKit

/// `sentiment check`: behavioural tests (negation, contrast, intensity, invariance) against a model.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Run behavioural tests (vocabulary, negation, contrast, intensity, invariance) on a model.",
        usage: "sentiment check [<options>]",
        discussion: """
            Generates the cases of the built-in suite (English and Chinese) and of any --suite files from \
            their templates and lexicons, scores them with the model and prints, per capability and \
            test, the cases and the share that failed, with the worst failures and their probabilities. \
            Minimum functionality tests expect a label ("not_negative" also accepts a probability in \
            [1/3, 2/3]); invariance tests expect a variant (another name, a URL, a typo) to keep the \
            label, and report how far the probability moved; directional tests expect "very good" not \
            below "good" (within a tolerance). Only the suite's test half runs; its augment half is \
            for training (docs/check.md).

            Without --language, the languages whose tokens the model's vocabulary mostly knows are \
            checked (stderr names the others). --suite FILE adds a suite file's lexicon words and \
            tests to the built-in suite (--no-builtin: run the files alone). --max-failure-rate R exits \
            with status 1 when a test fails on more than R of its cases.

            To check another system on the same cases: --list-cases writes them as JSON Lines; score \
            every text and variant, write {"text": …, "probability": …, "label": …} lines and give \
            them to --predictions FILE (scripts/check_vader.py does this for VADER).

            \(ModelLocation.lookupDescription)

            Examples:
              sentiment check --model film.safetensors
              sentiment check --suite shop.jsonl --max-failure-rate 0.2
              sentiment check --format json --language en
              sentiment check --list-cases --language en > cases.jsonl
            """
    )

    @Option(
        name: .shortAndLong, help: ArgumentHelp(ModelLocation.optionHelp))
    var model: String?

    @Option(
        name: .customLong("suite"),
        help: "A suite file (JSON Lines) to add to the built-in suite; repeatable.")
    var suiteFiles: [String] = []

    @Flag(help: "Leave the built-in suite out: run the --suite files alone.")
    var noBuiltin = false

    @Option(
        name: .customLong("language"),
        help: "Check this language's tests (repeatable; default: those the model knows).")
    var languages: [String] = []

    @Option(help: "Output format: table or json.")
    var format: CheckOutputFormat = .table

    @Option(
        parsing: .unconditional,
        help: "Exit with status 1 when any test fails on more than this share of its cases (0 to 1).")
    var maxFailureRate: Double?

    @Option(parsing: .unconditional, help: "Failing examples shown per test.")
    var examples = BehaviouralCheck.defaultExamplesPerTest

    @Option(
        parsing: .unconditional,
        help: "Probability at or above which a text is labelled positive (default: the model's).")
    var threshold: Float?

    @Option(
        help: "Check another system's predictions of the --list-cases texts (JSON Lines) instead of a model.")
    var predictions: String?

    @Flag(help: "Write the generated cases as JSON Lines instead of checking.")
    var listCases = false

    @Flag(help: "Write the built-in suite's JSON Lines and stop.")
    var printBuiltin = false

    @Flag(
        help: """
            Write labelled training sentences from the suite's augment half (never a case `check` runs) \
            as label<TAB>text lines and stop; "not bad"-style sentences are labelled positive, "not \
            good"-style negative.
            """)
    var listAugmentation = false

    @OptionGroup var threadOptions: ThreadOptions

    func validate() throws {
        if let maxFailureRate, !(maxFailureRate >= 0 && maxFailureRate <= 1) {
            throw ValidationError("--max-failure-rate must be in [0, 1]")
        }
        if let threshold, !(threshold >= 0 && threshold <= 1) {
            throw ValidationError("--threshold must be in [0, 1]")
        }
        if examples < 0 { throw ValidationError("--examples must be at least 0") }
        if noBuiltin && suiteFiles.isEmpty {
            throw ValidationError("--no-builtin needs at least one --suite file")
        }
        if predictions != nil && (model != nil || threshold != nil) {
            throw ValidationError(
                "--predictions checks an external system: leave out --model and --threshold")
        }
    }

    func run() throws {
        if printBuiltin {
            return try StandardStreams.writeToStandardOutput(Array(BehaviouralSuite.builtinJSONLines.utf8))
        }
        let check = try BehaviouralCheck(
            builtin: !noBuiltin, suiteFiles: suiteFiles, examplesPerTest: examples)
        let languages = self.languages.isEmpty ? nil : self.languages
        if listCases { return try StandardStreams.writeToStandardOutput(check.caseList(languages: languages)) }
        if listAugmentation {
            var lines = "label\ttext\n"
            for document in check.suite.augmentationSentences(languages: languages).compactMap(\.leaningDocument) {
                lines += "\(Int(document.label))\t\(document.text)\n"
            }
            return try StandardStreams.writeToStandardOutput(Array(lines.utf8))
        }
        let report: CheckReport
        if let predictions {
            report = try check.run(
                predictions: ExternalPredictions(contentsOf: predictions), languages: languages)
        } else {
            let modelPath = try ModelLocation.resolve(model)
            let scorer = try TextScorer(
                model: loadModel(at: modelPath, threads: threadOptions.count), threads: threadOptions.count,
                threshold: threshold)
            report = try check.run(scorer: scorer, system: modelPath, languages: languages)
        }
        for skipped in report.skippedLanguages {
            StandardStreams.printError(
                "check: \(skipped.language) not checked: \(skipped.reason) (--language \(skipped.language) checks it)"
            )
        }
        switch format {
        case .table:
            try StandardStreams.writeToStandardOutput(Array(report.table().utf8))
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try StandardStreams.writeToStandardOutput(Array(encoder.encode(report)) + [0x0A])
        }
        if let maxFailureRate {
            let failing = report.tests(failingMoreThan: maxFailureRate)
            if !failing.isEmpty {
                throw CommandFailure(
                    "check: \(failing.count) of \(report.capabilities.flatMap(\.tests).count) tests fail on more "
                        + "than \(maxFailureRate) of their cases: "
                        + failing.map {
                            "\($0.language) \"\($0.name)\" \(String(format: "%.3f", $0.failureRate))"
                        }
                        .joined(separator: ", "))
            }
        }
    }
}

/// `--format` values of `check`.
enum CheckOutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}
