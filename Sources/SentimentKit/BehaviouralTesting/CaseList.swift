extension BehaviouralCheck {
    /// The cases of the test half in `languages` (every language when nil) as JSON Lines, one object a
    /// case: `language`, `capability`, `test`, `expect`, `text` and, for pairs, `variant`. What an
    /// external system scores to be checked with `run(predictions:)`.
    public func caseList(languages: [String]? = nil) throws -> [UInt8] {
        var writer = HeaderJSONWriter()
        for generated in try generatedTests(languages: languages) {
            let test = generated.test
            for generatedCase in generated.cases {
                writer.append(raw: "{\"language\":")
                writer.append(string: test.language)
                writer.append(raw: ",\"capability\":")
                writer.append(string: test.capability)
                writer.append(raw: ",\"test\":")
                writer.append(string: test.name)
                writer.append(raw: ",\"expect\":")
                writer.append(string: test.expectation.rawValue)
                writer.append(raw: ",\"text\":")
                writer.append(string: generatedCase.text)
                if let variant = generatedCase.variant {
                    writer.append(raw: ",\"variant\":")
                    writer.append(string: variant)
                }
                writer.append(raw: "}\n")
            }
        }
        return writer.bytes
    }
}
