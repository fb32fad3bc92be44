import Foundation
import Testing

@testable import Tokenizer

@Suite struct TokenizerSettingsTests {
    @Test func defaults() {
        let settings = TokenizerSettings()
        #expect(settings.locale == "root")
        #expect(!settings.keepCase)
        #expect(settings.recognizesEmoticons)
    }

    @Test func roundTripsThroughJSON() throws {
        let settings = TokenizerSettings(locale: "th", keepCase: true, recognizesEmoticons: false)
        let data = try JSONEncoder().encode(settings)
        #expect(try JSONDecoder().decode(TokenizerSettings.self, from: data) == settings)
    }

    @Test func absentKeysTakeDefaults() throws {
        let decoded = try JSONDecoder().decode(TokenizerSettings.self, from: Data("{}".utf8))
        #expect(decoded == TokenizerSettings())
        let partial = try JSONDecoder().decode(
            TokenizerSettings.self, from: Data(#"{"keep_case":true}"#.utf8))
        #expect(partial == TokenizerSettings(keepCase: true))
    }

    @Test func wrongTypesAreRejected() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(TokenizerSettings.self, from: Data(#"{"keep_case":"yes"}"#.utf8))
        }
    }

    @Test func tokenizerKeepsItsSettings() throws {
        let settings = TokenizerSettings(locale: "ja", keepCase: true)
        #expect(try Tokenizer(settings: settings).settings == settings)
    }
}
