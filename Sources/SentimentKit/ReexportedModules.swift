// The types SentimentKit's public API hands out from the modules below it, re-exported so that a
// program (and the command line) imports SentimentKit alone: the metrics, curves, reliability bins and
// temperature of `TextScorer.metrics(on:)`, `ModelTrainingOutcome` and `EvaluationPlots`.
@_exported import Evaluation
