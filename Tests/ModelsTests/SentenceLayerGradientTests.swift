// Finite-difference checks of the sentence models' layers (packed LSTM, its per-length reversal, conv1d,
// max over time, the pair features, additive attention), with `gradientCheck`'s Float central
// differences (see LayerGradientTests for the step and tolerance), plus the packing rules: outputs 0
// past each length, padded inputs never read, the final state taken at each sequence's own last step.
import Testing
import Models

@Suite struct SentenceLayerGradientTests {
    // T = 4 steps, B = 3 sequences of lengths 4, 2, 3; I = 3 inputs, H = 4 hidden.
    let steps = 4, batch = 3, inputSize = 3, hidden = 4
    let lengths: [Int32] = [4, 2, 3]

    /// Runs the packed LSTM and returns (out, h_n, c_n).
    func runLSTM(_ v: [[Float]]) -> (out: [Float], h: [Float], c: [Float]) {
        let (x, wih, whh, bih, bhh, h0, c0) = (v[0], v[1], v[2], v[3], v[4], v[5], v[6])
        let state = batch * hidden
        var h = [Float](repeating: 0, count: (steps + 1) * state), c = h
        h.replaceSubrange(0..<state, with: h0)
        c.replaceSubrange(0..<state, with: c0)
        var out = [Float](repeating: 0, count: steps * state)
        var gates = [Float](repeating: 0, count: steps * batch * 4 * hidden), tanhC = [Float](repeating: 0, count: steps * state)
        packedLSTMForward(out: &out, h: &h, c: &c, gates: &gates, tanhC: &tanhC, input: x, lengths: lengths, weightIH: wih,
                          weightHH: whh, biasIH: bih, biasHH: bhh, steps: steps, batch: batch, inputSize: inputSize, hidden: hidden)
        return (out, Array(h[(steps * state)...]), Array(c[(steps * state)...]))
    }

