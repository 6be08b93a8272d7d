// SNLI as the critical-gradient study prepares it (`experiments/snli/dataset_utils/snli_preprocess.py`
// and torchtext's Field/vocabulary):
//   - pairs from `snli_1.0_{train,dev,test}.jsonl`; a pair whose `gold_label` is "-" (no annotator
//     majority) is dropped; labels contradiction 0, neutral 1, entailment 2;
//   - a sentence is split on whitespace; with word vectors, only the words that have a vector are kept
//     (the study's out-of-vocabulary handling: unknown words are removed, not replaced), and each kept
//     word loses its non-printable-ASCII characters;
//   - the vocabulary is torchtext's: `<unk>` 0, `<pad>` 1, `<s>` 2, `</s>` 3, then the training words by
//     decreasing count (ties in alphabetical order); valid/test words outside it become `<unk>`;
//   - each sentence is `<s> words </s>`.
// The embedding rows are the words' vectors; rows without one (the specials, or every row when no vector
// file is given) are drawn from the seed, N(0, σ²) with σ the vectors' standard deviation (1 without a
// file), and `<pad>` is 0.
import Foundation

/// One labelled pair, as text.
struct TextPair {
    var premise: String
    var hypothesis: String
    var label: Int32
}

public enum SNLIReader {
    static let labels = ["contradiction": Int32(0), "neutral": 1, "entailment": 2]

    /// The pairs of one `snli_1.0_*.jsonl` file with a gold label.
    /// - Throws: `DataError` naming the file and line for a line that is not a JSON object with string
    ///   `gold_label`, `sentence1` and `sentence2`, or an unknown label.
    static func readPairs(_ path: String) throws -> [TextPair] {
        let bytes = try FileBytes.read(path)
        var pairs: [TextPair] = []
        var lineNumber = 0, start = 0
        try bytes.withUnsafeBufferPointer { buffer in
            func line(_ range: Range<Int>) throws {
                lineNumber += 1
                let slice = UnsafeBufferPointer(rebasing: buffer[range])
                guard slice.contains(where: { $0 != 0x20 && $0 != 0x0D && $0 != 0x09 }) else { return }
                guard let object = try? JSONSerialization.jsonObject(with: Data(slice)) as? [String: Any] else {
                    throw DataError(.badToken(line: lineNumber, token: String(decoding: slice.prefix(40), as: UTF8.self),
                                              expected: "one JSON object per line"), file: path)
                }
                guard let gold = object["gold_label"] as? String, let s1 = object["sentence1"] as? String,
                      let s2 = object["sentence2"] as? String else {
                    throw DataError(.missingColumn(column: "gold_label, sentence1, sentence2", header: object.keys.sorted()), file: path)
                }
                if gold == "-" { return }
                guard let label = labels[gold] else {
                    throw DataError(.badLabel(line: lineNumber, text: gold, expected: "entailment, neutral, contradiction or -"), file: path)
                }
                pairs.append(TextPair(premise: s1, hypothesis: s2, label: label))
            }
            for i in 0..<buffer.count where buffer[i] == 0x0A {
                try line(start..<i)
                start = i + 1
            }
            if start < buffer.count { try line(start..<buffer.count) }
        }
        guard !pairs.isEmpty else { throw DataError(.empty(what: "the pairs with a gold label"), file: path) }
        return pairs
    }

    /// Loads the three files, with word vectors from `vectors` (a GloVe/word2vec text file) or, when nil,
    /// vectors of `vectorSize` drawn from `seed`. `limits` keep the first pairs of each split.
    public static func load(train: String, valid: String, test: String, vectors: String?, vectorSize: Int,
                            limits: SplitLimits, seed: UInt64) throws -> SentencePairSplits {
        var splits = [try readPairs(train), try readPairs(valid), try readPairs(test)]
        for (k, limit) in [limits.train, limits.valid, limits.test].enumerated() {
            if let limit { splits[k] = Array(splits[k].prefix(limit)) }
        }
        return try assemble(splits, vectorsPath: vectors, vectorSize: vectorSize, seed: seed)
    }

    /// Tokenises, numbers and attaches vectors to three splits of text pairs.
    static func assemble(_ splits: [[TextPair]], vectorsPath: String?, vectorSize: Int, seed: UInt64) throws -> SentencePairSplits {
        var vectors: WordVectors?
        if let vectorsPath {
            var wanted = Set<String>()
            for split in splits {
                for pair in split {
                    for sentence in [pair.premise, pair.hypothesis] {
                        for word in sentence.split(whereSeparator: \.isWhitespace) {
                            wanted.insert(String(word))
                            wanted.insert(printable(word))
                        }
                    }
                }
            }
            let read = try WordVectors.read(vectorsPath, wanted: wanted)
            guard read.dimension == vectorSize else {
                throw DataError(.unexpectedShape(found: [read.dimension], expected: [vectorSize]), file: vectorsPath)
            }
            vectors = read
        }
        func tokens(_ sentence: String) -> [String] {
            sentence.split(whereSeparator: \.isWhitespace).compactMap { word in
                if let vectors, vectors.rows[String(word)] == nil { return nil }
                let clean = vectors == nil ? String(word) : printable(word)
                return clean.isEmpty ? nil : clean
            }
        }
        let tokenised = splits.map { split in split.map { (tokens($0.premise), tokens($0.hypothesis), $0.label) } }
        var counts: [String: Int] = [:]
        for (premise, hypothesis, _) in tokenised[0] {
            for word in premise + hypothesis { counts[word, default: 0] += 1 }
        }
        let words = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map(\.key)
        let vocabulary = SentencePairSplits.specials + words
        var ids: [String: Int32] = [:]
        for (i, word) in vocabulary.enumerated() where i >= SentencePairSplits.specials.count { ids[word] = Int32(i) }
        func sets(_ k: Int) -> SentencePairSet {
            var set = SentencePairSet(padding: SentencePairSplits.padding)
            for (premise, hypothesis, label) in tokenised[k] {
                func number(_ sentence: [String]) -> [Int32] {
                    [SentencePairSplits.start] + sentence.map { ids[$0] ?? SentencePairSplits.unknown } + [SentencePairSplits.end]
                }
                set.append(premise: number(premise), hypothesis: number(hypothesis), label: label)
            }
            return set
        }
        // Embedding rows.
        var sigma = 1.0
        if let vectors, !vectors.values.isEmpty {
            let n = Double(vectors.values.count)
            let mean = vectors.values.reduce(0.0) { $0 + Double($1) } / n
            sigma = (vectors.values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n).squareRoot()
        }
        var generator = SeededGenerator(seed: seed, stream: "word-vectors")
        var table = [Float](repeating: 0, count: vocabulary.count * vectorSize)
        for (i, word) in vocabulary.enumerated() where Int32(i) != SentencePairSplits.padding {
            if let vector = vectors?.vector(word) {
                table.replaceSubrange((i * vectorSize)..<((i + 1) * vectorSize), with: vector)
            } else {
                for j in 0..<vectorSize { table[i * vectorSize + j] = Float(generator.normal() * sigma) }
            }
        }
        return SentencePairSplits(vocabulary: vocabulary, vectors: table, vectorSize: vectorSize, train: sets(0), valid: sets(1),
                                  test: sets(2), classes: 3)
    }

    /// The word without the characters Python's `string.printable` lacks (the study's `remove_non_ascii`).
    static func printable<S: StringProtocol>(_ word: S) -> String {
        String(String.UnicodeScalarView(word.unicodeScalars.filter { $0.value >= 0x20 && $0.value < 0x7F || [9, 10, 11, 12, 13].contains($0.value) }))
    }
}
