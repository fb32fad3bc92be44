/// A line of a text stream as `sentiment score` scores it.
public struct ScoredLine: Sendable {
    /// The id from the line's id column (invalid UTF-8 replaced with U+FFFD), when the layout has one.
    public var id: String?
    /// The text scored: the line's text column, or the line without its id column.
    public var text: ArraySlice<UInt8>
    /// The probability and label; nil for a header row, which is not scored.
    public var prediction: Prediction?
    /// Whether the text or the id held invalid UTF-8 (replaced with U+FFFD before scoring).
    public var hadInvalidUTF8: Bool
}

extension TextScorer {
    /// Scores consecutive `lines` of `file`, laid out as `layout`, in one batch. With `guessesHeader`,
    /// line 1 whose text column holds a column name (`text`, `review`, …) is a header row. Throws
    /// `InputError` for a line without the layout's columns.
    public func score(
        lines: [LineReader.Line], layout: LineLayout, guessesHeader: Bool, file: String
    ) throws -> [ScoredLine] {
        var fields: [LineLayout.Fields] = []
        fields.reserveCapacity(lines.count)
        var isHeader = [Bool](repeating: false, count: lines.count)
        for (index, line) in lines.enumerated() {
            let lineFields = try layout.fields(of: line.bytes, file: file, number: line.number)
            fields.append(lineFields)
            if guessesHeader, line.number == 1, layout.textColumn != nil,
                ColumnNames.isTextName(String(decoding: lineFields.text, as: UTF8.self))
            {
                isHeader[index] = true
            }
        }
        let (probabilities, hadInvalidUTF8) = try probabilities(forUTF8: fields.map(\.text))
        return lines.indices.map { index in
            let id = fields[index].decodedID()
            return ScoredLine(
                id: id?.text, text: fields[index].text,
                prediction: isHeader[index]
                    ? nil : Prediction(probability: probabilities[index], threshold: threshold),
                hadInvalidUTF8: hadInvalidUTF8[index] || id?.repaired == true)
        }
    }
}
