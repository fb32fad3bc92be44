/// Why a vectors file cannot be used, with the file and (where one is at fault) the line, so the
/// message reads `FILE:LINE: reason` like every other input error of the tool.
public struct VectorFileError: Error, Equatable, CustomStringConvertible {
    public var path: String
    /// The line at fault, from 1 (for word2vec's binary format: the record, counting the header as 1).
    public var line: Int?
    public var reason: String

    public init(path: String, line: Int? = nil, reason: String) {
        self.path = path
        self.line = line
        self.reason = reason
    }

    public var description: String {
        line.map { "\(path):\($0): \(reason)" } ?? "\(path): \(reason)"
    }
}
