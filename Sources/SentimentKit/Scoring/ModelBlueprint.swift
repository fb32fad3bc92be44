import Embedding
import GRUClassifier
import Tokenizer

/// An immutable snapshot of a model from which private single-threaded copies are made: each copy has
/// its own network scratch but shares the parameter arrays (copy-on-write, never written), so a copy
/// costs its scratch only, not another embedding. What `ConcurrentScorer` and `ConcurrentExplainer`
/// hand to their callers.
struct ModelBlueprint: @unchecked Sendable {
    // @unchecked: every stored value is immutable after init, and the tensors are value types whose
    // storage is only read.
    let tokenizerSettings: TokenizerSettings
    let vocabulary: Vocabulary
    let configuration: ClassifierConfiguration
    let parameters: [String: Tensor]
    /// The embedding's rows when the model reads them from its mapped file: shared, never copied.
    let borrowedEmbedding: ReadOnlyValues?
    let maxLength: Int
    let headLength: Int?
    let threshold: Float
    let temperature: Float?
    let negationScope: NegationScope?

    /// A snapshot of `model` (later changes to `model` do not reach it), labelling at `threshold`.
    init(model: SentimentModel, threshold: Float) {
        tokenizerSettings = model.tokenizerSettings
        vocabulary = model.vocabulary
        configuration = model.classifier.configuration
        borrowedEmbedding = model.classifier.parameters.embedding.borrowedRows
        parameters = model.classifier.parameterDictionary(includingEmbedding: borrowedEmbedding == nil)
        maxLength = model.maxLength
        headLength = model.headLength
        temperature = model.temperature
        negationScope = model.negationScope
        self.threshold = threshold
    }

    /// A model of its own over the shared parameters, its network on one thread.
    func makeModel() throws -> SentimentModel {
        let classifier = try BiGRUClassifier(
            configuration: configuration, parameters: parameters, borrowedEmbedding: borrowedEmbedding,
            threadCount: 1)
        return try SentimentModel(
            tokenizerSettings: tokenizerSettings, vocabulary: vocabulary, classifier: classifier,
            maxLength: maxLength, headLength: headLength, threshold: threshold, temperature: temperature,
            negationScope: negationScope)
    }
}
