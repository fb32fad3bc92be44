import Foundation

/// A self-contained HTML page of explanations (`sentiment explain --html`): every text's tokens coloured
/// by attribution (`AttributionColor`), each token's value shown when the pointer rests on it, the
/// probability and label after each text. No scripts and no external resources: styles are inline, so
/// the file opens the same anywhere, offline.
///
/// Built in three parts so that a long input streams through: `header`, one `entry` per text, `footer`.
public enum ExplanationPage {
    /// The page's start: styles, title and a legend. `description` (plain text) says what was explained.
    public static func header(title: String, description: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <style>
        body { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: #222;
               margin: 2em auto; max-width: 62em; padding: 0 1em; }
        h1 { font-size: 1.4em; margin-bottom: .2em; }
        .about { color: #555; font-size: .9em; margin-top: 0; }
        .legend { display: inline-block; width: 14em; height: .9em; vertical-align: middle; border-radius: 3px;
                  background: linear-gradient(to right, \(css(AttributionColor.negative)), #ffffff,
                  \(css(AttributionColor.positive))); border: 1px solid #ccc; }
        .entry { line-height: 2.2; padding: .35em .2em; border-bottom: 1px solid #eee; }
        .number { color: #999; font-size: .8em; display: inline-block; min-width: 2.5em; }
        .token { position: relative; padding: .15em .12em; border-radius: 3px; white-space: pre; }
        .token:hover { outline: 1px solid #444; }
        .token:hover::after { content: attr(data-value); position: absolute; left: 0; bottom: 1.9em;
                              background: #222; color: #fff; font-size: .8em; line-height: 1.5;
                              padding: 0 .45em; border-radius: 3px; white-space: nowrap; z-index: 1; }
        .cut { color: #888; font-style: italic; }
        .empty { color: #999; font-style: italic; }
        .score { font-size: .85em; margin-left: .8em; white-space: nowrap; }
        .positive { color: \(css(AttributionColor.positive)); font-weight: 600; }
        .negative { color: \(css(AttributionColor.negative)); font-weight: 600; }
        </style>
        </head>
        <body>
        <h1>\(escape(title))</h1>
        <p class="about">\(escape(description))</p>
        <p class="about">pushes negative <span class="legend"></span> pushes positive
        (per text, against its strongest token; rest the pointer on a token for its value in logit units)</p>

        """
    }

    /// One text: `number` (its line), its coloured tokens and its probability and `label`.
    public static func entry(_ explanation: Explanation, number: Int, label: String) -> String {
        var html = "<div class=\"entry\" id=\"line-\(number)\"><span class=\"number\">\(number)</span>"
        let scale = AttributionColor.scale(of: explanation.attributions)
        if explanation.tokens.isEmpty { html += "<span class=\"empty\">(no tokens)</span>" }
        for (index, (token, attribution)) in zip(explanation.tokens, explanation.attributions).enumerated() {
            if index == explanation.cutPosition { html += cutMarker(explanation) }
            let alpha = AttributionColor.intensity(attribution, scale: scale) * 0.85
            let color = attribution < 0 ? AttributionColor.negative : AttributionColor.positive
            html += "<span class=\"token\" style=\"background: rgba(\(color.red), \(color.green), "
            html += "\(color.blue), \(String(format: "%.3f", alpha)))\" "
            html += "data-value=\"\(escape(token)): \(signed(attribution))\">\(escape(token))</span> "
        }
        if explanation.cutPosition == explanation.tokens.count { html += cutMarker(explanation) }
        html += "<span class=\"score\"><span class=\"\(label == "positive" ? "positive" : "negative")\">"
        html += "\(String(format: "%.4f", explanation.probability)) \(escape(label))</span> · logit "
        html +=
            "\(String(format: "%.3f", explanation.logit)), baseline \(String(format: "%.3f", explanation.baselineLogit))"
        html += "</span></div>\n"
        return html
    }

    /// The page's end.
    public static func footer() -> String { "</body>\n</html>\n" }

    private static func cutMarker(_ explanation: Explanation) -> String {
        var text = "… \(explanation.cutTokenCount) tokens cut"
        if let share = explanation.cutAttribution { text += " (n-grams \(signed(share)))" }
        return "<span class=\"cut\">\(escape(text)) …</span> "
    }

    private static func signed(_ value: Float) -> String { String(format: "%+.4f", value) }

    private static func css(_ color: AttributionColor.RGB) -> String {
        "rgb(\(color.red), \(color.green), \(color.blue))"
    }

    /// `text` with the characters HTML gives a meaning escaped.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }
}