    @Test func packedLSTMGradients() {
        let state = batch * hidden, g4 = 4 * hidden
        let values = [uniformValues(steps * batch * inputSize, seed: 11), uniformValues(g4 * inputSize, seed: 12, scale: 0.5),
                      uniformValues(g4 * hidden, seed: 13, scale: 0.5), uniformValues(g4, seed: 14, scale: 0.5),
                      uniformValues(g4, seed: 15, scale: 0.5), uniformValues(state, seed: 16), uniformValues(state, seed: 17)]
        let rOut = uniformValues(steps * state, seed: 18), rH = uniformValues(state, seed: 19), rC = uniformValues(state, seed: 20)
        func loss(_ v: [[Float]]) -> Double {
            let (out, h, c) = runLSTM(v)
            return projection(rOut, out) + projection(rH, h) + projection(rC, c)
        }
        // Forward again with buffers kept for the backward.
        let (x, wih, whh, bih, bhh, h0, c0) = (values[0], values[1], values[2], values[3], values[4], values[5], values[6])
        var h = [Float](repeating: 0, count: (steps + 1) * state), c = h
        h.replaceSubrange(0..<state, with: h0)
        c.replaceSubrange(0..<state, with: c0)
        var out = [Float](repeating: 0, count: steps * state)
        var gates = [Float](repeating: 0, count: steps * batch * g4), tanhC = [Float](repeating: 0, count: steps * state)
        packedLSTMForward(out: &out, h: &h, c: &c, gates: &gates, tanhC: &tanhC, input: x, lengths: lengths, weightIH: wih,
                          weightHH: whh, biasIH: bih, biasHH: bhh, steps: steps, batch: batch, inputSize: inputSize, hidden: hidden)
        var dX = [Float](repeating: 0, count: x.count), dWih = [Float](repeating: 0, count: wih.count)
        var dWhh = [Float](repeating: 0, count: whh.count), dBih = [Float](repeating: 0, count: g4), dBhh = dBih
        var dH0 = [Float](repeating: 0, count: state), dC0 = dH0, scratch = dH0
        var dGates = [Float](repeating: 0, count: steps * batch * g4)
        packedLSTMBackward(dInput: &dX, dWeightIH: &dWih, dWeightHH: &dWhh, dBiasIH: &dBih, dBiasHH: &dBhh, dH0: &dH0, dC0: &dC0,
                           dGates: &dGates, scratch: &scratch, dOut: rOut, dHFinal: rH, dCFinal: rC, input: x, lengths: lengths,
                           h: h, c: c, gates: gates, tanhC: tanhC, weightIH: wih, weightHH: whh,
                           steps: steps, batch: batch, inputSize: inputSize, hidden: hidden)
        let report = gradientCheck(values, analytic: [dX, dWih, dWhh, dBih, dBhh, dH0, dC0],
                                   names: ["input", "weight_ih", "weight_hh", "bias_ih", "bias_hh", "h0", "c0"], loss: loss)
        #expect(report == nil, "\(report ?? "")")
        // Packing: outputs 0 past each length; the padded inputs get no gradient.
        for t in 0..<steps {
            for b in 0..<batch where t >= Int(lengths[b]) {
                #expect(out[(t * batch + b) * hidden..<(t * batch + b + 1) * hidden].allSatisfy { $0 == 0 })
                #expect(dX[(t * batch + b) * inputSize..<(t * batch + b + 1) * inputSize].allSatisfy { $0 == 0 })
            }
        }
        // h_n is the output at each sequence's own last step.
        for b in 0..<batch {
            let last = Int(lengths[b]) - 1
            #expect(Array(h[(steps * state + b * hidden)..<(steps * state + (b + 1) * hidden)])
                    == Array(out[((last * batch + b) * hidden)..<((last * batch + b + 1) * hidden)]))
        }
    }

    @Test func paddedInputsAreNeverRead() {
        var values = [uniformValues(steps * batch * inputSize, seed: 21), uniformValues(4 * hidden * inputSize, seed: 22),
                      uniformValues(4 * hidden * hidden, seed: 23), uniformValues(4 * hidden, seed: 24), uniformValues(4 * hidden, seed: 25),
                      [Float](repeating: 0, count: batch * hidden), [Float](repeating: 0, count: batch * hidden)]
        let before = runLSTM(values)
        for t in 0..<steps {
            for b in 0..<batch where t >= Int(lengths[b]) {
                for i in 0..<inputSize { values[0][(t * batch + b) * inputSize + i] = .nan }
            }
        }
        let after = runLSTM(values)
        #expect(before.out == after.out && before.h == after.h && before.c == after.c)
    }

    @Test func reversalWithinLengths() {
        let width = 2
        let x = uniformValues(steps * batch * width, seed: 31)
        var reversed = [Float](repeating: 0, count: x.count), twice = reversed
        reverseWithinLengths(&reversed, x, lengths: lengths, steps: steps, batch: batch, width: width)
        reverseWithinLengths(&twice, reversed, lengths: lengths, steps: steps, batch: batch, width: width)
        for t in 0..<steps {
            for b in 0..<batch {
                let row = (t * batch + b) * width
                if t < Int(lengths[b]) {
                    #expect(twice[row..<row + width] == x[row..<row + width])
                    let source = ((Int(lengths[b]) - 1 - t) * batch + b) * width
                    #expect(reversed[row..<row + width] == x[source..<source + width])
                } else {
                    #expect(reversed[row..<row + width].allSatisfy { $0 == 0 })
                }
            }
        }
        // The adjoint: <reverse(x), y> = <x, addReversed(y)>.
        let y = uniformValues(x.count, seed: 32)
        var adjoint = [Float](repeating: 0, count: x.count)
        addReversedWithinLengths(&adjoint, y, lengths: lengths, steps: steps, batch: batch, width: width)
        #expect(abs(projection(y, reversed) - projection(adjoint, x)) < 1e-5)
    }

    @Test(arguments: [(5, 2, 3, 4), (1, 3, 2, 2), (7, 1, 4, 5)])
    func conv1d(_ sizes: (Int, Int, Int, Int)) {
        let (t, b, c, oc) = sizes
        let x = uniformValues(t * b * c, seed: 41), w = uniformValues(oc * c * 3, seed: 42), bias = uniformValues(oc, seed: 43)
        let r = uniformValues(t * b * oc, seed: 44)
        func run(_ v: [[Float]]) -> [Float] {
            var out = [Float](repeating: 0, count: t * b * oc), taps = [Float](repeating: 0, count: 3 * oc * c)
            conv1dForward(out: &out, taps: &taps, input: v[0], weight: v[1], bias: v[2], steps: t, batch: b, c: c, oc: oc, kernel: 3)
            return out
        }
        // The definition, y[t,b,o] = bias[o] + Σ W[o,ch,j] x[t+j−1, b, ch], on one entry.
        let out = run([x, w, bias])
        var expected = Double(bias[oc - 1])
        let (tt, bb, o) = (t - 1, b - 1, oc - 1)
        for ch in 0..<c {
            for j in 0..<3 where (0..<t).contains(tt + j - 1) {
                expected += Double(w[(o * c + ch) * 3 + j]) * Double(x[((tt + j - 1) * b + bb) * c + ch])
            }
        }
        #expect(abs(Double(out[(tt * b + bb) * oc + o]) - expected) < 1e-5)
        var taps = [Float](repeating: 0, count: 3 * oc * c), dTaps = taps, o2 = [Float](repeating: 0, count: t * b * oc)
        conv1dForward(out: &o2, taps: &taps, input: x, weight: w, bias: bias, steps: t, batch: b, c: c, oc: oc, kernel: 3)
        var dX = [Float](repeating: 0, count: x.count), dW = [Float](repeating: 0, count: w.count), dB = [Float](repeating: 0, count: oc)
        conv1dBackward(dInput: &dX, dWeight: &dW, dBias: &dB, dTaps: &dTaps, dOut: r, input: x, taps: taps,
                       steps: t, batch: b, c: c, oc: oc, kernel: 3)
        let report = gradientCheck([x, w, bias], analytic: [dX, dW, dB], names: ["input", "weight", "bias"]) { projection(r, run($0)) }
        #expect(report == nil, "\(report ?? "")")
        // Written rather than added, the input gradient ignores what dInput held and has the same bits;
        // the fused ReLU is reluForward's.
        var written = dX.map { _ in Float.nan }, dW2 = dW, dB2 = dB
        conv1dBackward(dInput: &written, dWeight: &dW2, dBias: &dB2, dTaps: &dTaps, dOut: r, input: x, taps: taps,
                       steps: t, batch: b, c: c, oc: oc, kernel: 3, accumulate: false)
        #expect(written == dX)
        var rectified = o2
        conv1dForward(out: &rectified, taps: &taps, input: x, weight: w, bias: bias, steps: t, batch: b, c: c, oc: oc, kernel: 3, relu: true)
        #expect(rectified == o2.map { $0 > 0 ? $0 : 0 })
    }

    /// A gradient at one step per (b, o), some of them 0 and some at the first or last step (where a
    /// tap falls off the sequence), gives the dense backward's gradients for the same scattered dOut.
    @Test(arguments: [(5, 3, 4, 6), (1, 2, 3, 2), (6, 1, 5, 3), (4, 3, 83, 5)])
    func conv1dAtOneStep(_ sizes: (Int, Int, Int, Int)) {
        let (t, b, c, oc) = sizes
        let x = uniformValues(t * b * c, seed: 61), w = uniformValues(oc * c * 3, seed: 62), bias = uniformValues(oc, seed: 63)
        var g = uniformValues(b * oc, seed: 64)
        let step = (0..<(b * oc)).map { Int32(($0 * 7 + $0 / oc) % t) }
        for i in stride(from: 0, to: g.count, by: 5) { g[i] = 0 }
        var dOut = [Float](repeating: 0, count: t * b * oc)
        for i in 0..<(b * oc) { dOut[Int(step[i]) * b * oc + i] = g[i] }
        var taps = [Float](repeating: 0, count: 3 * oc * c), dTaps = taps, out = [Float](repeating: 0, count: t * b * oc)
        conv1dForward(out: &out, taps: &taps, input: x, weight: w, bias: bias, steps: t, batch: b, c: c, oc: oc, kernel: 3)
        // Both add into gradients that already hold something.
        let start = uniformValues(x.count + w.count + oc, seed: 65)
        var dX = Array(start[0..<x.count]), dW = Array(start[x.count..<(x.count + w.count)]), dB = Array(start[(x.count + w.count)...])
        var sparseX = dX, sparseW = dW, sparseB = dB
        conv1dBackward(dInput: &dX, dWeight: &dW, dBias: &dB, dTaps: &dTaps, dOut: dOut, input: x, taps: taps,
                       steps: t, batch: b, c: c, oc: oc, kernel: 3)
        conv1dBackwardAtOneStep(dInput: &sparseX, dWeight: &sparseW, dBias: &sparseB, dTaps: &dTaps, g: g, step: step, input: x,
                                taps: taps, steps: t, batch: b, c: c, oc: oc, kernel: 3)
        for (dense, sparse) in [(dX, sparseX), (dW, sparseW), (dB, sparseB)] {
            #expect(zip(dense, sparse).allSatisfy { abs($0 - $1) <= 1e-6 * max(1, abs($0)) }, "\(dense) vs \(sparse)")
        }
    }

    /// The first layer over distinct tokens gives conv1d's output and weight and bias gradients on the
    /// looked-up sentence; tokens repeat within and across steps, and a token numbering is left reusable.
    @Test(arguments: [(5, 3, 4, 6), (1, 2, 3, 2), (4, 1, 5, 3)])
    func tokenConv1d(_ sizes: (Int, Int, Int, Int)) {
        let (t, b, c, oc) = sizes, vocabulary = 7
        let table = uniformValues(vocabulary * c, seed: 71), w = uniformValues(oc * c * 3, seed: 72), bias = uniformValues(oc, seed: 73)
        let tokens = (0..<(t * b)).map { Int32(($0 * 5 + $0 / 3) % vocabulary) }
        var x = [Float](repeating: 0, count: t * b * c)
        embeddingForward(out: &x, tokens: tokens, weight: table, n: t * b, dim: c)
        var numbers = [Int32](repeating: -1, count: vocabulary)
        var index = [Int32](repeating: 0, count: t * b), distinct = index
        let count = numberDistinctTokens(index: &index, distinct: &distinct, tokens: tokens, n: t * b, numbers: &numbers)
        #expect(count == Set(tokens).count && numbers.allSatisfy { $0 == -1 })
        #expect((0..<(t * b)).allSatisfy { distinct[Int(index[$0])] == tokens[$0] })
        var vectors = [Float](repeating: 0, count: count * c)
        embeddingForward(out: &vectors, tokens: distinct, weight: table, n: count, dim: c)

        var taps = [Float](repeating: 0, count: 3 * oc * c), dTaps = taps, out = [Float](repeating: 0, count: t * b * oc)
        conv1dForward(out: &out, taps: &taps, input: x, weight: w, bias: bias, steps: t, batch: b, c: c, oc: oc, kernel: 3)
        var products = [Float](repeating: 0, count: count * 3 * oc), tokenOut = out.map { _ in Float.nan }
        tokenConv1dProducts(products: &products, taps: &taps, vectors: vectors, weight: w, distinct: count, c: c, oc: oc, kernel: 3)
        tokenConv1dForward(out: &tokenOut, products: products, index: index, bias: bias, steps: t, batch: b, oc: oc, kernel: 3)
        #expect(zip(out, tokenOut).allSatisfy { abs($0 - $1) <= 1e-6 * max(1, abs($0)) }, "\(out) vs \(tokenOut)")

        let dOut = uniformValues(t * b * oc, seed: 74), start = uniformValues(w.count + oc, seed: 75)
        var dW = Array(start[0..<w.count]), dB = Array(start[w.count...]), tokenW = dW, tokenB = dB
        conv1dBackward(dInput: nil, dWeight: &dW, dBias: &dB, dTaps: &dTaps, dOut: dOut, input: x, taps: taps,
                       steps: t, batch: b, c: c, oc: oc, kernel: 3)
        var dProducts = [Float](repeating: 0, count: products.count)
        tokenConv1dBackward(dProducts: &dProducts, dBias: &tokenB, dOut: dOut, index: index, steps: t, batch: b, oc: oc, kernel: 3)
        tokenConv1dWeightGradient(dWeight: &tokenW, dTaps: &dTaps, dProducts: dProducts, vectors: vectors, distinct: count,
                                  c: c, oc: oc, kernel: 3)
        for (dense, token) in [(dW, tokenW), (dB, tokenB)] {
            #expect(zip(dense, token).allSatisfy { abs($0 - $1) <= 1e-6 * max(1, abs($0)) }, "\(dense) vs \(token)")
        }
    }

    @Test func maxOverTime() {
        let (t, b, width) = (5, 3, 4)
        // Distinct values, so the winner is never within a step of the runner-up.
        var x = (0..<(t * b * width)).map { Float($0) * 0.05 - 1.5 }
        var generator = SeededGenerator(seed: 51, stream: "shuffle")
        generator.shuffle(&x)
        let r = uniformValues(b * width, seed: 52)
        func run(_ input: [Float]) -> [Float] {
            var out = [Float](repeating: 0, count: b * width), argmax = [Int32](repeating: 0, count: b * width)
            maxOverTimeForward(out: &out, argmax: &argmax, input: input, steps: t, batch: b, width: width)
            return out
        }
        var out = [Float](repeating: 0, count: b * width), argmax = [Int32](repeating: 0, count: b * width)
        maxOverTimeForward(out: &out, argmax: &argmax, input: x, steps: t, batch: b, width: width)
        for i in 0..<(b * width) { #expect(out[i] == (0..<t).map { x[$0 * b * width + i] }.max()!) }
        var dX = [Float](repeating: 0, count: x.count)
        maxOverTimeBackward(dInput: &dX, dOut: r, argmax: argmax, batch: b, width: width)
        let report = gradientCheck([x], analytic: [dX], names: ["input"], step: 1e-3) { projection(r, run($0[0])) }
        #expect(report == nil, "\(report ?? "")")
    }

    @Test func pairFeatures() {
        let (b, d) = (3, 5)
        // v = u + a gap of at least 0.1, so |u − v| never crosses its kink within a step.
        let u = uniformValues(b * d, seed: 61), vv = zip(u, valuesAwayFromZero(b * d, seed: 63)).map { $0 + $1 }
        let r = uniformValues(b * 4 * d, seed: 64)
        func run(_ x: [[Float]]) -> [Float] {
            var out = [Float](repeating: 0, count: b * 4 * d)
            pairFeaturesForward(out: &out, u: x[0], v: x[1], batch: b, dim: d)
            return out
        }
        let out = run([u, vv])
        #expect(out[2 * d] == abs(u[0] - vv[0]) && out[3 * d + 1] == u[1] * vv[1] && out[d] == vv[0])
        var du = [Float](repeating: 0, count: b * d), dv = du
        pairFeaturesBackward(du: &du, dv: &dv, dOut: r, u: u, v: vv, batch: b, dim: d)
        let report = gradientCheck([u, vv], analytic: [du, dv], names: ["u", "v"], step: 1e-3) { projection(r, run($0)) }
        #expect(report == nil, "\(report ?? "")")
        // |x|' is 0 at 0 (PyTorch's sign).
        var du0 = [Float](repeating: 0, count: d), dv0 = du0
        var dOut = [Float](repeating: 0, count: 4 * d)
        dOut[2 * d] = 1
        pairFeaturesBackward(du: &du0, dv: &dv0, dOut: dOut, u: u, v: u, batch: 1, dim: d)
        #expect(du0[0] == 0 && dv0[0] == 0)
    }

    @Test func additiveAttention() {
        let (s, b, h) = (4, 3, 3)
        let hPrev = uniformValues(b * h, seed: 71), enc = uniformValues(s * b * h, seed: 72)
        let w = uniformValues(h * 2 * h, seed: 73), bias = uniformValues(h, seed: 74), v = uniformValues(h, seed: 75)
        let r = uniformValues(b * h, seed: 76)
        func run(_ x: [[Float]]) -> (context: [Float], z: [Float], a: [Float], projection: [Float]) {
            var projected = [Float](repeating: 0, count: s * b * h), context = [Float](repeating: 0, count: b * h)
            var z = [Float](repeating: 0, count: s * b * h), a = [Float](repeating: 0, count: b * s), hp = [Float](repeating: 0, count: b * h)
            attentionProjectEncoder(encProjection: &projected, encoder: x[1], weight: x[2], bias: x[3], steps: s, batch: b, hidden: h)
            attentionForward(context: &context, z: &z, weights: &a, hProjection: &hp, hPrev: x[0], encoder: x[1], encProjection: projected,
                             weight: x[2], v: x[4], steps: s, batch: b, hidden: h)
            return (context, z, a, projected)
        }
        let values = [hPrev, enc, w, bias, v]
        let forward = run(values)
        for i in 0..<b { #expect(abs((0..<s).map { Double(forward.a[i * s + $0]) }.reduce(0, +) - 1) < 1e-6) }
        var dH = [Float](repeating: 0, count: b * h), dEnc = [Float](repeating: 0, count: s * b * h), dProj = dEnc
        var dW = [Float](repeating: 0, count: w.count), dBias = [Float](repeating: 0, count: h), dV = dBias
        var dZ = dEnc, dScores = [Float](repeating: 0, count: b * s), dHP = dH
        attentionBackward(dHPrev: &dH, dEncoder: &dEnc, dEncProjection: &dProj, dWeight: &dW, dV: &dV, dZ: &dZ, dScores: &dScores,
                          dHProjection: &dHP, dContext: r, hPrev: hPrev, encoder: enc, z: forward.z, weights: forward.a, weight: w, v: v,
                          steps: s, batch: b, hidden: h)
        attentionProjectEncoderBackward(dEncoder: &dEnc, dWeight: &dW, dBias: &dBias, dProjection: dProj, encoder: enc, weight: w,
                                        steps: s, batch: b, hidden: h)
        let report = gradientCheck(values, analytic: [dH, dEnc, dW, dBias, dV], names: ["h_prev", "encoder", "weight", "bias", "v"]) {
            projection(r, run($0).context)
        }
        #expect(report == nil, "\(report ?? "")")
    }
}
