/// A sentence template of a behavioural suite: literal text with placeholders that lexicons fill.
///
/// Syntax: `{name}` is a word of lexicon `name`; `{name:2}` a second word of the same lexicon, different
/// from the first (`{name:3}` a third, …); `{name.field}` a field of a lexicon whose words are records
/// (`{name:2.field}` of its second draw); `{{` and `}}` are literal braces. Names and fields are made
/// of letters, digits, `_` and `-`.
public struct SuiteTemplate: Sendable, Equatable {
    /// One slot of a template: which lexicon, which of its draws, and which field of a record word.
    public struct Placeholder: Sendable, Hashable {
        public var lexicon: String
        /// 1 for `{name}`, 2 for `{name:2}`: different draws of one lexicon get different words.
        public var draw: Int
        public var field: String?

        public init(lexicon: String, draw: Int = 1, field: String? = nil) {
            self.lexicon = lexicon
            self.draw = draw
            self.field = field
        }

        /// As written in a template.
        public var written: String {
            "{" + lexicon + (draw == 1 ? "" : ":\(draw)") + (field.map { "." + $0 } ?? "") + "}"
        }
    }

    /// A piece of a template.
    public enum Part: Sendable, Equatable {
        case text(String)
        case placeholder(Placeholder)
    }

    /// The template as written.
    public let source: String
    /// Its literal text and placeholders, in order.
    public let parts: [Part]

    /// Parses `source`; throws a `SuiteTemplate.SyntaxError` saying what is wrong.
    public init(_ source: String) throws {
        self.source = source
        var parts: [Part] = []
        var literal = ""
        var index = source.startIndex
        while index < source.endIndex {
            let character = source[index]
            let next = source.index(after: index)
            if character == "}" {
                guard next < source.endIndex, source[next] == "}" else {
                    throw SyntaxError("a \"}\" without its \"{\" (write \"}}\" for a literal brace)")
                }
                literal.append("}")
                index = source.index(after: next)
            } else if character == "{" {
                if next < source.endIndex, source[next] == "{" {
                    literal.append("{")
                    index = source.index(after: next)
                    continue
                }
                guard let close = source[next...].firstIndex(of: "}") else {
                    throw SyntaxError("a \"{\" without its \"}\" (write \"{{\" for a literal brace)")
                }
                if !literal.isEmpty { parts.append(.text(literal)) }
                literal = ""
                parts.append(.placeholder(try Self.placeholder(String(source[next..<close]))))
                index = source.index(after: close)
            } else {
                literal.append(character)
                index = next
            }
        }
        if !literal.isEmpty { parts.append(.text(literal)) }
        self.parts = parts
    }

    /// The placeholders in order of first appearance, each once.
    public var placeholders: [Placeholder] {
        var seen = Set<Placeholder>()
        return parts.compactMap {
            guard case .placeholder(let placeholder) = $0, seen.insert(placeholder).inserted else {
                return nil
            }
            return placeholder
        }
    }

    /// The text with every placeholder replaced by `value(placeholder)`.
    public func render(_ value: (Placeholder) -> String) -> String {
        parts.reduce(into: "") { text, part in
            switch part {
            case .text(let literal): text += literal
            case .placeholder(let placeholder): text += value(placeholder)
            }
        }
    }

    /// `name`, `name:2`, `name.field` or `name:2.field`.
    private static func placeholder(_ inside: String) throws -> Placeholder {
        var rest = Substring(inside)
        var field: String?
        if let dot = rest.firstIndex(of: ".") {
            field = String(rest[rest.index(after: dot)...])
            rest = rest[..<dot]
        }
        var draw = 1
        if let colon = rest.firstIndex(of: ":") {
            let number = rest[rest.index(after: colon)...]
            guard let value = Int(number), value >= 1, value <= 9 else {
                throw SyntaxError("{\(inside)}: the draw after \":\" must be a number from 1 to 9")
            }
            draw = value
            rest = rest[..<colon]
        }
        let name = String(rest)
        guard isName(name) else {
            throw SyntaxError(
                "{\(inside)}: a placeholder is {lexicon}, {lexicon:2}, {lexicon.field} or {lexicon:2.field}, "
                    + "names made of letters, digits, \"_\" and \"-\"")
        }
        if let field, !isName(field) {
            throw SyntaxError(
                "{\(inside)}: the field after \".\" must be made of letters, digits, \"_\" and \"-\"")
        }
        return Placeholder(lexicon: name, draw: draw, field: field)
    }

    /// Whether `text` is a lexicon or field name.
    static func isName(_ text: String) -> Bool {
        !text.isEmpty
            && text.unicodeScalars.allSatisfy {
                ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0) || $0 == "_"
                    || $0 == "-"
            }
    }

    /// Why a template cannot be read.
    public struct SyntaxError: Error, Equatable, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }
}
