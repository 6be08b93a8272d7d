// The batches of the sentence tasks: sentence pairs for natural-language inference (SNLI) and dialogue
// turns for response generation (MultiWoZ). Each holds padded token ids with the real lengths; the
// padding conventions are the originals' (torchtext for SNLI, `padSequence` for MultiWoZ).

/// B sentence pairs with a class each, padded to the batch's longest sentence, sequence-major as
/// torchtext gives them: element `[t, b]` is at `t·count + b`.
public struct SentencePairBatch: Sendable {
    /// (premiseSteps, count) token ids, padded with the pad id.
    public var premise: [Int32]
    /// Real lengths of the premises (`<s>` and `</s>` included), each in 1...premiseSteps.
    public var premiseLengths: [Int32]
    /// (hypothesisSteps, count) token ids.
    public var hypothesis: [Int32]
    public var hypothesisLengths: [Int32]
    /// One class per pair (0 contradiction, 1 neutral, 2 entailment).
    public var labels: [Int32]
    /// Pairs in the batch (B).
    public var count: Int

    public init(premise: [Int32], premiseLengths: [Int32], hypothesis: [Int32], hypothesisLengths: [Int32],
                labels: [Int32], count: Int) {
        self.premise = premise
        self.premiseLengths = premiseLengths
        self.hypothesis = hypothesis
        self.hypothesisLengths = hypothesisLengths
        self.labels = labels
        self.count = count
    }

    public init() { self.init(premise: [], premiseLengths: [], hypothesis: [], hypothesisLengths: [], labels: [], count: 0) }

    /// Padded length of the premises.
    public var premiseSteps: Int { count == 0 ? 0 : premise.count / count }
    /// Padded length of the hypotheses.
    public var hypothesisSteps: Int { count == 0 ? 0 : hypothesis.count / count }

    /// Replaces the contents with the pairs of `set` at `indices`, padded with `set.padding`.
    public mutating func gather<Indices: Collection>(from set: SentencePairSet, indices: Indices) where Indices.Element == Int {
        count = indices.count
        labels.removeAll(keepingCapacity: true)
        premiseLengths.removeAll(keepingCapacity: true)
        hypothesisLengths.removeAll(keepingCapacity: true)
        for index in indices {
            labels.append(set.labels[index])
            premiseLengths.append(Int32(set.premise.length(index)))
            hypothesisLengths.append(Int32(set.hypothesis.length(index)))
        }
        Self.pad(&premise, set.premise, indices, steps: Int(premiseLengths.max() ?? 0), padding: set.padding)
        Self.pad(&hypothesis, set.hypothesis, indices, steps: Int(hypothesisLengths.max() ?? 0), padding: set.padding)
    }

    private static func pad<Indices: Collection>(_ out: inout [Int32], _ sentences: Sentences, _ indices: Indices, steps: Int,
                                                 padding: Int32) where Indices.Element == Int {
        out.removeAll(keepingCapacity: true)
        out.append(contentsOf: repeatElement(padding, count: steps * indices.count))
        for (b, index) in indices.enumerated() {
            let start = sentences.offsets[index]
            for t in 0..<sentences.length(index) { out[t * indices.count + b] = sentences.tokens[start + t] }
        }
    }
}

/// B dialogue turns: the user's utterance, the system's response, and the turn's belief-state and
/// database-pointer vectors. Batch-major as the original's `padSequence` gives them: element `[b, t]`
/// is at `b·steps + t`, padded with the pad id up to the longest of the batch.
public struct DialogueBatch: Sendable {
    /// (count, inputSteps) input token ids; each ends with EOS.
    public var inputs: [Int32]
    public var inputLengths: [Int32]
    /// (count, targetSteps) response token ids; each ends with EOS.
    public var targets: [Int32]
    public var targetLengths: [Int32]
    /// (count, dbSize) database pointer, 0/1.
    public var db: [Float]
    /// (count, bsSize) belief state, 0/1.
    public var bs: [Float]
    public var count: Int

    public init(inputs: [Int32], inputLengths: [Int32], targets: [Int32], targetLengths: [Int32], db: [Float], bs: [Float],
                count: Int) {
        self.inputs = inputs
        self.inputLengths = inputLengths
        self.targets = targets
        self.targetLengths = targetLengths
        self.db = db
        self.bs = bs
        self.count = count
    }

    public init() { self.init(inputs: [], inputLengths: [], targets: [], targetLengths: [], db: [], bs: [], count: 0) }

    public var inputSteps: Int { count == 0 ? 0 : inputs.count / count }
    public var targetSteps: Int { count == 0 ? 0 : targets.count / count }

    /// Replaces the contents with the turns of `set` at `indices`.
    public mutating func gather<Indices: Collection>(from set: DialogueSet, indices: Indices) where Indices.Element == Int {
        count = indices.count
        inputLengths = indices.map { Int32(set.inputs.length($0)) }
        targetLengths = indices.map { Int32(set.targets.length($0)) }
        Self.pad(&inputs, set.inputs, indices, steps: Int(inputLengths.max() ?? 0), padding: set.padding)
        Self.pad(&targets, set.targets, indices, steps: Int(targetLengths.max() ?? 0), padding: set.padding)
        db.removeAll(keepingCapacity: true)
        bs.removeAll(keepingCapacity: true)
        for index in indices {
            db.append(contentsOf: set.db[(index * set.dbSize)..<((index + 1) * set.dbSize)])
            bs.append(contentsOf: set.bs[(index * set.bsSize)..<((index + 1) * set.bsSize)])
        }
    }

    private static func pad<Indices: Collection>(_ out: inout [Int32], _ sentences: Sentences, _ indices: Indices, steps: Int,
                                                 padding: Int32) where Indices.Element == Int {
        out.removeAll(keepingCapacity: true)
        out.append(contentsOf: repeatElement(padding, count: steps * indices.count))
        for (b, index) in indices.enumerated() {
            let start = sentences.offsets[index]
            for t in 0..<sentences.length(index) { out[b * steps + t] = sentences.tokens[start + t] }
        }
    }
}
