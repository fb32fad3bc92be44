import CBundledAssets
import Foundation

/// The general model compiled into the executable, for scoring without a model of one's own: English
/// and Chinese reviews (movies, products, hotels, shopping), trained by `scripts/make_bundled_model.sh`
/// on the training splits of the benchmark corpora with the bundled English vectors (the README says
/// which corpora, their terms and its accuracy). A copied binary carries it.
public enum BundledModel {
    /// How `--model`, `--init` and `SENTIMENT_MODEL` name it.
    public static let name = "default"
    /// What it is, in a few words, for messages.
    public static let summary = "the bundled general model (English and Chinese reviews)"

    /// The bundled model, read from the executable's bytes (no file is read); its embedding is read
    /// where it lies in the executable rather than copied.
    public static func load(threadCount: Int? = nil) throws -> SentimentModel {
        try SentimentModel.reading(
            permanentBytes: UnsafeRawBufferPointer(
                start: sk_bundled_general_model(), count: sk_bundled_general_model_size()),
            threadCount: threadCount)
    }
}
