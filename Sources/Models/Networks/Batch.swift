// What a training or evaluation step consumes: samples (features with labels or targets), or a window
// of token streams with next-token targets. Batches are plain arrays that a training loop refills in
// place, so steady-state steps allocate nothing.

/// One step's input.
public enum Batch {
    /// Samples for models of samples (classifiers, autoencoder, regression).
    case samples(SampleBatch)
    /// A window of token streams for a language model.
    case tokens(TokenBatch)
    /// Padded sentence pairs with classes (natural-language inference).
    case sentencePairs(SentencePairBatch)
    /// Padded dialogue turns with their db/bs vectors (response generation).
    case dialogues(DialogueBatch)
}

/// `count` samples, row after row.
public struct SampleBatch: Sendable {
    /// `count × featureCount` values, sample after sample (images CHW within a sample).
    public var features: [Float]
    /// One class per sample (classification), else empty.
    public var labels: [Int32]
    /// `count × targetWidth` targets (regression), else empty. An autoencoder's target is its input.
    public var targets: [Float]
    /// Number of samples.
    public var count: Int

    public init(features: [Float], labels: [Int32] = [], targets: [Float] = [], count: Int) {
        self.features = features
        self.labels = labels
        self.targets = targets
        self.count = count
    }

    /// An empty batch whose arrays `gather` refills.
    public init() { self.init(features: [], count: 0) }

    /// Replaces the contents with the samples of `set` at `indices`, in that order, reusing the arrays'
    /// storage (no allocation once they have grown to the largest batch).
    public mutating func gather<Indices: Collection>(from set: SampleSet, indices: Indices) where Indices.Element == Int {
        let width = set.featureCount, targetWidth = set.targetWidth
        features.removeAll(keepingCapacity: true)
        labels.removeAll(keepingCapacity: true)
        targets.removeAll(keepingCapacity: true)
        for index in indices {
            features.append(contentsOf: set.features[(index * width)..<((index + 1) * width)])
            if !set.labels.isEmpty { labels.append(set.labels[index]) }
            if targetWidth > 0 { targets.append(contentsOf: set.targets[(index * targetWidth)..<((index + 1) * targetWidth)]) }
        }
        count = indices.count
    }
}

/// A window of `steps` time steps over `streams` parallel token streams, sequence-major: element
/// `[t, s]` is at `t·streams + s`. `targets[t, s]` is the token that follows `inputs[t, s]` in stream s.
public struct TokenBatch: Sendable {
    /// (steps, streams) token ids.
    public var inputs: [Int32]
    /// (steps, streams) next-token ids.
    public var targets: [Int32]
    /// Time steps in the window.
    public var steps: Int
    /// Parallel streams (the batch size of a language model).
    public var streams: Int

    public init(inputs: [Int32], targets: [Int32], steps: Int, streams: Int) {
        self.inputs = inputs
        self.targets = targets
        self.steps = steps
        self.streams = streams
    }

    /// An empty window that `window` refills.
    public init() { self.init(inputs: [], targets: [], steps: 0, streams: 0) }

    /// Number of windows of at most `bptt` steps in `tokens` cut into `streams` streams (PyTorch's
    /// word-language-model `batchify`: the stream is truncated to a multiple of `streams`, and stream s
    /// is the s-th contiguous piece).
    public static func windowCount(tokens: Int, streams: Int, bptt: Int) -> Int {
        let rows = tokens / streams
        return rows < 2 ? 0 : (rows - 1 + bptt - 1) / bptt
    }

    /// Replaces the contents with window `index` (0-based) of `tokens` cut into `streams` streams:
    /// rows `index·bptt ..< index·bptt + length` with length = min(bptt, rows − 1 − index·bptt), and the
    /// targets one row later (`get_batch` of the word-language-model example).
    public mutating func window(_ index: Int, of tokens: [Int32], streams: Int, bptt: Int) {
        let rows = tokens.count / streams
        let start = index * bptt
        precondition(index >= 0 && start < rows - 1, "TokenBatch.window: window \(index) is past the \(rows) rows")
        let length = min(bptt, rows - 1 - start)
        inputs.removeAll(keepingCapacity: true)
        targets.removeAll(keepingCapacity: true)
        for t in 0..<length {
            for s in 0..<streams { inputs.append(tokens[s * rows + start + t]) }
        }
        for t in 0..<length {
            for s in 0..<streams { targets.append(tokens[s * rows + start + t + 1]) }
        }
        steps = length
        self.streams = streams
    }
}

extension Batch {
    /// The token window of a language model's batch, checked: tokens, not samples; at least one row; as
    /// many inputs and targets as steps × streams; every token below `vocabulary`.
    func tokenWindow(network name: String, vocabulary: Int) throws -> TokenBatch {
        guard case let .tokens(window) = self else { throw NetworkError.wrongBatchKind(network: name, expected: "tokens") }
        let rows = window.steps * window.streams
        guard rows >= 1 else { throw NetworkError.emptyBatch(network: name) }
        guard window.inputs.count == rows else {
            throw NetworkError.targetCountMismatch(network: name, what: "input tokens", got: window.inputs.count, expected: rows)
        }
        guard window.targets.count == rows else {
            throw NetworkError.targetCountMismatch(network: name, what: "target tokens", got: window.targets.count, expected: rows)
        }
        for tokens in [window.inputs, window.targets] {
            if let bad = tokens.firstIndex(where: { $0 < 0 || Int($0) >= vocabulary }) {
                throw NetworkError.tokenOutOfRange(network: name, index: bad, token: tokens[bad], vocabulary: vocabulary)
            }
        }
        return window
    }
}
