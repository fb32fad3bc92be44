import GRUClassifier

extension ModelTrainingOptions {
    /// An option of `ModelTrainingOptions`, named as the library spells it, so a front end can name it its
    /// own way (the CLI maps each to its flag).
    public enum Field: String, Sendable, CaseIterable {
        case validationSplit, epochs, patience, batchSize, embeddingDim, hidden, layers, maxLength, headLength
        case minCount, maxVocabulary, vectors, vectorVocabularyExtension, learningRate, learningRateDecay
        case dropout, embeddingDropout, wordDropout, averageDecay, embeddingInitStd, pretrainEpochs
        case unlabelled, initialModel, embeddingLearningRateScale, ngramBuckets, wideLearningRateScale
        case branchLossWeight, adversarialEpsilon, clipNorm
    }

    /// Throws the first option that breaks its rule. This is the one place the rules live: training checks
    /// them before any work, and front ends call it to refuse bad options before reading any data.
    /// - Parameters:
    ///   - fineTuning: whether training will start from a model (default: `initialModel != nil`); a
    ///     front end that has not loaded the model yet says so here.
    ///   - unlabelledTexts: whether unlabelled texts are given: then they must be usable (a new
    ///     vocabulary, skip-gram pre-training); `ModelTraining.train` itself ignores ones it cannot use.
    public func validate(fineTuning: Bool? = nil, unlabelledTexts: Bool = false) throws(ModelTrainingOptionError) {
        func check(_ holds: Bool, _ field: Field, _ rule: ModelTrainingOptionError.Rule) throws(ModelTrainingOptionError) {
            if !holds { throw ModelTrainingOptionError(field: field, rule: rule) }
        }
        func fraction(_ value: Float?) -> Bool { value.map { $0 >= 0 && $0 < 1 } ?? true }
        func nonNegative(_ value: Float?) -> Bool { value.map { $0 >= 0 && $0.isFinite } ?? true }
        try check((0..<1).contains(validationSplit), .validationSplit, .fraction)
        try check(vectorVocabularyExtension >= 0, .vectorVocabularyExtension, .atLeast(0))
        if case .file(let path) = vectors { try check(!path.isEmpty, .vectors, .choice("auto, none or a file")) }
        try check((embeddingDim ?? 1) >= 1, .embeddingDim, .atLeast(1))
        for (field, value) in [
            (Field.epochs, training.epochs), (.hidden, hidden), (.layers, layers), (.maxLength, maxLength),
            (.minCount, minCount), (.batchSize, training.batchSize),
        ] {
            try check(value >= 1, field, .atLeast(1))
        }
        if let headLength {
            try check((0...maxLength).contains(headLength), .headLength, .atMost(.maxLength, maxLength))
        }
        try check(training.patience >= 0, .patience, .atLeast(0))
        try check(pretrainEpochs >= 0, .pretrainEpochs, .atLeast(0))
        if unlabelledTexts {
            try check(!(fineTuning ?? (initialModel != nil)), .unlabelled, .excludesInitialModel)
            try check(pretrainEpochs > 0, .unlabelled, .needsPretraining)
        }
        try check(nonNegative(embeddingLearningRateScale), .embeddingLearningRateScale, .nonNegative)
        try check(maxVocabulary >= 3, .maxVocabulary, .atLeast(3))
        try check(learningRate.map { $0 > 0 && $0.isFinite } ?? true, .learningRate, .positive)
        try check(fraction(dropout), .dropout, .fraction)
        try check(fraction(embeddingDropout), .embeddingDropout, .fraction)
        try check(fraction(training.wordDropout), .wordDropout, .fraction)
        let decay = training.learningRateDecay
        try check(decay > 0 && decay <= 1, .learningRateDecay, .decayFactor)
        try check(training.averageDecay.map { $0 > 0 && $0 < 1 } ?? true, .averageDecay, .fractionOrOff)
        try check(embeddingInitStd > 0 && embeddingInitStd.isFinite, .embeddingInitStd, .positive)
        let buckets = ClassifierConfiguration.maximumNGramBuckets
        try check(
            ngramBuckets == 0 || (2...buckets).contains(ngramBuckets), .ngramBuckets, .zeroOrBetween(2, buckets))
        try check(nonNegative(training.adversarialEpsilon), .adversarialEpsilon, .nonNegative)
        try check(nonNegative(branchLossWeight), .branchLossWeight, .nonNegative)
        try check(nonNegative(wideLearningRateScale), .wideLearningRateScale, .nonNegative)
        try check(training.clipNorm.map { $0 > 0 && $0.isFinite } ?? true, .clipNorm, .positiveOrOff)
    }
}

/// An option of `ModelTrainingOptions` that breaks its rule: which one, and what it must be.
public struct ModelTrainingOptionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What an option must be.
    public enum Rule: Equatable, Sendable {
        /// An integer of at least this.
        case atLeast(Int)
        /// An integer between 0 and another option's value.
        case atMost(ModelTrainingOptions.Field, Int)
        /// A number in [0, 1).
        case fraction
        /// A number in (0, 1), or off (nil; 0 where a front end spells off so).
        case fractionOrOff
        /// A factor in (0, 1].
        case decayFactor
        /// A finite number above 0.
        case positive
        /// A finite number above 0, or off (nil; 0 where a front end spells off so).
        case positiveOrOff
        /// A finite number of at least 0.
        case nonNegative
        /// 0, or an integer in the range.
        case zeroOrBetween(Int, Int)
        /// One of the choices, worded.
        case choice(String)
        /// Not with an initial model, whose vocabulary training keeps (the option builds a new one).
        case excludesInitialModel
        /// Only with skip-gram pre-training (`pretrainEpochs` above 0).
        case needsPretraining
        /// At least the dimension of the pre-trained vectors, whose values fill the first columns (known
        /// only once the vectors are read, so `ModelTraining.train` checks it, not `validate`).
        case atLeastVectorsDimension(given: Int, vectors: Int)
    }

    /// The option.
    public var field: ModelTrainingOptions.Field
    /// Its rule.
    public var rule: Rule

    public init(field: ModelTrainingOptions.Field, rule: Rule) {
        self.field = field
        self.rule = rule
    }

    /// The error worded with options named by `name` ("--head-len must lie between 0 and --max-len (50)").
    public func message(naming name: (ModelTrainingOptions.Field) -> String) -> String {
        let option = name(field)
        switch rule {
        case .atLeast(let minimum): return "\(option) must be at least \(minimum)"
        case .atMost(let other, let maximum): return "\(option) must lie between 0 and \(name(other)) (\(maximum))"
        case .fraction: return "\(option) must be in [0, 1)"
        case .fractionOrOff: return "\(option) must be in [0, 1) (0: off)"
        case .decayFactor: return "\(option) must be in (0, 1]"
        case .positive: return "\(option) must be a positive number"
        case .positiveOrOff, .nonNegative: return "\(option) must be 0 or a positive number"
        case .zeroOrBetween(let low, let high): return "\(option) must be 0 or lie between \(low) and \(high)"
        case .choice(let choices): return "\(option) needs \(choices)"
        case .excludesInitialModel:
            return "\(option) builds a new vocabulary, which \(name(.initialModel)) keeps; give one of them"
        case .needsPretraining:
            return "\(option) text serves the pre-training, which \(name(.pretrainEpochs)) 0 turns off"
        case .atLeastVectorsDimension(let given, let vectors):
            return "\(option) (\(given)) must be at least the dimension of the vectors (\(vectors)), whose "
                + "values fill its first columns"
        }
    }

    /// The error with the library's names.
    public var description: String { message { $0.rawValue } }
}
