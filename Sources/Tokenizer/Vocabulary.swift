/// A fixed mapping between tokens and ids. Id 0 is `<pad>` (padding of short sequences in a batch) and
/// id 1 is `<unk>` (every token not in the vocabulary); corpus tokens follow from id 2.
///
/// The special entries are not reachable from text: `id(of: "<pad>")` is `unknownID`, so a corpus that
/// somehow contains the literal token "<pad>" can never produce padding. (The tokenizer cuts the text
/// "<pad>" into "<", "pad", ">" anyway.)
public struct Vocabulary: Sendable, Equatable {
    /// The id that pads short sequences in a batch.
    public static let paddingID: Int32 = 0
    /// The id of every token that is not in the vocabulary.
    public static let unknownID: Int32 = 1
    /// The entry at `paddingID`.
    public static let paddingToken = "<pad>"
    /// The entry at `unknownID`.
    public static let unknownToken = "<unk>"

    /// The tokens in id order, `<pad>` and `<unk>` first.
    public let tokens: [String]
    private let idsByToken: [String: Int32]

    /// Why a token list is not a valid vocabulary.
    public enum ValidationError: Error, Equatable, CustomStringConvertible {
        case missingSpecialTokens
        case duplicate(token: String, id: Int)
        case unusableToken(id: Int)
        case tooLarge(count: Int)

        public var description: String {
            switch self {
            case .missingSpecialTokens:
                return "a vocabulary must start with \"<pad>\" (id 0) and \"<unk>\" (id 1)"
            case .duplicate(let token, let id):
                return "token \"\(token)\" appears twice (again at id \(id))"
            case .unusableToken(let id):
                return "token at id \(id) is empty or contains a tab, newline or carriage return"
            case .tooLarge(let count):
                return "\(count) tokens do not fit 32-bit ids"
            }
        }
    }

    /// A vocabulary with exactly these tokens in this order.
    /// - Throws: `ValidationError` unless `tokens` starts with "<pad>", "<unk>" and every token is unique,
    ///   non-empty and free of tabs and line breaks (so it can be written one per line in a TSV file).
    public init(tokens: [String]) throws {
        guard tokens.count >= 2, tokens[0] == Self.paddingToken, tokens[1] == Self.unknownToken else {
            throw ValidationError.missingSpecialTokens
        }
        guard tokens.count <= Int(Int32.max) else { throw ValidationError.tooLarge(count: tokens.count) }
        var ids: [String: Int32] = [:]
        ids.reserveCapacity(tokens.count)
        for (id, token) in tokens.enumerated() {
            guard Self.isStorable(token) else { throw ValidationError.unusableToken(id: id) }
            guard ids.updateValue(Int32(id), forKey: token) == nil else {
                throw ValidationError.duplicate(token: token, id: id)
            }
        }
        ids[Self.paddingToken] = Self.unknownID
        self.tokens = tokens
        self.idsByToken = ids
    }

    /// A vocabulary from tokens already known to be valid (see `init(tokens:)`).
    init(validatedTokens tokens: [String]) {
        var ids: [String: Int32] = [:]
        ids.reserveCapacity(tokens.count)
        for (id, token) in tokens.enumerated() { ids[token] = Int32(id) }
        ids[Self.paddingToken] = Self.unknownID
        self.tokens = tokens
        self.idsByToken = ids
    }

    /// Whether a token can be part of a vocabulary (non-empty, no tab, newline or carriage return).
    public static func isStorable(_ token: String) -> Bool {
        !token.isEmpty && !token.utf8.contains { $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
    }

    /// Number of entries, `<pad>` and `<unk>` included.
    public var count: Int { tokens.count }

    /// The id of `token`, or `unknownID` when it is not in the vocabulary.
    public func id(of token: String) -> Int32 { idsByToken[token] ?? Self.unknownID }

    /// The ids of `tokens`, in order.
    public func ids(for tokens: [String]) -> [Int32] { tokens.map { id(of: $0) } }

    /// The token with id `id`, or nil when out of range.
    public func token(for id: Int32) -> String? {
        id >= 0 && Int(id) < tokens.count ? tokens[Int(id)] : nil
    }

    public static func == (lhs: Vocabulary, rhs: Vocabulary) -> Bool { lhs.tokens == rhs.tokens }
}

extension Vocabulary {
    /// This vocabulary with `tokens` appended after its own, in order, leaving out those it has and
    /// those that cannot be stored (see `isStorable`), until it holds `maxSize` entries.
    public func extended<S: Sequence>(with tokens: S, maxSize: Int) -> Vocabulary where S.Element == String {
        var all = self.tokens
        var present = Set(all)
        for token in tokens {
            guard all.count < maxSize else { break }
            if Self.isStorable(token), present.insert(token).inserted { all.append(token) }
        }
        return Vocabulary(validatedTokens: all)
    }
}
