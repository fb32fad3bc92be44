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
