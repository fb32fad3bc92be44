/// One line of a suite file, read but not yet checked against the rest of the suite.
enum SuiteLine {
    case lexicon(SuiteLexicon.Key, fields: Set<String>?, words: [LexiconWord], location: SuiteLocation)
    case test(SuiteTest)
}

/// Reads the JSON Lines of a behavioural suite file (docs/check.md): each line is a lexicon or a test;
/// blank lines and lines starting with `#` are skipped. Errors are `InputError.badLine`, "FILE:LINE:
/// reason".
struct SuiteFileParser {
    /// The name errors give the file.
    let file: String

    static let lexiconKeys = ["lexicon", "language", "split", "words"]
    static let testKeys = [
        "test", "capability", "language", "split", "expect", "templates", "pairs", "max_cases", "seed",
        "tolerance",
        "margin",
    ]

    func parse(_ text: String) throws -> [SuiteLine] {
        var lines: [SuiteLine] = []
        var number = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            lines.append(try parseLine(String(line), location: SuiteLocation(file: file, line: number)))
        }
        return lines
    }

    private func parseLine(_ line: String, location: SuiteLocation) throws -> SuiteLine {
        let value: HeaderJSON
        do {
            value = try HeaderJSONParser.parse(Array(line.utf8))
        } catch {
            throw bad(location, "not valid JSON: \(error.message) (byte \(error.offset + 1) of the line)")
        }
        guard case .object(let members) = value else {
            throw bad(location, "expected a JSON object, found \(value.kindName)")
        }
        let object = Members(members: members, location: location)
        switch (object.has("lexicon"), object.has("test")) {
        case (true, false): return try lexicon(object)
        case (false, true): return .test(try test(object))
        case (true, true): throw bad(location, "a line is a lexicon or a test, not both")
        case (false, false):
            throw bad(location, "neither a lexicon line (with \"lexicon\") nor a test line (with \"test\")")
        }
    }

    private func lexicon(_ object: Members) throws -> SuiteLine {
        try object.refuseUnknownKeys(allowed: Self.lexiconKeys, lineKind: "a lexicon line")
        let name = try object.string("lexicon")
        guard SuiteTemplate.isName(name) else {
            throw bad(object.location, "lexicon name \"\(name)\": use letters, digits, \"_\" and \"-\"")
        }
        let key = SuiteLexicon.Key(
            name: name, language: try object.string("language"), split: try split(object))
        guard case .array(let elements)? = object["words"], !elements.isEmpty else {
            throw bad(object.location, "\"words\" must be a non-empty array of strings or of objects")
        }
        var words: [LexiconWord] = []
        var fields: Set<String>?
        for (index, element) in elements.enumerated() {
            switch element {
            case .string(let word) where !word.isEmpty:
                guard index == 0 || fields == nil else { throw mixedWords(object.location) }
                words.append(.plain(word))
            case .object(let members) where !members.isEmpty:
                var record: [String: String] = [:]
                for (field, value) in members {
                    guard SuiteTemplate.isName(field) else {
                        throw bad(
                            object.location,
                            "word \(index + 1): field \"\(field)\": use letters, digits, \"_\" and \"-\"")
                    }
                    guard case .string(let text) = value, !text.isEmpty else {
                        throw bad(
                            object.location,
                            "word \(index + 1): field \"\(field)\" must be a non-empty string")
                    }
                    record[field] = text
                }
                if index == 0 { fields = Set(record.keys) }
                guard let fields else { throw mixedWords(object.location) }
                guard Set(record.keys) == fields else {
                    throw bad(
                        object.location,
                        "word \(index + 1) has the fields \(Self.list(record.keys)), the first word "
                            + "\(Self.list(fields)): every word of a lexicon has the same fields")
                }
                words.append(.record(record))
            default:
                throw bad(
                    object.location,
                    "word \(index + 1) is \(element.kindName): words are non-empty strings or objects")
            }
        }
        return .lexicon(key, fields: fields, words: words, location: object.location)
    }

    private func test(_ object: Members) throws -> SuiteTest {
        try object.refuseUnknownKeys(allowed: Self.testKeys, lineKind: "a test line")
        let name = try object.string("test")
        let expectText = try object.string("expect")
        guard let expectation = SuiteExpectation(rawValue: expectText) else {
            throw bad(
                object.location,
                "unknown expectation \"\(expectText)\" (one of \(SuiteExpectation.allCases.map(\.rawValue).joined(separator: ", ")))"
            )
        }
        let frames: [SuiteTest.Frame]
        if expectation.kind == .minimumFunctionality {
            guard !object.has("pairs") else {
                throw bad(
                    object.location,
                    "\"\(expectText)\" judges single texts: give \"templates\", not \"pairs\"")
            }
            frames = try templates(object).map { SuiteTest.Frame(base: $0) }
        } else {
            guard !object.has("templates") else {
                throw bad(
                    object.location,
                    "\"\(expectText)\" compares a base with a variant: give \"pairs\" [[base, variant], …], not \"templates\""
                )
            }
            frames = try pairs(object)
        }
        let tolerance = try probabilityDifference(
            "tolerance", of: object, for: [.notLower, .notHigher], expectation: expectation)
        let margin = try probabilityDifference(
            "margin", of: object, for: [.higher, .lower], expectation: expectation)
        return SuiteTest(
            name: name, capability: try object.string("capability"), language: try object.string("language"),
            split: try split(object), expectation: expectation, frames: frames,
            maxCases: try object.integer("max_cases", in: 1...100_000) ?? SuiteTest.defaultMaxCases,
            seed: UInt64(try object.integer("seed", in: 0...Int.max) ?? 1), tolerance: tolerance,
            margin: margin, location: object.location)
    }

    /// The optional `"tolerance"` or `"margin"` of a directional test, a number in [0, 1).
    private func probabilityDifference(
        _ key: String, of object: Members, for expectations: [SuiteExpectation], expectation: SuiteExpectation
    ) throws -> Float? {
        guard let value = object[key] else { return nil }
        guard expectations.contains(expectation) else {
            throw bad(
                object.location,
                "\"\(key)\" is for \(expectations.map(\.rawValue).joined(separator: " and ")) tests only")
        }
        guard case .number(let text) = value, let number = Float(text), number >= 0, number < 1 else {
            throw bad(object.location, "\"\(key)\" must be a number in [0, 1)")
        }
        return number
    }

    private func templates(_ object: Members) throws -> [SuiteTemplate] {
        guard case .array(let elements)? = object["templates"], !elements.isEmpty else {
            throw bad(object.location, "\"templates\" must be a non-empty array of strings")
        }
        return try elements.map { element in
            guard case .string(let source) = element, !source.isEmpty else {
                throw bad(object.location, "\"templates\" must be a non-empty array of strings")
            }
            return try template(source, object.location)
        }
    }

    private func pairs(_ object: Members) throws -> [SuiteTest.Frame] {
        let message = "\"pairs\" must be a non-empty array of [base, variant] arrays of two strings"
        guard case .array(let elements)? = object["pairs"], !elements.isEmpty else {
            throw bad(object.location, message)
        }
        return try elements.map { element in
            guard case .array(let pair) = element, pair.count == 2, case .string(let base) = pair[0],
                case .string(let variant) = pair[1], !base.isEmpty, !variant.isEmpty
            else { throw bad(object.location, message) }
            guard base != variant else {
                throw bad(object.location, "the pair [\"\(base)\", …] has the same base and variant")
            }
            return SuiteTest.Frame(
                base: try template(base, object.location), variant: try template(variant, object.location))
        }
    }

    private func template(_ source: String, _ location: SuiteLocation) throws -> SuiteTemplate {
        do {
            return try SuiteTemplate(source)
        } catch let error as SuiteTemplate.SyntaxError {
            throw bad(location, "template \"\(source)\": \(error)")
        }
    }

    private func split(_ object: Members) throws -> SuiteSplit {
        guard object.has("split") else { return .test }
        let text = try object.string("split")
        guard let split = SuiteSplit(rawValue: text) else {
            throw bad(object.location, "unknown split \"\(text)\" (test or augment)")
        }
        return split
    }

    private func mixedWords(_ location: SuiteLocation) -> InputError {
        bad(location, "the words of a lexicon are all strings or all objects")
    }

    static func list<S: Sequence<String>>(_ names: S) -> String {
        names.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
    }
}

