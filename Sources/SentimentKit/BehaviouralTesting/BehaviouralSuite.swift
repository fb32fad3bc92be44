import Foundation

/// A behavioural test suite (CheckList, Ribeiro et al. 2020): lexicons of words, and tests whose cases
/// are generated from templates filled with those words. Read from JSON Lines suite files
/// (docs/check.md); `BehaviouralSuite.builtin()` is the suite compiled into the library.
///
/// Reading a file adds its lexicons and tests: a lexicon line whose name, language and split exist
/// already adds its words to that lexicon (so a suite file extends the built-in lexicons with a
/// domain's words), a test line adds a test. Everything is checked as it is read, with `FILE:LINE`
/// errors: templates, placeholders (each must name a lexicon of the test's language and split), and
/// the split — within a language, no word or template string may be in both halves.
public struct BehaviouralSuite: Sendable {
    /// Every lexicon, by name, language and split.
    public private(set) var lexicons: [SuiteLexicon.Key: SuiteLexicon] = [:]
    /// Every test, in the order read.
    public private(set) var tests: [SuiteTest] = []
    /// Per language, the half each lexicon string and template was first given in, and where.
    private var origins: [String: [String: (split: SuiteSplit, location: SuiteLocation)]] = [:]

    /// An empty suite.
    public init() {}

    /// Adds the lexicons and tests of `text`, a suite file's contents; `file` names it in errors. The
    /// suite is unchanged when it throws. A test may use the lexicons of this text and of those read
    /// before it.
    public mutating func read(jsonLines text: String, file: String) throws {
        let lines = try SuiteFileParser(file: file).parse(text)
        var suite = self
        for case .lexicon(let key, let fields, let words, let location) in lines {
            try suite.add(words, to: key, fields: fields, at: location)
        }
        for case .test(let test) in lines {
            try suite.add(test)
        }
        self = suite
    }

    /// Adds the suite file at `path` (UTF-8 JSON Lines); errors name `path`.
    public mutating func read(contentsOf path: String) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw InputError.cannotOpen(file: path, reason: (error as NSError).localizedDescription)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw InputError.badFile(file: path, message: "not UTF-8 text (a suite file is UTF-8 JSON Lines)")
        }
        try read(jsonLines: text, file: path)
    }

    /// The tests of one half, in the order read.
    public func tests(in split: SuiteSplit) -> [SuiteTest] { tests.filter { $0.split == split } }

    /// The languages of the tests of `split`, sorted.
    public func languages(in split: SuiteSplit = .test) -> [String] {
        Set(tests(in: split).map(\.language)).sorted()
    }

    /// The words a placeholder of `test` draws from.
    public func words(for lexicon: String, of test: SuiteTest) -> [LexiconWord] {
        lexicons[SuiteLexicon.Key(name: lexicon, language: test.language, split: test.split)]?.words ?? []
    }

    private mutating func add(
        _ words: [LexiconWord], to key: SuiteLexicon.Key, fields: Set<String>?, at location: SuiteLocation
    ) throws {
        var lexicon = lexicons[key] ?? SuiteLexicon(key: key, fields: fields)
        guard lexicon.fields == fields else {
            let have =
                lexicon.fields.map { "records with the fields \(SuiteFileParser.list($0))" }
                ?? "plain strings"
            throw bad(
                location,
                "lexicon \"\(key.name)\" (\(key.language), \(key.split.rawValue)) has words that are \(have); these words must be too"
            )
        }
        for word in words {
            for string in word.strings {
                try claim(string, what: "word", language: key.language, split: key.split, at: location)
            }
            lexicon.append(word)
        }
        lexicons[key] = lexicon
    }

    private mutating func add(_ test: SuiteTest) throws {
        if let other = tests.first(where: {
            $0.name == test.name && $0.language == test.language && $0.split == test.split
        }) {
            throw bad(
                test.location,
                "test \"\(test.name)\" (\(test.language), \(test.split.rawValue)) is already defined at \(other.location)"
            )
        }
        for frame in test.frames {
            for template in frame.templates {
                try claim(
                    template.source, what: "template", language: test.language, split: test.split,
                    at: test.location)
            }
            try check(frame, of: test)
        }
        tests.append(test)
    }

    /// Records that `string` belongs to `split`; throws when the other half has it.
    private mutating func claim(
        _ string: String, what: String, language: String, split: SuiteSplit, at location: SuiteLocation
    ) throws {
        if let origin = origins[language]?[string] {
            guard origin.split == split else {
                throw bad(
                    location,
                    "\(what) \"\(string)\" is in the \(split.rawValue) half here and in the \(origin.split.rawValue) "
                        + "half at \(origin.location): the two halves of a suite share no \(what) (docs/check.md)"
                )
            }
            return
        }
        origins[language, default: [:]][string] = (split, location)
    }

    /// Checks that every placeholder of `frame` names a lexicon of the test's language and half, with the
    /// field it asks for and enough words for its draws.
    private func check(_ frame: SuiteTest.Frame, of test: SuiteTest) throws {
        let location = test.location
        var draws: [String: Int] = [:]
        for placeholder in frame.placeholders {
            let written = placeholder.written
            let key = SuiteLexicon.Key(name: placeholder.lexicon, language: test.language, split: test.split)
            guard let lexicon = lexicons[key] else {
                var other = key
                other.split = test.split == .test ? .augment : .test
                let known = lexicons.keys.filter { $0.language == test.language && $0.split == test.split }
                    .map(\.name).sorted()
                let hint =
                    lexicons[other] != nil
                    ? "it is in the \(other.split.rawValue) half, and a test draws from its own half only"
                    : known.isEmpty
                        ? "no lexicon of that language and half is defined"
                        : "the lexicons there: \(known.joined(separator: ", "))"
                throw bad(
                    location,
                    "unknown placeholder \(written): no \(test.language) lexicon \"\(placeholder.lexicon)\" in the "
                        + "\(test.split.rawValue) half (\(hint))")
            }
            switch (lexicon.fields, placeholder.field) {
            case (nil, nil): break
            case (nil, let field?):
                throw bad(
                    location,
                    "placeholder \(written): lexicon \"\(placeholder.lexicon)\" has plain words, no field \"\(field)\""
                )
            case (let fields?, nil):
                throw bad(
                    location,
                    "placeholder \(written): the words of lexicon \"\(placeholder.lexicon)\" are records; name a field "
                        + "({\(placeholder.lexicon).FIELD}, FIELD one of \(SuiteFileParser.list(fields)))")
            case (let fields?, let field?):
                guard fields.contains(field) else {
                    throw bad(
                        location,
                        "placeholder \(written): lexicon \"\(placeholder.lexicon)\" has no field \"\(field)\" (it has "
                            + "\(SuiteFileParser.list(fields)))")
                }
            }
            draws[placeholder.lexicon] = max(draws[placeholder.lexicon] ?? 0, placeholder.draw)
        }
        for (name, count) in draws.sorted(by: { $0.key < $1.key }) {
            let available = words(for: name, of: test).count
            guard count <= available else {
                throw bad(
                    location,
                    "a template draws \(count) different words from lexicon \"\(name)\", which has \(available) in "
                        + "the \(test.split.rawValue) half")
            }
        }
    }
}
