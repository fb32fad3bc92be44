extension Explanation {
    /// The explanation as one JSON object, the line `sentiment explain --format jsonl` prints (without
    /// its newline) and what `sentiment serve`'s /v1/explain returns per text: `{"probability": p,
    /// "logit": l, "baseline_logit": b, "method": "…", "tokens": [{"token": "…", "attribution": a}, …]}`.
    public var jsonObject: String {
        var output: [UInt8] = []
        output.append(contentsOf: "{\"probability\": \(JSONText.number(probability)), ".utf8)
        output.append(contentsOf: "\"logit\": \(JSONText.number(logit)), ".utf8)
        output.append(contentsOf: "\"baseline_logit\": \(JSONText.number(baselineLogit)), ".utf8)
        output.append(contentsOf: "\"method\": \"\(method.name)\", \"tokens\": [".utf8)
        for (index, (token, attribution)) in zip(tokens, attributions).enumerated() {
            if index > 0 { output.append(contentsOf: ", ".utf8) }
            output.append(contentsOf: "{\"token\": ".utf8)
            JSONText.appendString(token, to: &output)
            output.append(contentsOf: ", \"attribution\": \(JSONText.number(attribution))}".utf8)
        }
        output.append(contentsOf: "]}".utf8)
        return String(decoding: output, as: UTF8.self)
    }
}
