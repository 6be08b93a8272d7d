// The in-memory forms of the sentence datasets: SNLI-style sentence pairs with labels and their word
// vectors, and MultiWoZ-style dialogue turns. Sentences are stored end to end in one token buffer with
// offsets, so a batch is gathered with plain copies.

/// Sentences stored end to end: sentence i is `tokens[offsets[i] ..< offsets[i + 1]]`.
public struct Sentences: Sendable, Equatable {
    public var tokens: [Int32] = []
    /// count + 1 offsets, starting at 0.
    public var offsets: [Int] = [0]

    public init() {}

    public var count: Int { offsets.count - 1 }
    public func length(_ i: Int) -> Int { offsets[i + 1] - offsets[i] }
    public subscript(i: Int) -> ArraySlice<Int32> { tokens[offsets[i]..<offsets[i + 1]] }

    public mutating func append<S: Sequence>(_ sentence: S) where S.Element == Int32 {
        tokens.append(contentsOf: sentence)
        offsets.append(tokens.count)
    }
}

/// Labelled sentence pairs of one split.
public struct SentencePairSet: Sendable {
    /// Premises, each `<s> words </s>`.
    public var premise = Sentences()
    /// Hypotheses, each `<s> words </s>`.
    public var hypothesis = Sentences()
    /// 0 contradiction, 1 neutral, 2 entailment.
    public var labels: [Int32] = []
    /// The pad id batches are padded with.
    public var padding: Int32

    public init(padding: Int32) { self.padding = padding }

    public var count: Int { labels.count }

    public mutating func append(premise p: [Int32], hypothesis h: [Int32], label: Int32) {
        premise.append(p)
        hypothesis.append(h)
        labels.append(label)
    }
}

/// A natural-language-inference dataset: one vocabulary (torchtext's order: `<unk>`, `<pad>`, `<s>`,
/// `</s>`, then words), the word vectors of the embedding layer, and the three splits.
public struct SentencePairSplits: Sendable {
    /// Token id → word.
    public var vocabulary: [String]
    /// (vocabulary, vectorSize) embedding rows, row-major; the embedding layer is frozen to them.
    public var vectors: [Float]
    public var vectorSize: Int
    public var train: SentencePairSet
    public var valid: SentencePairSet
    public var test: SentencePairSet
    /// Number of classes (3).
    public var classes: Int

    public init(vocabulary: [String], vectors: [Float], vectorSize: Int, train: SentencePairSet, valid: SentencePairSet,
                test: SentencePairSet, classes: Int) {
        self.vocabulary = vocabulary
        self.vectors = vectors
        self.vectorSize = vectorSize
        self.train = train
        self.valid = valid
        self.test = test
        self.classes = classes
    }

    /// The special tokens' ids.
    public static let unknown: Int32 = 0, padding: Int32 = 1, start: Int32 = 2, end: Int32 = 3
    public static let specials = ["<unk>", "<pad>", "<s>", "</s>"]
    /// The label names by class id.
    public static let labelNames = ["contradiction", "neutral", "entailment"]
}

/// Dialogue turns of one split: inputs (the user's delexicalised utterance) and targets (the system's
/// response), each ending with EOS, with the turn's database pointer and belief state. Turns of one
/// dialogue are consecutive; `dialogueStarts` marks where each dialogue begins.
public struct DialogueSet: Sendable {
    public var inputs = Sentences()
    public var targets = Sentences()
    /// (turns, dbSize) 0/1.
    public var db: [Float] = []
    /// (turns, bsSize) 0/1.
    public var bs: [Float] = []
    public var dbSize: Int
    public var bsSize: Int
    /// Index of each dialogue's first turn, increasing.
    public var dialogueStarts: [Int] = []
    /// Each turn's reference response as text (whitespace-separated words), for BLEU; empty when unknown
    /// (BLEU then reads the target tokens' words).
    public var responses: [String] = []
    /// The pad id batches are padded with.
    public var padding: Int32

    public init(dbSize: Int, bsSize: Int, padding: Int32) {
        self.dbSize = dbSize
        self.bsSize = bsSize
        self.padding = padding
    }

    public var count: Int { inputs.count }

    /// Starts a new dialogue: the next turn appended is its first.
    public mutating func startDialogue() { dialogueStarts.append(count) }

    public mutating func append(input: [Int32], target: [Int32], db turnDB: [Float], bs turnBS: [Float]) {
        precondition(turnDB.count == dbSize && turnBS.count == bsSize, "DialogueSet: db/bs sizes differ")
        inputs.append(input)
        targets.append(target)
        db += turnDB
        bs += turnBS
    }

    /// The turns of dialogue k.
    public func turns(ofDialogue k: Int) -> Range<Int> {
        dialogueStarts[k]..<(k + 1 < dialogueStarts.count ? dialogueStarts[k + 1] : count)
    }

    /// The original's batches: whole dialogues, in order, accumulated until a batch has more than
    /// `turns` turns; the last partial batch is dropped (`train.py`'s loop). Used for training.
    public func dialogueBatches(moreThan turns: Int) -> [Range<Int>] {
        var batches: [Range<Int>] = []
        var start = 0
        for k in dialogueStarts.indices {
            let end = self.turns(ofDialogue: k).upperBound
            if end - start > turns {
                batches.append(start..<end)
                start = end
            }
        }
        return batches
    }
}

/// A dialogue dataset: input and output vocabularies (ids 0 SOS, 1 EOS, 2 UNK, 3 PAD in both) and splits.
public struct DialogueSplits: Sendable {
    public var inputVocabulary: [String]
    public var outputVocabulary: [String]
    public var train: DialogueSet
    public var valid: DialogueSet
    public var test: DialogueSet

    public init(inputVocabulary: [String], outputVocabulary: [String], train: DialogueSet, valid: DialogueSet, test: DialogueSet) {
        self.inputVocabulary = inputVocabulary
        self.outputVocabulary = outputVocabulary
        self.train = train
        self.valid = valid
        self.test = test
    }

    public var dbSize: Int { train.dbSize }
    public var bsSize: Int { train.bsSize }

    public static let sos: Int32 = 0, eos: Int32 = 1, unknown: Int32 = 2, padding: Int32 = 3
    public static let specials = ["_GO", "_EOS", "_UNK", "_PAD"]
}
