import Foundation
import Testing

@testable import Tokenizer

@Suite struct VocabularyFileTests {
    @Test func jsonRoundTrip() throws {
        let vocabulary = try Vocabulary(tokens: ["<pad>", "<unk>", "good", "酒店", "👍🏽"])
        let data = try JSONEncoder().encode(vocabulary)
        #expect(String(decoding: data, as: UTF8.self).hasPrefix("[\"<pad>\",\"<unk>\""))
        #expect(try JSONDecoder().decode(Vocabulary.self, from: data) == vocabulary)
    }

    @Test func invalidJSONVocabularyIsRejected() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Vocabulary.self, from: Data(#"["<pad>", "<unk>", "a", "a"]"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Vocabulary.self, from: Data(#"["a"]"#.utf8))
        }
    }

    @Test func tableRoundTrip() throws {
        let table = "<pad>\t0\n<unk>\t12\nthe\t40\n酒店\t3\n"
        let vocabulary = try Vocabulary(table: table)
        #expect(vocabulary.tokens == ["<pad>", "<unk>", "the", "酒店"])
        #expect(try Vocabulary(table: table.replacingOccurrences(of: "\n", with: "\r\n")) == vocabulary)
    }

    @Test func tableErrorsNameTheLine() {
        #expect(throws: Vocabulary.TableError(line: 3, message: "expected token<TAB>count")) {
            try Vocabulary(table: "<pad>\t0\n<unk>\t0\nbroken\n")
        }
        #expect(throws: Vocabulary.TableError(line: 4, message: "token \"a\" already appears on line 3")) {
            try Vocabulary(table: "<pad>\t0\n<unk>\t0\na\t2\na\t1\n")
        }
        #expect(throws: Vocabulary.TableError(line: 1, message: "the table must start with <pad> and <unk>"))
        {
            try Vocabulary(table: "a\t1\n")
        }
        let named = #expect(throws: Vocabulary.TableError.self) {
            try Vocabulary(table: "<pad>\t0\n<unk>\t0\nbroken\n", name: "vocab.tsv")
        }
        #expect(named?.description == "vocab.tsv:3: expected token<TAB>count")
    }
}
