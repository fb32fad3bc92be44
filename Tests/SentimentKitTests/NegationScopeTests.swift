import SentimentKit
import Testing
import Tokenizer

/// `NegationScope`: which tokens a negation cue reaches.
@Suite struct NegationScopeTests {
    /// The tokens `sentiment tokenize` gives for `text`, with the marked ones in brackets.
    static func marked(_ text: String, rule: NegationScope = .current) throws -> String {
        let tokens = try Tokenizer().tokens(in: text)
        return zip(tokens, rule.marks(tokens)).map { $1 ? "[\($0)]" : $0 }.joined(
            separator: " ")
    }

    @Test func aCueMarksTheWordsAfterItUpToPunctuation() throws {
        #expect(try Self.marked("The soup was not warm.") == "the soup was not [warm] .")
        #expect(try Self.marked("Never again, it was awful") == "never [again] , it was awful")
        #expect(try Self.marked("Nobody liked it; we left") == "nobody [liked] [it] ; we left")
        #expect(try Self.marked("I didn’t enjoy the ending") == "i didn't [enjoy] [the] [ending]")
        #expect(try Self.marked("it isnt worth it") == "it isnt [worth] [it]")
        #expect(try Self.marked("Without any fuss") == "without [any] [fuss]")
        #expect(try Self.marked("no-one came") == "no [-] [one] [came]")
        #expect(try Self.marked("not fun :( at all") == "not [fun] :( at all")
    }

    @Test func aContrastWordEndsTheScope() throws {
        #expect(try Self.marked("not cheap but solid") == "not [cheap] but solid")
        #expect(try Self.marked("wasn't fast however it works") == "wasn't [fast] however it works")
    }

    @Test func aSecondCueClosesTheScope() throws {
        #expect(try Self.marked("I can't say I didn't like it") == "i can't [say] [i] didn't like it")
    }

    @Test func pseudoNegationsOpenNoScope() throws {
        #expect(try Self.marked("not only tasty") == "not only tasty")
        #expect(try Self.marked("no doubt the best") == "no doubt the best")
        #expect(try Self.marked("not just cheap") == "not just cheap")
        #expect(try Self.marked("no good") == "no [good]")
    }

    @Test func capitalsAreFolded() {
        let tokens = ["The", "Staff", "Were", "NOT", "Friendly"]
        #expect(NegationScope.current.marks(tokens) == [false, false, false, false, true])
    }

    @Test func chineseCuesOfVersion1AreTheSegmentersTokens() throws {
        #expect(try Self.marked("这个菜不难吃", rule: .version1) == "这个 菜 不 [难] [吃]")
        #expect(try Self.marked("我不喜欢这个", rule: .version1) == "我不 [喜欢] [这个]")
        #expect(try Self.marked("没有让我失望。很好", rule: .version1) == "没有 [让] [我] [失望] 。 很好")
        #expect(try Self.marked("一点都不好看", rule: .version1) == "一点 都不 [好看]")
        #expect(NegationScope.version1.marks(["不", "贵", "可是", "难吃"]) == [false, true, false, false])
        // Lexicalised words and look-alikes open no scope.
        #expect(try Self.marked("不错", rule: .version1) == "不错")
        #expect(try Self.marked("特别好吃", rule: .version1) == "特别 好吃")
        #expect(try Self.marked("不得不说很好", rule: .version1) == "不得不 说 很好")
    }

    @Test func version2MarksEnglishAsVersion1AndLeavesChineseUnmarked() throws {
        #expect(NegationScope.current == .version2)
        for text in ["The soup was not warm.", "I can't say I didn't enjoy it", "no doubt, not only good", "不是很好"] {
            let tokens = try Tokenizer().tokens(in: text)
            let english = tokens.map { !$0.unicodeScalars.contains { $0.value >= 0x3400 } }
            let expected = zip(NegationScope.version1.marks(tokens), english).map { $0 && $1 }
            #expect(NegationScope.version2.marks(tokens) == expected, "\(text)")
        }
        #expect(try Self.marked("这个菜不难吃") == "这个 菜 不 难 吃")
        #expect(try Self.marked("我不喜欢这个，but not this") == "我不 喜欢 这个 , but not [this]")
    }

    @Test func otherLanguagesAreNotMarked() throws {
        #expect(try Self.marked("Das Essen war nicht gut") == "das essen war nicht gut")
        #expect(NegationScope.current.marks([]) == [])
    }

    @Test func markingAddsTheVocabularySize() {
        let tokens = ["not", "good", ".", "fine"]
        #expect(NegationScope.current.mark([4, 7, 2, 9], tokens: tokens, vocabularySize: 100) == [4, 107, 2, 9])
    }
}
