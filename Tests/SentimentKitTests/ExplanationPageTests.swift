import Foundation
import SentimentKit
import Testing

/// The HTML page of `sentiment explain --html`.
@Suite struct ExplanationPageTests {
    static func explanation(tokens: [String], attributions: [Float], cut: Int? = nil) -> Explanation {
        Explanation(
            method: .integratedGradients(steps: 50), tokens: tokens, attributions: attributions, logit: 1.25,
            baselineLogit: 0.5, cutPosition: cut, cutTokenCount: cut == nil ? 0 : 7,
            cutAttribution: cut == nil ? 0 : -0.125)
    }

    static func page(_ entries: [Explanation]) -> String {
        ExplanationPage.header(title: "a <title>", description: "file & model")
            + entries.enumerated().map { ExplanationPage.entry($1, number: $0 + 1, label: "positive") }
            .joined()
            + ExplanationPage.footer()
    }

    @Test func everyTokenIsColouredWithItsValueAndEscaped() throws {
        let html = Self.page([
            Self.explanation(tokens: ["<b>", "&", "great", "\"quoted\""], attributions: [-1, 0, 2, 0.5])
        ])
        #expect(html.contains("data-value=\"&lt;b&gt;: -1.0000\">&lt;b&gt;</span>"))
        #expect(html.contains("data-value=\"&amp;: +0.0000\">&amp;</span>"))
        #expect(html.contains("data-value=\"&quot;quoted&quot;: +0.5000\">&quot;quoted&quot;</span>"))
        #expect(!html.contains("<b>"))
        // The strongest token is at full intensity, a zero one transparent, red for negative.
        #expect(html.contains("rgba(26, 152, 80, 0.850)\" data-value=\"great: +2.0000\""))
        #expect(html.contains("rgba(215, 48, 39, 0.425)\" data-value=\"&lt;b&gt;: -1.0000\""))
        #expect(html.contains("rgba(26, 152, 80, 0.000)\" data-value=\"&amp;: +0.0000\""))
        #expect(html.contains("0.7773 positive"))  // σ(1.25)
        #expect(html.contains("<title>a &lt;title&gt;</title>") && html.contains("file &amp; model"))
    }

    @Test func thePageIsSelfContained() {
        let html = Self.page([
            Self.explanation(tokens: ["good"], attributions: [1]),
            Self.explanation(tokens: ["a", "b", "c"], attributions: [1, -1, 0], cut: 1),
            Self.explanation(tokens: [], attributions: []),
        ])
        for external in ["http:", "https:", "//", "src=", "href=", "url(", "@import", "<script", "<link"] {
            #expect(!html.contains(external), "the page refers to \(external)")
        }
        #expect(html.components(separatedBy: "<div class=\"entry\"").count == 4)
        #expect(html.contains("… 7 tokens cut (n-grams -0.1250) …"))
        #expect(html.contains("(no tokens)"))
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.hasSuffix("</html>\n"))
    }
}
