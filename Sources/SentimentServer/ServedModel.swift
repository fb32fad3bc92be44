import SentimentKit

/// One loaded model and everything a request needs from it. Immutable: a reload makes a new one, and a
/// request keeps the one it was admitted with until it is answered, so no answer mixes two models.
final class ServedModel: Sendable {
    /// The source's name (the path as given).
    let name: String
    /// 1 for the model loaded at start, one more for each successful reload.
    let generation: Int
    /// Scores from any number of batch workers at once.
    let scorer: ConcurrentScorer
    /// The model's own threshold, for requests that give none.
    let threshold: Float
    /// Integrated gradients (default steps) and occlusion.
    let explainers: [ExplainMethod: ConcurrentExplainer]
    /// The /v1/model body: `sentiment info --format json` of the model.
    let info: [UInt8]

    init(model: SentimentModel, name: String, generation: Int) throws {
        self.name = name
        self.generation = generation
        scorer = try ConcurrentScorer(model: model)
        threshold = model.threshold
        explainers = try Dictionary(
            uniqueKeysWithValues: ExplainMethod.allCases.map {
                ($0, try ConcurrentExplainer(model: model, method: $0.attribution()))
            })
        info = try ModelInfoReport(model: model, path: name).json()
    }
}
