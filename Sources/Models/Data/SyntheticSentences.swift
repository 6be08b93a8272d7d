// `synthetic_nli` and `synthetic_dialogue`: small generated versions of SNLI and MultiWoZ, so that the
// sentence models run in tests and demos with nothing downloaded. Both go through the same numbering
// code as the real files.

/// Sentence pairs with a rule a sentence encoder can learn. Words `w0 … w(V−1)` come in antonym pairs
/// (w2k ↔ w2k+1). A premise is 3 to `maxWords` random words; the hypothesis is a random sub-sequence of
/// it (in order) that is then
///   - entailment: left as it is;
///   - neutral: given 1 or 2 extra words absent from the premise;
///   - contradiction: one of its words replaced by that word's antonym.
/// Word vectors are random (the seed's), of `vectorSize`.
public struct SyntheticNLI: Equatable, Sendable {
    public var pairs: Int
    public var vocabulary: Int
    public var maxWords: Int
    public var vectorSize: Int
    public var seed: UInt64

    public init(pairs: Int = 3000, vocabulary: Int = 60, maxWords: Int = 8, vectorSize: Int = 16, seed: UInt64 = 0) {
        precondition(pairs >= 1 && vocabulary >= 8 && maxWords >= 3 && vectorSize >= 1, "SyntheticNLI: bad sizes")
        self.pairs = pairs
        self.vocabulary = vocabulary
        self.maxWords = maxWords
        self.vectorSize = vectorSize
        self.seed = seed
    }

    /// Training pairs, then a fifth as many for validation and for test.
    public func make() -> SentencePairSplits {
        let heldOut = max(1, pairs / 5)
        let splits = [("train", pairs), ("valid", heldOut), ("test", heldOut)].map { name, count in
            var generator = SeededGenerator(seed: seed, stream: "nli." + name)
            return (0..<count).map { _ in pair(&generator) }
        }
        // Without a vector file, `assemble` cannot fail.
        return try! SNLIReader.assemble(splits, vectorsPath: nil, vectorSize: vectorSize, seed: seed)
    }

    private func pair(_ generator: inout SeededGenerator) -> TextPair {
        let length = 3 + generator.below(maxWords - 2)
        let premise = (0..<length).map { _ in generator.below(vocabulary) }
        var kept = premise.filter { _ in generator.nextFloat() < 0.7 }
        if kept.isEmpty { kept = [premise[generator.below(length)]] }
        let label = Int32(generator.below(3))
        switch label {
        case 1: // neutral
            for _ in 0..<(1 + generator.below(2)) {
                var word = generator.below(vocabulary)
                while premise.contains(word) { word = (word + 1) % vocabulary }
                kept.insert(word, at: generator.below(kept.count + 1))
            }
        case 0: // contradiction
            let i = generator.below(kept.count)
            kept[i] ^= 1
        default: break // entailment
        }
        func text(_ words: [Int]) -> String { words.map { "w\($0 % vocabulary)" }.joined(separator: " ") }
        return TextPair(premise: text(premise), hypothesis: text(kept), label: label)
    }
}

/// Dialogues whose responses follow from the user's words and the turn's db/bs vectors. Input words are
/// `u0 … u(V−1)`, output words `s0 … s(V−1)`; the response to an utterance is its words mapped u_i → s_i in
/// reverse order, preceded by `s<k>` where k is the index of the first set bit of bs (or of db when bs has
/// none), so the policy's db/bs inputs matter. Dialogues have 2 to 5 turns.
public struct SyntheticDialogue: Equatable, Sendable {
    public var dialogues: Int
    public var vocabulary: Int
    public var maxWords: Int
    public var dbSize: Int
    public var bsSize: Int
    public var seed: UInt64

    public init(dialogues: Int = 300, vocabulary: Int = 30, maxWords: Int = 6, dbSize: Int = 6, bsSize: Int = 8, seed: UInt64 = 0) {
        precondition(dialogues >= 1 && vocabulary >= max(dbSize, bsSize) && maxWords >= 1 && dbSize >= 1 && bsSize >= 1,
                     "SyntheticDialogue: bad sizes")
        self.dialogues = dialogues
        self.vocabulary = vocabulary
        self.maxWords = maxWords
        self.dbSize = dbSize
        self.bsSize = bsSize
        self.seed = seed
    }

    public func make() -> DialogueSplits {
        let specials = DialogueSplits.specials
        let inputWords = specials + (0..<vocabulary).map { "u\($0)" }, outputWords = specials + (0..<vocabulary).map { "s\($0)" }
        let offset = Int32(specials.count)
        let heldOut = max(1, dialogues / 5)
        let sets = [("train", dialogues), ("valid", heldOut), ("test", heldOut)].map { name, count in
            var generator = SeededGenerator(seed: seed, stream: "dialogue." + name)
            var set = DialogueSet(dbSize: dbSize, bsSize: bsSize, padding: DialogueSplits.padding)
            for _ in 0..<count {
                set.startDialogue()
                for _ in 0..<(2 + generator.below(4)) {
                    let words = (0..<(1 + generator.below(maxWords))).map { _ in Int32(generator.below(vocabulary)) }
                    let db = (0..<dbSize).map { _ in Float(generator.below(3) == 0 ? 1 : 0) }
                    let bs = (0..<bsSize).map { _ in Float(generator.below(4) == 0 ? 1 : 0) }
                    let cue = bs.firstIndex(of: 1) ?? db.firstIndex(of: 1) ?? 0
                    let response = [Int32(cue)] + words.reversed()
                    set.append(input: words.map { $0 + offset } + [DialogueSplits.eos],
                               target: response.map { $0 + offset } + [DialogueSplits.eos], db: db, bs: bs)
                }
            }
            return set
        }
        return DialogueSplits(inputVocabulary: inputWords, outputVocabulary: outputWords, train: sets[0], valid: sets[1], test: sets[2])
    }
}
