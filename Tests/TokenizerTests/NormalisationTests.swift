import Testing

@testable import Tokenizer

@Suite struct NormalisationTests {
    @Test func caseIsFoldedByDefault() throws {
        #expect(try tokens("Great MOVIE, GrEaT movie") == ["great", "movie", ",", "great", "movie"])
    }

    @Test func keepCaseSkipsFolding() throws {
        let settings = TokenizerSettings(keepCase: true)
        #expect(try tokens("Great MOVIE Straße", settings) == ["Great", "MOVIE", "Straße"])
    }

    @Test func fullWidthLatinBecomesASCII() throws {
        #expect(try tokens("ＧＯＯＤ　ｆｉｌｍ！１２３") == ["good", "film", "!", "123"])
    }

    @Test func sharpSFoldsToSS() throws {
        #expect(try tokens("Straße STRASSE ẞ") == ["strasse", "strasse", "ss"])
    }

    @Test func nonLatinCaseFolding() throws {
        #expect(try tokens("ΣΟΦΙΑ Привет") == ["σοφια", "привет"])
    }

    @Test func compatibilityCharactersAreNormalised() throws {
        // NFKC: ligature, superscript, composed and decomposed accents.
        #expect(try tokens("ﬁne x² café cafe\u{301}") == ["fine", "x2", "café", "café"])
    }

    @Test(arguments: ["didn’t", "didn't", "didnʼt", "didn＇t", "DIDN’T"])
    func apostrophesAllGiveTheSameToken(spelling: String) throws {
        #expect(try tokens("I \(spelling) like it") == ["i", "didn't", "like", "it"])
    }

    @Test func emptyAndWhitespaceOnlyTextHaveNoTokens() throws {
        #expect(try tokens("").isEmpty)
        #expect(try tokens(" \t\r\n \u{00A0}\u{3000}\u{2028}").isEmpty)
        #expect(try tokens("\u{FEFF}").isEmpty)
    }

    @Test func whiteSpaceOfAllKindsSeparatesTokens() throws {
        #expect(try tokens("a\tb\u{00A0}c\u{3000}d\u{2003}e\r\nf") == ["a", "b", "c", "d", "e", "f"])
    }
}
