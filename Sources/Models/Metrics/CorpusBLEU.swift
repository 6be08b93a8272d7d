// Corpus BLEU-4 as the critical-gradient study's MultiWoZ evaluation computes it (`utils/nlp.py:
// BLEUScorer`, Wen et al.'s scorer): sentences are split on whitespace, each hypothesis and its
// reference are wrapped in `GO_ … EOS_` ("Shawn's evaluation"), n-gram counts (n = 1…4) are clipped by
// the reference's and summed over the corpus, and
//
//     p_n  = clipped_n / (total_n + ε) + ε                     ε = 1e-7 (the study's smoothing)
//     BP   = 1 if c > r else exp(1 − r/c)                      c, r: hypothesis and reference lengths
//     BLEU = BP · exp(Σ_n ¼ · log p_n)
//
// `score` is that value times 100. With `wrap: false` and ε = 0 it is the standard corpus BLEU of
// Papineni et al. (single reference per sentence extends to several: clipping by the largest count
// over references, r the reference length closest to c, the first on ties).

/// Running n-gram statistics of a corpus of (hypothesis, references) pairs.
public struct CorpusBLEU: Sendable {
    /// Whether each sentence is wrapped in `GO_ … EOS_` (the study's scorer).
    public var wrap: Bool
    /// The smoothing ε.
    public var epsilon: Double
    /// Σ hypothesis n-grams and Σ clipped matches, n = 1…4.
    public private(set) var totals = [Int](repeating: 0, count: 4)
    public private(set) var matches = [Int](repeating: 0, count: 4)
    /// Σ hypothesis lengths c and Σ closest reference lengths r.
    public private(set) var hypothesisLength = 0
    public private(set) var referenceLength = 0

    /// The study's scorer by default.
    public init(wrap: Bool = true, epsilon: Double = 1e-7) {
        self.wrap = wrap
        self.epsilon = epsilon
    }

    /// Adds one hypothesis with its references (texts split on whitespace).
    public mutating func add(hypothesis: String, references: [String]) {
        add(hypothesis: hypothesis.split(whereSeparator: \.isWhitespace).map(String.init),
            references: references.map { $0.split(whereSeparator: \.isWhitespace).map(String.init) })
    }

    /// Adds one tokenised hypothesis with its tokenised references.
    public mutating func add(hypothesis: [String], references: [[String]]) {
        let hyp = wrap ? ["GO_"] + hypothesis + ["EOS_"] : hypothesis
        // The study wraps only the first reference.
        var refs = references
        if wrap, !refs.isEmpty { refs[0] = ["GO_"] + refs[0] + ["EOS_"] }
        for n in 1...4 {
            let counts = Self.ngrams(hyp, n)
            totals[n - 1] += counts.values.reduce(0, +)
            var best: [[String]: Int] = [:]
            for ref in refs {
                for (gram, count) in Self.ngrams(ref, n) where counts[gram] != nil { best[gram] = max(best[gram] ?? 0, count) }
            }
            matches[n - 1] += counts.reduce(0) { $0 + min($1.value, best[$1.key] ?? 0) }
        }
        var closest = (difference: 1000, length: 1000)
        for ref in refs {
            if closest.difference == 0 { break }
            let difference = abs(ref.count - hyp.count)
            if difference < closest.difference { closest = (difference, ref.count) }
        }
        referenceLength += closest.length
        hypothesisLength += hyp.count
    }

    /// BLEU × 100 (0 for an empty corpus).
    public var score: Double {
        guard hypothesisLength > 0 else { return 0 }
        let brevity = hypothesisLength > referenceLength ? 1 : exp(1 - Double(referenceLength) / Double(hypothesisLength))
        var logSum = 0.0
        for n in 0..<4 {
            let p = Double(matches[n]) / (Double(totals[n]) + epsilon) + epsilon
            // The study skips a zero precision (`if p_n`); with ε > 0 it never is zero.
            guard p > 0 else { return 0 }
            logSum += 0.25 * log(p)
        }
        return 100 * brevity * exp(logSum)
    }

    static func ngrams(_ words: [String], _ n: Int) -> [[String]: Int] {
        var counts: [[String]: Int] = [:]
        guard words.count >= n else { return counts }
        for i in 0...(words.count - n) { counts[Array(words[i..<(i + n)]), default: 0] += 1 }
        return counts
    }
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