/// The error for a bad suite line.
func bad(_ location: SuiteLocation, _ message: String) -> InputError {
    .badLine(file: location.file, line: location.line, message: message)
}

/// The members of a line's JSON object, read with messages that name the line.
private struct Members {
    let members: [(key: String, value: HeaderJSON)]
    let location: SuiteLocation

    subscript(key: String) -> HeaderJSON? { members.first { $0.key == key }?.value }

    func has(_ key: String) -> Bool { self[key] != nil }

    func refuseUnknownKeys(allowed: [String], lineKind: String) throws {
        if let unknown = members.first(where: { !allowed.contains($0.key) }) {
            throw bad(
                location,
                "unknown key \"\(unknown.key)\" (\(lineKind) has \(allowed.map { "\"\($0)\"" }.joined(separator: ", ")))"
            )
        }
    }

    /// A required non-empty string.
    func string(_ key: String) throws -> String {
        guard let value = self[key] else { throw bad(location, "no \"\(key)\"") }
        guard case .string(let text) = value, !text.isEmpty else {
            throw bad(location, "\"\(key)\" must be a non-empty string, found \(value.kindName)")
        }
        return text
    }

    /// An optional whole number in `range`.
    func integer(_ key: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let value = self[key] else { return nil }
        guard let number = value.integer, range.contains(number) else {
            let bounds =
                range.upperBound == Int.max
                ? "of at least \(range.lowerBound)" : "from \(range.lowerBound) to \(range.upperBound)"
            throw bad(location, "\"\(key)\" must be a whole number \(bounds)")
        }
        return number
    }
}
