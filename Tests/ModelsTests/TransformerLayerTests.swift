// Finite-difference checks of the transformer layers (LayerNorm, exact GELU, attention with causal and
// padding masks and dropout, token + position embedding), in the conventions of LayerGradientTests:
// Float central differences with step 1e-2, tolerance 5e-3 of the largest analytic entry, gradients
// pre-filled with an offset to check that backward adds.
import Foundation
import Testing
import Models

private func added(_ result: [Float], _ offset: Float) -> [Float] { result.map { $0 - offset } }

@Suite struct TransformerLayerTests {
    let offset: Float = 0.25

    @Test(arguments: [(3, 5), (4, 33)])
    func layerNorm(_ sizes: (Int, Int)) {
        let (n, c) = sizes
        let x = uniformValues(n * c, seed: 11, scale: 2), w = uniformValues(c, seed: 12), b = uniformValues(c, seed: 13)
        let r = uniformValues(n * c, seed: 14)
        var y = [Float](repeating: 0, count: n * c), mean = [Float](repeating: 0, count: n), rstd = mean
        layerNormForward(out: &y, mean: &mean, rstd: &rstd, input: x, weight: w, bias: b, n: n, c: c, eps: 1e-5)
        var dX = [Float](repeating: offset, count: n * c), dW = [Float](repeating: offset, count: c), dB = dW
        layerNormBackward(dInput: &dX, dWeight: &dW, dBias: &dB, dOut: r, input: x, weight: w, mean: mean, rstd: rstd, n: n, c: c)
        let report = gradientCheck([x, w, b], analytic: [added(dX, offset), added(dW, offset), added(dB, offset)],
                                   names: ["input", "weight", "bias"]) { v in
            var out = [Float](repeating: 0, count: n * c), m = [Float](repeating: 0, count: n), s = m
            layerNormForward(out: &out, mean: &m, rstd: &s, input: v[0], weight: v[1], bias: v[2], n: n, c: c, eps: 1e-5)
            return projection(r, out)
        }
        #expect(report == nil, "\(report ?? "")")
    }

