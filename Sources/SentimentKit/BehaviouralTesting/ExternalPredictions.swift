import Foundation

/// Another system's predictions of the texts of `sentiment check --list-cases`, so it is checked on the
/// same cases as a model: JSON Lines, one object a text,
/// `{"text": "…", "probability": 0.93, "label": "positive"}`. `probability` (in [0, 1]; any score that
/// orders texts as the system does) is required, for directional tests; `label` (positive, negative or
/// neutral) is optional: without it the probability is read as a binary model's at threshold 0.5.
public struct ExternalPredictions: Sendable {
    /// The file's name, as errors and reports give it.
    public let file: String
    /// The prediction of each text.
    public private(set) var byText: [String: CheckPrediction] = [:]

    /// The predictions in `text`, a file's contents; errors name `file` and the line.
    public init(jsonLines text: String, file: String) throws {
        self.file = file
        var number = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            let location = SuiteLocation(file: file, line: number)
            let (text, prediction) = try Self.parse(String(line), at: location)
            if let earlier = byText[text], earlier != prediction {
                throw bad(location, "\"\(text)\" was given another prediction on an earlier line")
            }
            byText[text] = prediction
        }
    }

    /// The predictions in the file at `path`.
    public init(contentsOf path: String) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw InputError.cannotOpen(file: path, reason: (error as NSError).localizedDescription)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw InputError.badFile(file: path, message: "not UTF-8 text")
        }
        try self.init(jsonLines: text, file: path)
    }

    private static func parse(_ line: String, at location: SuiteLocation) throws -> (String, CheckPrediction)
    {
        let value: HeaderJSON
        do {
            value = try HeaderJSONParser.parse(Array(line.utf8))
        } catch {
            throw bad(location, "not valid JSON: \(error.message) (byte \(error.offset + 1) of the line)")
        }
        guard case .object(let members) = value else {
            throw bad(location, "expected a JSON object, found \(value.kindName)")
        }
        var text: String?
        var probability: Float?
        var label: CheckPrediction.Label?
        for (key, value) in members {
            switch (key, value) {
            case ("text", .string(let string)): text = string
            case ("probability", .number(let number)):
                guard let parsed = Float(number), parsed >= 0, parsed <= 1 else {
                    throw bad(location, "\"probability\" must lie in [0, 1], found \(number)")
                }
                probability = parsed
            case ("label", .string(let name)):
                guard let parsed = CheckPrediction.Label(rawValue: name) else {
                    throw bad(location, "unknown label \"\(name)\" (positive, negative or neutral)")
                }
                label = parsed
            case ("text", _), ("probability", _), ("label", _):
                throw bad(location, "\"\(key)\" is \(value.kindName)")
            default: continue  // other keys (the case's test, say) may ride along
            }
        }
        guard let text else { throw bad(location, "no \"text\"") }
        guard let probability else { throw bad(location, "no \"probability\"") }
        let prediction =
            label.map { CheckPrediction(probability: probability, label: $0) }
            ?? CheckPrediction(probability: probability, threshold: 0.5)
        return (text, prediction)
    }
}
