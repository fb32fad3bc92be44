// The modules whose types SentimentKit's public API hands out, re-exported so that a program (and the
// command line) imports SentimentKit alone:
// - Evaluation: the metrics, curves, reliability bins and temperature of `TextScorer.metrics(on:)`,
//   `ModelEvaluation`, `ModelTrainingOutcome` and `EvaluationPlots`;
// - Tokenizer: a model's `tokenizerSettings` and `vocabulary`, and the tokenizers of `tokenize`/`vocab`;
// - GRUClassifier: a model's network, the training options of `ModelTrainingOptions` (optimiser, cell,
//   pooling, the trainer's options) and the step and epoch events of `ModelTrainingEvent.training`.
@_exported import Evaluation
@_exported import GRUClassifier
@_exported import Tokenizer
