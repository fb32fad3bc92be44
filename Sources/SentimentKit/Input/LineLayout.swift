/// Where `sentiment score` and `sentiment explain` find the text of an input line, and the id they
/// echo beside its result: the whole line is the text; or one tab-separated column is; or, with an id
/// column and no text column, the line without its id column is (so a text that itself holds tabs
/// comes through whole, as in `id<TAB>text with<TAB>tabs`).
///
/// Every line must hold the columns the layout names: a line without them is an `InputError.badLine`
/// naming the file and line, never a line silently dropped or scored as something else. The one
/// exception keeps `--text-column` alone as it always was: an empty line is then empty text.
public struct LineLayout: Sendable, Equatable {
    /// The 1-based column scored, or nil for the whole line (less the id column, when there is one).
    public let textColumn: Int?
    /// The 1-based column echoed as the line's id, or nil.
    public let idColumn: Int?

    /// The text and id of one line, as byte ranges (the text of a line whose id column sits between
    /// other columns is a new array: the columns around it joined by their tab).
    public struct Fields: Equatable {
        public var id: ArraySlice<UInt8>?
        public var text: ArraySlice<UInt8>

        /// The id as text, invalid UTF-8 replaced with U+FFFD (so output stays valid UTF-8), and whether
        /// it had to be; nil without an id column.
        public func decodedID() -> (text: String, repaired: Bool)? { id.map { TextDecoder.decode($0) } }
    }

    /// Why a layout cannot be used.
    public enum Invalid: Error, Equatable, CustomStringConvertible {
        case columnBelowOne(name: String)
        case sameColumn(Int)

        public var description: String {
            switch self {
            case .columnBelowOne(let name): "\(name) must be at least 1"
            case .sameColumn(let column):
                "--id-column and --text-column are both \(column): the id and the text must be different columns"
            }
        }
    }

    /// A layout; `Invalid` for a column below 1 or the same column named twice.
    public init(textColumn: Int? = nil, idColumn: Int? = nil) throws(Invalid) {
        if let textColumn, textColumn < 1 { throw .columnBelowOne(name: "--text-column") }
        if let idColumn, idColumn < 1 { throw .columnBelowOne(name: "--id-column") }
        if let textColumn, textColumn == idColumn { throw .sameColumn(textColumn) }
        self.textColumn = textColumn
        self.idColumn = idColumn
    }

    /// The same layout scoring `column` (a column a header named), keeping the id column.
    public func scoring(column: Int) throws(Invalid) -> LineLayout {
        try LineLayout(textColumn: column, idColumn: idColumn)
    }

    /// The id and text of `line`, line `number` of `file`; `InputError.badLine` when the line lacks a
    /// column the layout names.
    public func fields(of line: [UInt8], file: String, number: Int) throws(InputError) -> Fields {
        guard let idColumn else {
            // The whole line is the text; with --text-column alone an empty line is empty text.
            guard let textColumn, !line.isEmpty else { return Fields(id: nil, text: line[...]) }
            return Fields(id: nil, text: try column(textColumn, of: line, file: file, number: number))
        }
        let id = try column(idColumn, of: line, file: file, number: number)
        if let textColumn {
            return Fields(id: id, text: try column(textColumn, of: line, file: file, number: number))
        }
        let before = id.startIndex == line.startIndex ? nil : id.startIndex - 1
        let after = id.endIndex == line.endIndex ? nil : id.endIndex + 1
        switch (before, after) {
        case (nil, nil):
            throw .badLine(
                file: file, line: number,
                message: "has no tab: --id-column \(idColumn) needs the id and, in other columns, the text")
        case (nil, let after?): return Fields(id: id, text: line[after...])
        case (let before?, nil): return Fields(id: id, text: line[..<before])
        case (let before?, _?):
            return Fields(id: id, text: (line[..<before] + line[id.endIndex...])[...])
        }
    }

    /// The `column`-th (1-based) tab-separated field of `line`, or nil when it has fewer fields.
    public static func field(_ column: Int, of line: [UInt8]) -> ArraySlice<UInt8>? {
        var start = line.startIndex
        var current = 1
        while current < column {
            guard let tab = line[start...].firstIndex(of: 0x09) else { return nil }
            start = tab + 1
            current += 1
        }
        let end = line[start...].firstIndex(of: 0x09) ?? line.endIndex
        return line[start..<end]
    }

    private func column(_ column: Int, of line: [UInt8], file: String, number: Int) throws(InputError)
        -> ArraySlice<UInt8>
    {
        guard let field = Self.field(column, of: line) else {
            let count = line.split(separator: 0x09, omittingEmptySubsequences: false).count
            throw .badLine(file: file, line: number, message: "has no column \(column) (it has \(count))")
        }
        return field
    }
}
