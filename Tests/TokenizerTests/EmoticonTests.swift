import Testing

@testable import Tokenizer

@Suite struct EmoticonTests {
    @Test(arguments: [
        ":)", ":-)", ":(", ":-(", ";)", ";-)", ":/", ":'(", "<3", "^_^", "-_-", ":o", ":|", ">:(", "T_T",
    ])
    func emoticonIsOneToken(emoticon: String) throws {
        #expect(try tokens("so good \(emoticon) really") == ["so", "good", emoticon.lowercased(), "really"])
    }

    @Test func letterEmoticonsAreRecognisedBeforeFoldingAndThenFolded() throws {
        #expect(try tokens(":D :-D :P xD XD") == [":d", ":-d", ":p", "xd", "xd"])
        let keep = TokenizerSettings(keepCase: true)
        #expect(try tokens(":D :-D :P xD XD", keep) == [":D", ":-D", ":P", "xD", "XD"])
    }

    @Test func emoticonsAttachedToWords() throws {
        #expect(try tokens("great:) awful:(") == ["great", ":)", "awful", ":("])
        #expect(try tokens("(nice :))") == ["(", "nice", ":)", ")"])
        // ICU keeps "great:D" together (":" joins letters); the emoticon still comes apart.
        #expect(try tokens("great:D") == ["great", ":d"])
        #expect(try tokens("so;)") == ["so", ";)"])
    }

    @Test func repeatedMouthsKeepTheEmoticonFirst() throws {
        #expect(try tokens(":)))") == [":)", ")", ")"])
    }

    @Test func fullWidthEmoticonIsNormalisedFirst() throws {
        #expect(try tokens("ｙｅｓ：）") == ["yes", ":)"])
    }

    @Test func urlsAndPathsAreNotEmoticons() throws {
        #expect(try tokens("http://x.com") == ["http", ":", "/", "/", "x.com"])
        #expect(try tokens("a:/b") == ["a", ":", "/", "b"])
        #expect(try tokens("C:/Users") == ["c", ":", "/", "users"])
    }

    @Test func emoticonsNeedBoundaries() throws {
        #expect(try tokens(":Dude") == [":", "dude"])
        #expect(try tokens("<30 items") == ["<", "30", "items"])
        #expect(try tokens("x=D") == ["x", "=", "d"])
        #expect(try tokens("1<3") == ["1", "<", "3"])
        #expect(try tokens("boxD") == ["boxd"])
        #expect(try tokens("10:30") == ["10", ":", "30"])
        #expect(try tokens("a-_-b") == ["a", "-", "_", "-", "b"])
    }

    @Test func emoticonsCanBeTurnedOff() throws {
        let settings = TokenizerSettings(recognizesEmoticons: false)
        #expect(try tokens("nice :)", settings) == ["nice", ":", ")"])
    }
}
