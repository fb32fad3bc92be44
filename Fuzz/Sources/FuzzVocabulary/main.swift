import CFuzzDriver
import Foundation
import Tokenizer

/// Vocabulary files: the `token<TAB>count` table `sentiment vocab` writes and the JSON array a model
/// file holds. Either the bytes are refused with an error, or the vocabulary read is well formed: it
/// starts with <pad> and <unk>, its tokens are unique and each maps back to its own id.
func fuzzVocabulary(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let text = String(decoding: bytes, as: UTF8.self)
    if let vocabulary = try? Vocabulary(table: text, name: "fuzz.tsv") {
        check(vocabulary)
        // What was read writes back to an equal table.
        let table = vocabulary.tokens.map { "\($0)\t1\n" }.joined()
        precondition((try? Vocabulary(table: table)) == vocabulary, "a table does not read back")
    }
    if let vocabulary = try? JSONDecoder().decode(Vocabulary.self, from: Data(bytes)) {
        check(vocabulary)
    }
    return 0
}

private func check(_ vocabulary: Vocabulary) {
    precondition(vocabulary.count >= 2, "fewer than two tokens")
    precondition(vocabulary.tokens[0] == Vocabulary.paddingToken, "<pad> is not id 0")
    precondition(vocabulary.tokens[1] == Vocabulary.unknownToken, "<unk> is not id 1")
    precondition(Set(vocabulary.tokens).count == vocabulary.count, "duplicate tokens")
    for (id, token) in vocabulary.tokens.enumerated().dropFirst(2) {
        precondition(vocabulary.id(of: token) == Int32(id), "token \(id) does not map back")
    }
}

var argumentCount = CommandLine.argc
var argumentValues = Optional(CommandLine.unsafeArgv)
exit(LLVMFuzzerRunDriver(&argumentCount, &argumentValues) { fuzzVocabulary($0, $1) })