    @Test func layerNormValues() {
        // One row [1, 2, 3, 4]: mean 2.5, biased variance 1.25.
        let x: [Float] = [1, 2, 3, 4], w: [Float] = [1, 1, 2, 1], b: [Float] = [0, 0, 0, 1]
        var y = [Float](repeating: 0, count: 4), mean: [Float] = [0], rstd: [Float] = [0]
        layerNormForward(out: &y, mean: &mean, rstd: &rstd, input: x, weight: w, bias: b, n: 1, c: 4, eps: 0)
        let s = 1 / Float(1.25).squareRoot()
        #expect(mean == [2.5])
        for (got, expected) in zip(y, [-1.5 * s, -0.5 * s, 1.0 * s, 1.5 * s + 1]) { #expect(abs(got - expected) < 1e-6) }
    }

    @Test func gelu() {
        let count = 41
        let x = uniformValues(count, seed: 15, scale: 4), r = uniformValues(count, seed: 16)
        var dX = [Float](repeating: offset, count: count)
        geluBackward(dInput: &dX, dOut: r, input: x, count: count)
        let report = gradientCheck([x], analytic: [added(dX, offset)], names: ["gelu"]) { v in
            var out = [Float](repeating: 0, count: count)
            geluForward(out: &out, input: v[0], count: count)
            return projection(r, out)
        }
        #expect(report == nil, "\(report ?? "")")
        // The exact (erf) form, not the tanh approximation: GELU(1) = Φ(1) = 0.8413447, GELU(−2) = −0.0455003.
        var y: [Float] = [0, 0, 0]
        geluForward(out: &y, input: [1, -2, 0], count: 3)
        #expect(abs(y[0] - 0.8413447) < 1e-6 && abs(y[1] + 0.04550026) < 1e-6 && y[2] == 0)
    }

    /// Attention with causal mask, a padding mask on some keys, and optional dropout on the probabilities.
    @Test(arguments: [false, true])
    func attention(withDropout: Bool) {
        let (b, t, c, heads) = (2, 5, 6, 2)
        let count = b * t * c
        let q = uniformValues(count, seed: 21), k = uniformValues(count, seed: 22), v = uniformValues(count, seed: 23)
        let r = uniformValues(count, seed: 24)
        // Sequence 1 has its last two positions padded; sequence 0 masks key 2 in the middle.
        let keyMask: [Float] = [1, 1, 0, 1, 1, 1, 1, 1, 0, 0]
        var dropMask = [Float](repeating: 1, count: b * heads * t * t)
        if withDropout {
            var generator = SeededGenerator(seed: 25)
            dropoutMask(&dropMask, count: dropMask.count, p: 0.3, using: &generator)
        }
        func forward(_ q: [Float], _ k: [Float], _ v: [Float], probs: inout [Float], dropped: inout [Float]) -> [Float] {
            var out = [Float](repeating: 0, count: count)
            if withDropout {
                attentionForward(out: &out, probs: &probs, q: q, k: k, v: v, keyMask: keyMask, dropoutMask: dropMask, dropped: &dropped,
                                 batch: b, steps: t, channels: c, heads: heads)
            } else {
                attentionForward(out: &out, probs: &probs, q: q, k: k, v: v, keyMask: keyMask, dropoutMask: nil, dropped: nil,
                                 batch: b, steps: t, channels: c, heads: heads)
            }
            return out
        }
        var probs = [Float](repeating: 0, count: b * heads * t * t), dropped = probs, dProbs = probs
        _ = forward(q, k, v, probs: &probs, dropped: &dropped)
        // Rows sum to 1 over visible keys; masked and future keys get exactly 0.
        for slab in 0..<(b * heads) {
            let batch = slab / heads
            for i in 0..<t {
                let row = Array(probs[(slab * t * t + i * t)..<(slab * t * t + (i + 1) * t)])
                for j in 0..<t where j > i || keyMask[batch * t + j] == 0 { #expect(row[j] == 0) }
                #expect(abs(row.reduce(0, +) - 1) < 1e-5)
            }
        }
        var dQ = [Float](repeating: offset, count: count), dK = dQ, dV = dQ
        if withDropout {
            attentionBackward(dQ: &dQ, dK: &dK, dV: &dV, dProbs: &dProbs, dOut: r, q: q, k: k, v: v, probs: probs,
                              dropoutMask: dropMask, dropped: dropped, batch: b, steps: t, channels: c, heads: heads)
        } else {
            attentionBackward(dQ: &dQ, dK: &dK, dV: &dV, dProbs: &dProbs, dOut: r, q: q, k: k, v: v, probs: probs,
                              dropoutMask: nil, dropped: nil, batch: b, steps: t, channels: c, heads: heads)
        }
        let report = gradientCheck([q, k, v], analytic: [added(dQ, offset), added(dK, offset), added(dV, offset)],
                                   names: ["q", "k", "v"]) { x in
            var p = [Float](repeating: 0, count: b * heads * t * t), w = p
            return projection(r, forward(x[0], x[1], x[2], probs: &p, dropped: &w))
        }
        #expect(report == nil, "\(report ?? "")")
    }

    /// Against a plain loop: softmax over visible keys of q·k/√d, weighted sum of v.
    @Test func attentionMatchesLoops() {
        let (b, t, c, heads) = (2, 4, 8, 2)
        let d = c / heads, count = b * t * c
        let q = uniformValues(count, seed: 31), k = uniformValues(count, seed: 32), v = uniformValues(count, seed: 33)
        var out = [Float](repeating: 0, count: count), probs = [Float](repeating: 0, count: b * heads * t * t)
        attentionForward(out: &out, probs: &probs, q: q, k: k, v: v, keyMask: nil, dropoutMask: nil, dropped: nil,
                         batch: b, steps: t, channels: c, heads: heads)
        for bb in 0..<b {
            for h in 0..<heads {
                for i in 0..<t {
                    var scores = [Double]()
                    for j in 0...i {
                        var dot = 0.0
                        for e in 0..<d { dot += Double(q[(bb * t + i) * c + h * d + e]) * Double(k[(bb * t + j) * c + h * d + e]) }
                        scores.append(dot / Double(d).squareRoot())
                    }
                    let m = scores.max()!, z = scores.map { exp($0 - m) }.reduce(0, +)
                    for e in 0..<d {
                        var y = 0.0
                        for j in 0...i { y += exp(scores[j] - m) / z * Double(v[(bb * t + j) * c + h * d + e]) }
                        #expect(abs(Double(out[(bb * t + i) * c + h * d + e]) - y) < 1e-5)
                    }
                }
            }
        }
    }

    @Test func tokenPositionEmbedding() {
        let (vocabulary, positionsCount, dim, n) = (6, 7, 3, 5)
        let tokens: [Int32] = [0, 4, 1, 4, 1], positions: [Int32] = [2, 3, 1, 4, 1]
        let word = uniformValues(vocabulary * dim, seed: 41), position = uniformValues(positionsCount * dim, seed: 42)
        let typeRow = uniformValues(dim, seed: 43), r = uniformValues(n * dim, seed: 44)
        var dWord = [Float](repeating: offset, count: vocabulary * dim), dPosition = [Float](repeating: offset, count: positionsCount * dim)
        var dType = [Float](repeating: offset, count: dim)
        tokenPositionEmbeddingBackward(dWord: &dWord, dPosition: &dPosition, dTypeRow: &dType, dOut: r, tokens: tokens,
                                       positions: positions, paddingIndex: nil, n: n, dim: dim)
        let report = gradientCheck([word, position, typeRow], analytic: [added(dWord, offset), added(dPosition, offset), added(dType, offset)],
                                   names: ["word", "position", "type"]) { x in
            var out = [Float](repeating: 0, count: n * dim)
            tokenPositionEmbeddingForward(out: &out, tokens: tokens, positions: positions, word: x[0], position: x[1],
                                          typeRow: x[2], n: n, dim: dim)
            return projection(r, out)
        }
        #expect(report == nil, "\(report ?? "")")
        // padding_idx 1: row 1 of both tables gets no lookup gradient.
        var dWordPad = [Float](repeating: 0, count: vocabulary * dim), dPositionPad = [Float](repeating: 0, count: positionsCount * dim)
        tokenPositionEmbeddingBackward(dWord: &dWordPad, dPosition: &dPositionPad, dTypeRow: nil, dOut: r, tokens: tokens,
                                       positions: positions, paddingIndex: 1, n: n, dim: dim)
        #expect(dWordPad[dim..<(2 * dim)].allSatisfy { $0 == 0 } && dPositionPad[dim..<(2 * dim)].allSatisfy { $0 == 0 })
        #expect(dWordPad[(4 * dim)..<(5 * dim)] == added(dWord, offset)[(4 * dim)..<(5 * dim)])
    }

    @Test func robertaPositionIds() {
        // The fixture's third sequence: <s> 9 9 8 </s> </s> <pad> → 2 3 4 5 6 7 1.
        let tokens: [Int32] = [0, 9, 9, 8, 2, 2, 1]
        var positions = [Int32](repeating: 0, count: 7)
        robertaPositions(out: &positions, tokens: tokens, count: 7, paddingIndex: 1)
        #expect(positions == [2, 3, 4, 5, 6, 7, 1])
    }
}
