import Testing

@testable import SentimentKit

@Suite struct LabelParserTests {
    @Test(arguments: ["0", "neg", "NEG", "negative", "Negative", "false", "FALSE", " 0 ", "\tneg"])
    func negativeSpellings(text: String) { #expect(LabelParser.parse(text) == 0) }

    @Test(arguments: ["1", "pos", "Pos", "positive", "POSITIVE", "true", "True", "  1", "pos\r", "pos\r\n"])
    func positiveSpellings(text: String) { #expect(LabelParser.parse(text) == 1) }

    @Test(arguments: ["", "maybe", "2", "-1", "0.5", "yes", "posi tive", "01"])
    func otherTextIsNotALabel(text: String) { #expect(LabelParser.parse(text) == nil) }

    @Test func invalidBytesAreNotALabel() {
        #expect(LabelParser.parse(bytes: [0xFF, 0x30][...]) == nil)
        #expect(LabelParser.parse(bytes: Array("pos".utf8)[...]) == 1)
    }

    @Test func message() {
        #expect(
            LabelParser.message(for: " maybe ")
                == #"label "maybe" is not one of 0/1, neg/pos, negative/positive, false/true"#)
    }
}
