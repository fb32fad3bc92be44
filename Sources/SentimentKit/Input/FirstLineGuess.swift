/// What the first line of a file to be scored says about its columns when no text column was given
/// (`sentiment score` without `--text-column` or `--no-header`): a labelled TSV file's label must never
/// be scored as part of its text.
public enum FirstLineGuess: Equatable, Sendable {
    /// A header naming a text column: that column (1-based) is scored on every line.
    case header(textColumn: Int, name: String)
    /// A line without a header that looks like `label<TAB>text` (beside its id column, if any): it is
    /// scored whole, and `textColumn` would score the text alone.
    case labelledLine(textColumn: Int)
    /// An ordinary line.
    case data

    /// Reads line 1 of `file`, `bytes`, as tab-separated fields. A header is a line naming a text or
    /// label column and holding no label; throws `InputError.badLine` for a header without a text
    /// column, or whose text column is `idColumn`.
    public init(firstLine bytes: [UInt8], idColumn: Int?, file: String) throws(InputError) {
        guard bytes.contains(0x09) else {
            self = .data
            return
        }
        let fields = bytes.split(separator: 0x09, omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self)
        }
        let isHeader =
            fields.contains { ColumnNames.isTextName($0) || ColumnNames.isLabelName($0) }
            && !fields.contains { LabelParser.parse($0) != nil }
        if isHeader, let text = fields.firstIndex(where: { ColumnNames.isTextName($0) }) {
            if text + 1 == idColumn {
                throw .badLine(
                    file: file, line: 1,
                    message: "a header naming column \(text + 1) (\"\(fields[text])\") as the text, but "
                        + "--id-column \(text + 1) is the id; --text-column N names the column to score")
            }
            self = .header(textColumn: text + 1, name: fields[text])
            return
        }
        if isHeader {
            throw .badLine(
                file: file, line: 1,
                message: "a header without a text column (\(fields.joined(separator: ", "))); "
                    + "--text-column N names the column to score")
        }
        // The columns other than the id, by their 1-based numbers.
        let columns = fields.indices.filter { $0 + 1 != idColumn }
        if columns.count == 2, let labelled = columns.first(where: { LabelParser.parse(fields[$0]) != nil }) {
            self = .labelledLine(textColumn: columns.first { $0 != labelled }! + 1)
            return
        }
        self = .data
    }
}
