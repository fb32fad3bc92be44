import Foundation

/// `sentiment explain` as one call: every line of a text stream explained in order, its output line
/// written as soon as it is explained, an entry on an HTML page if one is kept, and a note for each line
/// whose attributions miss completeness.
public struct LineExplainingStream {
    public let explainer: TextExplainer
    /// Probability at or above which a line is labelled positive.
    public let threshold: Float
    /// The id column, if any (`--id-column`); the text is the rest of the line.
    public let layout: LineLayout
    public let format: ExplainOutputFormat

    /// - Throws: `LineLayout.Invalid` for an id column that cannot work.
    public init(
        explainer: TextExplainer, threshold: Float? = nil, idColumn: Int? = nil,
        format: ExplainOutputFormat = .tsv
    ) throws(LineLayout.Invalid) {
        self.explainer = explainer
        self.threshold = threshold ?? explainer.model.threshold
        layout = try LineLayout(idColumn: idColumn)
        self.format = format
    }

    /// Explains every line of `input` (its encoding detected from the first block unless given),
    /// handing each output line to `write` and, with a `page`, writing its entry there numbered after
    /// the `numbered` entries already on it (advanced by this file's lines). Lines whose attributions
    /// miss completeness are named through `note`, with a count at the end. Returns how many lines held
    /// invalid UTF-8 (replaced with U+FFFD). Throws `InputError` naming the file and line for a line
    /// without its id column.
    public func explain(
        _ input: InputFile, page: AtomicFileWriter? = nil, numbered: inout Int, note: (String) -> Void,
        write: ([UInt8]) throws -> Void
    ) throws -> Int {
        let lines = LineReader(file: input)
        var invalidLines = 0
        var incomplete = 0
        while let line = try lines.next() {
            let fields = try layout.fields(of: line.bytes, file: input.name, number: line.number)
            let id = fields.decodedID()
            let (explanation, invalid) = try explainer.explain(utf8: fields.text)
            if invalid || id?.repaired == true { invalidLines += 1 }
            let label = explanation.probability >= threshold ? SentimentLabel.positive : .negative
            try write(
                Array(ExplanationOutput.line(explanation, label: label, format: format, id: id?.text).utf8))
            numbered += 1
            try page?.write(ExplanationPage.entry(explanation, number: numbered, label: label.rawValue))
            if explanation.missesCompleteness() {
                incomplete += 1
                note("\(input.name):\(line.number): " + ExplanationOutput.completenessWarning(explanation))
            }
        }
        if incomplete > 0, case .integratedGradients(let steps) = explainer.method {
            note(
                "\(input.name): \(incomplete) line\(incomplete == 1 ? "" : "s") missed completeness by more "
                    + "than 5 % with \(steps) step\(steps == 1 ? "" : "s"); more --steps make the integral more exact"
            )
        }
        return invalidLines
    }
}
