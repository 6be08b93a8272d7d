// The in-memory forms every dataset reader produces. Parsed once into contiguous buffers: a sample is a
// row of `features`, never an object of its own, so batches are gathered with plain copies.

/// Samples of one split: features in one row-major buffer, plus class labels or float targets.
public struct SampleSet: Sendable {
    /// `count × featureCount` values, sample after sample. Images are CHW within a sample.
    public var features: [Float]
    /// The shape of one sample: `[channels, height, width]` for images, `[d]` for vectors.
    public var sampleShape: [Int]
    /// One class index per sample (classification), or empty.
    public var labels: [Int32]
    /// `count × targetWidth` regression targets, or empty.
    public var targets: [Float]

    public init(features: [Float], sampleShape: [Int], labels: [Int32] = [], targets: [Float] = []) {
        self.features = features
        self.sampleShape = sampleShape
        self.labels = labels
        self.targets = targets
    }

    /// Values per sample.
    public var featureCount: Int { sampleShape.reduce(1, *) }
    /// Number of samples.
    public var count: Int { featureCount == 0 ? 0 : features.count / featureCount }
    /// Targets per sample (0 when the set is labelled).
    public var targetWidth: Int { count == 0 || targets.isEmpty ? 0 : targets.count / count }
}

/// A supervised dataset split the way its study split it.
public struct SampleSplits: Sendable {
    public var train: SampleSet
    public var valid: SampleSet
    public var test: SampleSet
    /// Number of classes (0 for regression).
    public var classes: Int

    public init(train: SampleSet, valid: SampleSet, test: SampleSet, classes: Int) {
        self.train = train
        self.valid = valid
        self.test = test
        self.classes = classes
    }
}

/// A word-level corpus: one vocabulary over all splits, each split one stream of token ids.
public struct TokenSplits: Sendable {
    /// Token id → word, in first-seen order over train, then valid, then test.
    public var vocabulary: [String]
    public var train: [Int32]
    public var valid: [Int32]
    public var test: [Int32]
    /// Whole conversations instead of streams (MultiWoZ): batches are padded examples, not windows.
    public var conversations: ConversationSplits?

    public init(vocabulary: [String], train: [Int32], valid: [Int32], test: [Int32]) {
        self.vocabulary = vocabulary
        self.train = train
        self.valid = valid
        self.test = test
    }
}

/// What loading a named dataset gives.
public enum LoadedDataset: Sendable {
    case samples(SampleSplits)
    case tokens(TokenSplits)
    case sentencePairs(SentencePairSplits)
    case dialogues(DialogueSplits)
}
