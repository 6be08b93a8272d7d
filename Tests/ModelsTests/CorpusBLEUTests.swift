// Corpus BLEU-4: the study's scorer (GO_/EOS_ wrapping, ε = 1e-7 smoothing) on hand-computed cases, and
// the standard corpus BLEU (no wrapping, no smoothing) on NLTK's published worked example.
import Foundation
import Testing
import Models

@Suite struct CorpusBLEUTests {
    func study(_ pairs: [(String, String)]) -> Double {
        var bleu = CorpusBLEU()
        for (hypothesis, reference) in pairs { bleu.add(hypothesis: hypothesis, references: [reference]) }
        return bleu.score
    }

    @Test func identicalIsOneHundred() {
        #expect(abs(study([("a b c", "a b c"), ("the cat sat on the mat", "the cat sat on the mat")]) - 100) < 1e-4)
        var plain = CorpusBLEU(wrap: false, epsilon: 0)
        plain.add(hypothesis: "one two three four five", references: ["one two three four five"])
        #expect(plain.score == 100)
    }

    @Test func noOverlapIsZero() {
        var plain = CorpusBLEU(wrap: false, epsilon: 0)
        plain.add(hypothesis: "a b c d", references: ["e f g h"])
        #expect(plain.score == 0)
        // The study's wrapping makes GO_ and EOS_ match, and ε keeps the log finite: a few 1e-4.
        #expect(study([("a b", "c d")]) < 1e-3)
        #expect(study([("a b", "c d")]) > 0)
    }

    @Test func handComputedCases() {
        // Wrapped: GO_ the cat sat on the mat EOS_ vs GO_ the cat is on the mat EOS_ (8 words each):
        // p1 = 7/8, p2 = 5/7, p3 = 3/6, p4 = 1/5; their product is 1/16, so BLEU = 100 · (1/16)^¼ = 50.
        #expect(abs(study([("the cat sat on the mat", "the cat is on the mat")]) - 50) < 1e-4)
        // A short hypothesis: GO_ the cat sat EOS_ (c = 5) vs the 8 words of the reference: p = 1, 3/4,
        // 2/3, 1/2 (product 1/4), BP = exp(1 − 8/5): BLEU = 100 · exp(−0.6) / √2.
        #expect(abs(study([("the cat sat", "the cat sat on the mat")]) - 100 * exp(-0.6) / 2.0.squareRoot()) < 1e-4)
        // Counts are summed over the corpus before the precisions are taken (not an average of sentences).
        var bleu = CorpusBLEU()
        bleu.add(hypothesis: "the cat sat on the mat", references: ["the cat is on the mat"])
        bleu.add(hypothesis: "a b c", references: ["a b c"])
        #expect(bleu.matches == [12, 9, 6, 3] && bleu.totals == [13, 11, 9, 7])
        #expect(bleu.hypothesisLength == 13 && bleu.referenceLength == 13)
        // Clipping: "the the the" against "the cat": the matches 1 "the" (+ GO_ and EOS_).
        var clipped = CorpusBLEU(wrap: false, epsilon: 0)
        clipped.add(hypothesis: "the the the", references: ["the cat"])
        #expect(clipped.matches[0] == 1 && clipped.totals[0] == 3)
    }

    /// NLTK's `corpus_bleu` documentation example (Papineni et al.'s sentences): 0.5920778868801042, and
    /// `sentence_bleu` on its first hypothesis: 0.5045666840058485.
    @Test func publishedWorkedExample() {
        let hyp1 = "It is a guide to action which ensures that the military always obeys the commands of the party"
        let ref1a = "It is a guide to action that ensures that the military will forever heed Party commands"
        let ref1b = "It is the guiding principle which guarantees the military forces always being under the command of the Party"
        let ref1c = "It is the practical guide for the army always to heed the directions of the party"
        let hyp2 = "he read the book because he was interested in world history"
        let ref2a = "he was interested in world history because he read the book"
        var corpus = CorpusBLEU(wrap: false, epsilon: 0)
        corpus.add(hypothesis: hyp1, references: [ref1a, ref1b, ref1c])
        var sentence = corpus
        corpus.add(hypothesis: hyp2, references: [ref2a])
        #expect(abs(corpus.score - 59.20778868801042) < 1e-9)
        #expect(abs(sentence.score - 50.45666840058485) < 1e-9)
        sentence = CorpusBLEU(wrap: false, epsilon: 0)
        #expect(sentence.score == 0, "an empty corpus scores 0")
    }
}
