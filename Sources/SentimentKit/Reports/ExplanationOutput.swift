import Foundation

/// How `sentiment explain` writes each explanation.
public enum ExplainOutputFormat: String, CaseIterable, Sendable {
    /// Tokens coloured with 24-bit ANSI colours, then the probability and label (for a terminal).
    case color
    /// `[id<TAB>]probability<TAB>label<TAB>token:attribution<TAB>…`.
    case tsv
    /// The explanation's JSON object per line.
    case jsonl
}

/// The output lines of `sentiment explain`.
public enum ExplanationOutput {
    /// One explanation as one line (with its newline) in `format`, led by the line's `id` when it has
    /// one (`--id-column`).
    public static func line(
        _ explanation: Explanation, label: SentimentLabel, format: ExplainOutputFormat, id: String? = nil
    )
        -> String
    {
        switch format {
        case .tsv: tsv(explanation, label: label, id: id)
        case .jsonl: jsonl(explanation, id: id)
        case .color: (id.map { "\u{1B}[2m\($0)\u{1B}[0m\t" } ?? "") + colored(explanation, label: label)
        }
    }

    /// `[id<TAB>]probability<TAB>label<TAB>token:attribution<TAB>…`.
    public static func tsv(_ explanation: Explanation, label: SentimentLabel, id: String? = nil) -> String {
        var fields = (id.map { [$0] } ?? []) + ["\(explanation.probability)", label.rawValue]
        for (token, attribution) in zip(explanation.tokens, explanation.attributions) {
            fields.append("\(token):\(attribution)")
        }
        return fields.joined(separator: "\t") + "\n"
    }

    /// The explanation's JSON object on one line, with an `"id"` first when one is given.
    public static func jsonl(_ explanation: Explanation, id: String? = nil) -> String {
        guard let id else { return explanation.jsonObject + "\n" }
        var output = Array("{\"id\": ".utf8)
        JSONText.appendString(id, to: &output)
        return String(decoding: output, as: UTF8.self) + ", " + explanation.jsonObject.dropFirst() + "\n"
    }

    /// The tokens coloured with 24-bit ANSI colours, then the probability and label.
    public static func colored(_ explanation: Explanation, label: SentimentLabel) -> String {
        let neutral = AttributionColor.RGB(red: 150, green: 150, blue: 150)
        let scale = AttributionColor.scale(of: explanation.attributions)
        var text = ""
        for (index, (token, attribution)) in zip(explanation.tokens, explanation.attributions).enumerated() {
            if index == explanation.cutPosition { text += cutMarker(explanation) }
            let color = AttributionColor.blend(attribution, scale: scale, into: neutral)
            let bold = AttributionColor.intensity(attribution, scale: scale) >= 0.5 ? "1;" : ""
            text += "\u{1B}[\(bold)38;2;\(color.red);\(color.green);\(color.blue)m\(token)\u{1B}[0m "
        }
        if explanation.cutPosition == explanation.tokens.count { text += cutMarker(explanation) }
        let labelColor = label == .positive ? AttributionColor.positive : AttributionColor.negative
        text += " \u{1B}[1;38;2;\(labelColor.red);\(labelColor.green);\(labelColor.blue)m"
        text += "\(String(format: "%.4f", explanation.probability)) \(label.rawValue)\u{1B}[0m\n"
        return text
    }

    private static func cutMarker(_ explanation: Explanation) -> String {
        "\u{1B}[2m… \(explanation.cutTokenCount) tokens cut …\u{1B}[0m "
    }

    /// What stderr says about a line whose attributions miss completeness.
    public static func completenessWarning(_ explanation: Explanation) -> String {
        let difference = explanation.logit - explanation.baselineLogit
        let error = explanation.completenessError ?? 0
        let sum = difference + error
        let percent = difference == 0 ? "" : String(format: " (%.1f %%)", 100 * abs(error / difference))
        return String(
            format: "attributions add up to %.5f, but logit − baseline logit is %.5f: off by %.5f", sum,
            difference, abs(error)) + percent
    }

    /// The method in words, for the HTML page.
    public static func describe(_ method: AttributionMethod) -> String {
        switch method {
        case .integratedGradients(let steps):
            "integrated gradients (\(steps) steps, zero-embedding baseline without n-grams)"
        case .occlusion: "occlusion (logit change when each token is left out)"
        }
    }
}
