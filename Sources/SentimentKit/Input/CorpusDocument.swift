/// A labelled document as training and evaluation use it: its text and its label (0 negative, 1
/// positive).
public struct CorpusDocument: Sendable, Equatable {
    public var text: String
    public var label: Float

    public init(text: String, label: Float) {
        self.text = text
        self.label = label
    }
}

extension CorpusDocument {
    /// The label as a class: positive from 0.5 up, the one rule every caller reads a label by.
    public var sentiment: SentimentLabel { label >= 0.5 ? .positive : .negative }
}
