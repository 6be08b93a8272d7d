// Finite-difference checks of every layer's backward, in Float (the layers have no Double path): central
// differences with step 1e-2 on inputs of order 1, the loss a random projection of the output summed in
// Double. Rounding of the Float outputs then costs ~1e-5 of the gradient and truncation ~1e-4, so a 5e-3
// tolerance (normalised by the largest analytic entry) passes correct code and fails any missing term.
// Gradients are pre-filled with an offset to check that every backward adds rather than overwrites.
import Testing
import Models

/// `analytic − offset` element-wise: what a backward added on top of a pre-filled buffer.
private func added(_ result: [Float], _ offset: Float) -> [Float] { result.map { $0 - offset } }

@Suite struct LayerGradientTests {
    let offset: Float = 0.25

    @Test(arguments: [(3, 5, 4), (2, 17, 33)])
    func linear(_ sizes: (Int, Int, Int)) {
        let (n, c, oc) = sizes
        let x = uniformValues(n * c, seed: 1), w = uniformValues(oc * c, seed: 2), b = uniformValues(oc, seed: 3)
        let r = uniformValues(n * oc, seed: 4)
        var dX = [Float](repeating: offset, count: n * c), dW = [Float](repeating: offset, count: oc * c)
        var dB = [Float](repeating: offset, count: oc)
        linearBackward(dInput: &dX, dWeight: &dW, dBias: &dB, dOut: r, input: x, weight: w, n: n, c: c, oc: oc)
        let report = gradientCheck([x, w, b], analytic: [added(dX, offset), added(dW, offset), added(dB, offset)],
                                   names: ["input", "weight", "bias"]) { v in
            var out = [Float](repeating: 0, count: n * oc)
            linearForward(out: &out, input: v[0], weight: v[1], bias: v[2], n: n, c: c, oc: oc)
            return projection(r, out)
        }
        #expect(report == nil, "\(report ?? "")")
    }

    @Test func pointwiseActivations() {
        let count = 37
        let x = valuesAwayFromZero(count, seed: 5).map { 2 * $0 }, r = uniformValues(count, seed: 6)
        typealias Forward = (UnsafeMutablePointer<Float>, UnsafePointer<Float>, Int) -> Void
        typealias Backward = (UnsafeMutablePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, Int) -> Void
        let layers: [(String, Forward, Backward)] = [
            ("relu", { reluForward(out: $0, input: $1, count: $2) }, { reluBackward(dInput: $0, dOut: $1, out: $2, count: $3) }),
            ("tanh", { tanhForward(out: $0, input: $1, count: $2) }, { tanhBackward(dInput: $0, dOut: $1, out: $2, count: $3) }),
            ("sigmoid", { sigmoidForward(out: $0, input: $1, count: $2) },
             { sigmoidBackward(dInput: $0, dOut: $1, out: $2, count: $3) }),
            ("scale", { scaleForward(out: $0, input: $1, factor: 0.3, count: $2) },
             { scaleBackward(dInput: $0, dOut: $1, factor: 0.3, count: $3) }),
        ]
        for (name, forward, backward) in layers {
            var y = [Float](repeating: 0, count: count), dX = [Float](repeating: offset, count: count)
            forward(&y, x, count)
            backward(&dX, r, y, count)
            let report = gradientCheck([x], analytic: [added(dX, offset)], names: [name]) { v in
                var out = [Float](repeating: 0, count: count)
                forward(&out, v[0], count)
                return projection(r, out)
            }
            #expect(report == nil, "\(report ?? "")")
        }
    }

    @Test func activationValues() {
        let x: [Float] = [-3, -0.5, 0, 0.25, 2, 10, -20, 1e-3]
        var y = [Float](repeating: 0, count: x.count)
        tanhForward(out: &y, input: x, count: x.count)
        for i in x.indices { #expect(abs(Double(y[i]) - _tanh(Double(x[i]))) <= 2e-7 * max(1e-3, abs(_tanh(Double(x[i]))))) }
        sigmoidForward(out: &y, input: x, count: x.count)
        for i in x.indices {
            let expected = 1 / (1 + _exp(-Double(x[i])))
            #expect(abs(Double(y[i]) - expected) <= 3e-7 * expected)
        }
        reluForward(out: &y, input: x, count: x.count)
        #expect(y == x.map { max($0, 0) })
    }

    @Test func softmaxCrossEntropyAndItsLogSoftmaxNLLForm() {
        let (n, classes) = (4, 19)
        let logits = uniformValues(n * classes, seed: 7, scale: 3)
        let labels: [Int32] = [0, 18, 5, 5]
        var probs = [Float](repeating: 0, count: n * classes)
        let (lossSum, _) = softmaxCrossEntropyForward(probs: &probs, logits: logits, labels: labels, n: n, classes: classes)
        var dLogits = [Float](repeating: offset, count: n * classes)
        softmaxCrossEntropyBackward(dLogits: &dLogits, probs: probs, labels: labels, n: n, classes: classes, scale: 1 / Float(n))
        let report = gradientCheck([logits], analytic: [added(dLogits, offset)], names: ["logits"]) { v in
            var p = [Float](repeating: 0, count: n * classes)
            return softmaxCrossEntropyForward(probs: &p, logits: v[0], labels: labels, n: n, classes: classes).lossSum / Double(n)
        }
        #expect(report == nil, "\(report ?? "")")

        // log-softmax then NLL is the same function with the same gradient.
        var logProbs = [Float](repeating: 0, count: n * classes)
        logSoftmaxForward(out: &logProbs, input: logits, n: n, classes: classes)
        let nll = nllForward(logProbs: logProbs, labels: labels, n: n, classes: classes)
        #expect(abs(nll - lossSum) <= 1e-5 * abs(lossSum))
        var dLogProbs = [Float](repeating: 0, count: n * classes), dInput = [Float](repeating: offset, count: n * classes)
        nllBackward(dLogProbs: &dLogProbs, labels: labels, n: n, classes: classes, scale: 1 / Float(n))
        logSoftmaxBackward(dInput: &dInput, dOut: dLogProbs, out: logProbs, n: n, classes: classes)
        for i in dInput.indices { #expect(abs(dInput[i] - dLogits[i]) <= 1e-6) }
        let composed = gradientCheck([logits], analytic: [added(dInput, offset)], names: ["log-softmax+nll"]) { v in
            var y = [Float](repeating: 0, count: n * classes)
            logSoftmaxForward(out: &y, input: v[0], n: n, classes: classes)
            return nllForward(logProbs: y, labels: labels, n: n, classes: classes) / Double(n)
        }
        #expect(composed == nil, "\(composed ?? "")")
    }

    @Test func crossEntropyCountsFirstMaximumAsThePrediction() {
        // Row 0: label is the unique maximum. Row 1: a tie, label is the second maximum (argmax takes
        // the first). Row 2: label below the maximum.
        let logits: [Float] = [0, 2, 1, 3, 1, 3, 5, 0, 1]
        var probs = [Float](repeating: 0, count: 9)
        let result = softmaxCrossEntropyForward(probs: &probs, logits: logits, labels: [1, 2, 2], n: 3, classes: 3)
        #expect(result.correct == 1)
        // Large logits stay finite (the maximum is subtracted).
        let big: [Float] = [1000, 0, -1000]
        let huge = softmaxCrossEntropyForward(probs: &probs, logits: big, labels: [1], n: 1, classes: 3)
        #expect(abs(huge.lossSum - 1000) < 1e-3)
    }

    @Test func squaredErrorAndBinaryCrossEntropy() {
        let count = 23
        let prediction = uniformValues(count, seed: 8), target = uniformValues(count, seed: 9).map { ($0 + 1) / 2 }
        var dP = [Float](repeating: offset, count: count)
        squaredErrorBackward(dPrediction: &dP, prediction: prediction, target: target, count: count, scale: 1 / Float(count))
        let mse = gradientCheck([prediction], analytic: [added(dP, offset)], names: ["mse"]) { v in
            squaredErrorForward(prediction: v[0], target: target, count: count) / Double(count)
        }
        #expect(mse == nil, "\(mse ?? "")")

        let logits = uniformValues(count, seed: 10, scale: 4)
        var probability = [Float](repeating: 0, count: count)
        let fused = sigmoidBinaryCrossEntropyForward(probability: &probability, logits: logits, target: target, count: count)
        var dZ = [Float](repeating: offset, count: count)
        sigmoidBinaryCrossEntropyBackward(dLogits: &dZ, probability: probability, target: target, count: count, scale: 1 / Float(count))
        let fusedCheck = gradientCheck([logits], analytic: [added(dZ, offset)], names: ["sigmoid+bce"]) { v in
            var p = [Float](repeating: 0, count: count)
            return sigmoidBinaryCrossEntropyForward(probability: &p, logits: v[0], target: target, count: count) / Double(count)
        }
        #expect(fusedCheck == nil, "\(fusedCheck ?? "")")

        // BCE on probabilities is the same loss, and its gradient through the sigmoid the same gradient.
        let plain = binaryCrossEntropyForward(probability: probability, target: target, count: count)
        #expect(abs(plain - fused) <= 1e-5 * fused)
        var dProbability = [Float](repeating: 0, count: count), dZ2 = [Float](repeating: 0, count: count)
        binaryCrossEntropyBackward(dProbability: &dProbability, probability: probability, target: target, count: count,
                                   scale: 1 / Float(count))
        sigmoidBackward(dInput: &dZ2, dOut: dProbability, out: probability, count: count)
        for i in 0..<count { #expect(abs(dZ2[i] - added(dZ, offset)[i]) <= 1e-5) }
        let bceCheck = gradientCheck([probability], analytic: [dProbability], names: ["bce"], step: 1e-3) { v in
            binaryCrossEntropyForward(probability: v[0], target: target, count: count) / Double(count)
        }
        #expect(bceCheck == nil, "\(bceCheck ?? "")")
        // p = 0 or 1 gives BCELoss's clamped log, not infinity.
        let saturated = binaryCrossEntropyForward(probability: [0, 1], target: [1, 0], count: 2)
        #expect(saturated == 200)
    }

    @Test(arguments: [(3, 2, 5), (2, 3, 20)])
    func batchNormTraining(_ sizes: (Int, Int, Int)) {
        let (n, c, hw) = sizes
        let count = n * c * hw
        let x = uniformValues(count, seed: 11, scale: 2).map { $0 + 0.5 }
        let gamma = uniformValues(c, seed: 12).map { $0 + 1.5 }, beta = uniformValues(c, seed: 13)
        let r = uniformValues(count, seed: 14)
        var out = [Float](repeating: 0, count: count), mean = [Float](repeating: 0, count: c), invStd = mean
        var runningMean = [Float](repeating: 0.2, count: c), runningVar = [Float](repeating: 1.5, count: c)
        batchNorm2dTrainingForward(out: &out, mean: &mean, invStd: &invStd, input: x, weight: gamma, bias: beta,
                                   runningMean: &runningMean, runningVar: &runningVar, n: n, c: c, hw: hw, eps: 1e-5, momentum: 0.1)
        var dX = [Float](repeating: offset, count: count), dGamma = [Float](repeating: offset, count: c), dBeta = dGamma
        batchNorm2dBackward(dInput: &dX, dWeight: &dGamma, dBias: &dBeta, dOut: r, input: x, weight: gamma, mean: mean,
                            invStd: invStd, n: n, c: c, hw: hw)
        let report = gradientCheck([x, gamma, beta], analytic: [added(dX, offset), added(dGamma, offset), added(dBeta, offset)],
                                   names: ["input", "weight", "bias"]) { v in
            var y = [Float](repeating: 0, count: count), m = [Float](repeating: 0, count: c), s = m, rm = m, rv = m
            batchNorm2dTrainingForward(out: &y, mean: &m, invStd: &s, input: v[0], weight: v[1], bias: v[2],
                                       runningMean: &rm, runningVar: &rv, n: n, c: c, hw: hw, eps: 1e-5, momentum: 0.1)
            return projection(r, y)
        }
        #expect(report == nil, "\(report ?? "")")

        // Statistics and running updates, against a direct Double computation.
        for ch in 0..<c {
            var values: [Double] = []
            for s in 0..<n { for i in 0..<hw { values.append(Double(x[(s * c + ch) * hw + i])) } }
            let mu = values.reduce(0, +) / Double(values.count)
            let variance = values.map { ($0 - mu) * ($0 - mu) }.reduce(0, +) / Double(values.count)
            #expect(abs(Double(mean[ch]) - mu) < 1e-6)
            #expect(abs(Double(invStd[ch]) - 1 / (variance + 1e-5).squareRoot()) < 1e-5 * Double(invStd[ch]))
            #expect(abs(Double(runningMean[ch]) - (0.9 * 0.2 + 0.1 * mu)) < 1e-6)
            let unbiased = variance * Double(values.count) / Double(values.count - 1)
            #expect(abs(Double(runningVar[ch]) - (0.9 * 1.5 + 0.1 * unbiased)) < 1e-5)
        }

        // Evaluation mode normalises with the running statistics.
        var evaluated = [Float](repeating: 0, count: count)
        batchNorm2dEvaluationForward(out: &evaluated, input: x, weight: gamma, bias: beta, runningMean: runningMean,
                                     runningVar: runningVar, n: n, c: c, hw: hw, eps: 1e-5)
        for i in [0, count / 2, count - 1] {
            let ch = (i / hw) % c
            let expected = (Double(x[i]) - Double(runningMean[ch])) / (Double(runningVar[ch]) + 1e-5).squareRoot() * Double(gamma[ch]) + Double(beta[ch])
            #expect(abs(Double(evaluated[i]) - expected) < 1e-5)
        }
    }

    /// BatchNorm with its ReLU fused is exactly ReLU after BatchNorm, forward and backward.
    @Test func batchNormWithFusedReLU() {
        let (n, c, hw) = (3, 4, 21)
        let count = n * c * hw
        let x = uniformValues(count, seed: 40, scale: 2), gamma = uniformValues(c, seed: 41).map { $0 + 1.5 }
        let beta = uniformValues(c, seed: 42), r = uniformValues(count, seed: 43)
        func forward(relu: Bool) -> (out: [Float], mean: [Float], invStd: [Float]) {
            var out = [Float](repeating: 0, count: count), mean = [Float](repeating: 0, count: c), invStd = mean
            var rm = [Float](repeating: 0, count: c), rv = rm
            batchNorm2dTrainingForward(out: &out, mean: &mean, invStd: &invStd, input: x, weight: gamma, bias: beta,
                                       runningMean: &rm, runningVar: &rv, n: n, c: c, hw: hw, eps: 1e-5, momentum: 0.1, relu: relu)
            return (out, mean, invStd)
        }
        let plain = forward(relu: false), fused = forward(relu: true)
        var relu = [Float](repeating: 0, count: count)
        reluForward(out: &relu, input: plain.out, count: count)
        #expect(fused.out == relu)
        var masked = [Float](repeating: 0, count: count)
        reluBackward(dInput: &masked, dOut: r, out: relu, count: count)
        var dX1 = [Float](repeating: 0, count: count), dG1 = [Float](repeating: 0, count: c), dB1 = dG1
        batchNorm2dBackward(dInput: &dX1, dWeight: &dG1, dBias: &dB1, dOut: masked, input: x, weight: gamma, mean: plain.mean,
                            invStd: plain.invStd, n: n, c: c, hw: hw)
        var dX2 = [Float](repeating: 0, count: count), dG2 = [Float](repeating: 0, count: c), dB2 = dG2
        batchNorm2dBackward(dInput: &dX2, dWeight: &dG2, dBias: &dB2, dOut: r, input: x, weight: gamma, mean: fused.mean,
                            invStd: fused.invStd, n: n, c: c, hw: hw, reluOutput: fused.out)
        #expect(dX1 == dX2 && dG1 == dG2 && dB1 == dB2)
        // Evaluation mode likewise.
        var e1 = [Float](repeating: 0, count: count), e2 = e1
        batchNorm2dEvaluationForward(out: &e1, input: x, weight: gamma, bias: beta, runningMean: beta, runningVar: gamma,
                                     n: n, c: c, hw: hw, eps: 1e-5)
        batchNorm2dEvaluationForward(out: &e2, input: x, weight: gamma, bias: beta, runningMean: beta, runningVar: gamma,
                                     n: n, c: c, hw: hw, eps: 1e-5, relu: true)
        #expect(e2 == e1.map { max($0, 0) })
    }

    /// The residual sum with its closing ReLU fused is exactly ReLU after the sum.
    @Test func residualAddWithFusedReLU() {
        let count = 50
        let a = uniformValues(count, seed: 44), b = uniformValues(count, seed: 45), r = uniformValues(count, seed: 46)
        var sum = [Float](repeating: 0, count: count), fused = sum, relu = sum
        residualAddForward(out: &sum, a: a, b: b, count: count)
        residualAddForward(out: &fused, a: a, b: b, count: count, relu: true)
        reluForward(out: &relu, input: sum, count: count)
        #expect(fused == relu)
        var masked = [Float](repeating: 0, count: count)
        reluBackward(dInput: &masked, dOut: r, out: relu, count: count)
        var dA = [Float](repeating: 0, count: count), dB = dA
        residualAddBackward(dA: &dA, dB: &dB, dOut: r, count: count, reluOutput: fused)
        #expect(dA == masked && dB == masked)
    }

    @Test func embedding() {
        let (vocabulary, dim) = (7, 5)
        let tokens: [Int32] = [3, 1, 3, 6, 0, 3]
        let weight = uniformValues(vocabulary * dim, seed: 15), r = uniformValues(tokens.count * dim, seed: 16)
        var dW = [Float](repeating: offset, count: vocabulary * dim)
        embeddingBackward(dWeight: &dW, dOut: r, tokens: tokens, n: tokens.count, dim: dim)
        let report = gradientCheck([weight], analytic: [added(dW, offset)], names: ["embedding"]) { v in
            var out = [Float](repeating: 0, count: tokens.count * dim)
            embeddingForward(out: &out, tokens: tokens, weight: v[0], n: tokens.count, dim: dim)
            return projection(r, out)
        }
        #expect(report == nil, "\(report ?? "")")
        // Rows of tokens that never occur get exactly nothing.
        for row in [2, 4, 5] { #expect(added(dW, offset)[(row * dim)..<((row + 1) * dim)].allSatisfy { $0 == 0 }) }
    }

    /// A recurrent layer's input (count) and weights and biases for `gates` gate rows, from seeds seed…seed + 4.
    private func recurrentValues(_ count: Int, gates g: Int, inputSize: Int, hidden: Int, seed: UInt64)
        -> (x: [Float], wIH: [Float], wHH: [Float], bIH: [Float], bHH: [Float]) {
        (uniformValues(count, seed: seed), uniformValues(g * inputSize, seed: seed + 1, scale: 0.5), uniformValues(g * hidden, seed: seed + 2, scale: 0.5),
         uniformValues(g, seed: seed + 3, scale: 0.5), uniformValues(g, seed: seed + 4, scale: 0.5))
    }

    @Test(arguments: [(4, 2, 3, 5), (3, 3, 16, 16)])
    func lstm(_ sizes: (Int, Int, Int, Int)) {
        let (steps, batch, inputSize, hidden) = sizes
        let g = 4 * hidden, stateSize = batch * hidden
        let (x, wIH, wHH, bIH, bHH) = recurrentValues(steps * batch * inputSize, gates: g, inputSize: inputSize, hidden: hidden, seed: 17)
        let h0 = uniformValues(stateSize, seed: 22), c0 = uniformValues(stateSize, seed: 23)
        let r = uniformValues(steps * stateSize, seed: 24)

        func run(_ v: [[Float]]) -> (h: [Float], c: [Float], gates: [Float], tanhC: [Float]) {
            var h = v[5] + [Float](repeating: 0, count: steps * stateSize), c = v[6] + [Float](repeating: 0, count: steps * stateSize)
            var gates = [Float](repeating: 0, count: steps * batch * g), tanhC = [Float](repeating: 0, count: steps * stateSize)
            lstmForward(h: &h, c: &c, gates: &gates, tanhC: &tanhC, input: v[0], weightIH: v[1], weightHH: v[2],
                        biasIH: v[3], biasHH: v[4], steps: steps, batch: batch, inputSize: inputSize, hidden: hidden)
            return (h, c, gates, tanhC)
        }
        let values = [x, wIH, wHH, bIH, bHH, h0, c0]
        let forward = run(values)
        var dX = [Float](repeating: offset, count: x.count), dWIH = [Float](repeating: offset, count: wIH.count)
        var dWHH = [Float](repeating: offset, count: wHH.count), dBIH = [Float](repeating: offset, count: g), dBHH = dBIH
        var dH0 = [Float](repeating: 0, count: stateSize), dC0 = dH0
        var dGates = [Float](repeating: 0, count: steps * batch * g)
        lstmBackward(dInput: &dX, dWeightIH: &dWIH, dWeightHH: &dWHH, dBiasIH: &dBIH, dBiasHH: &dBHH, dH0: &dH0, dC0: &dC0,
                     dGates: &dGates, dHidden: r, input: x, h: forward.h, c: forward.c, gates: forward.gates,
                     tanhC: forward.tanhC, weightIH: wIH, weightHH: wHH, steps: steps, batch: batch,
                     inputSize: inputSize, hidden: hidden)
        let analytic = [added(dX, offset), added(dWIH, offset), added(dWHH, offset), added(dBIH, offset), added(dBHH, offset), dH0, dC0]
        #expect(analytic[3] == analytic[4], "the two bias gradients are the same sum")
        let report = gradientCheck(values, analytic: analytic, names: ["input", "weight_ih", "weight_hh", "bias_ih", "bias_hh", "h0", "c0"]) { v in
            projection(r, Array(run(v).h[stateSize...]))
        }
        #expect(report == nil, "\(report ?? "")")
    }

    @Test(arguments: [(4, 2, 3, 5), (3, 3, 16, 16)])
    func gru(_ sizes: (Int, Int, Int, Int)) {
        let (steps, batch, inputSize, hidden) = sizes
        let g = 3 * hidden, stateSize = batch * hidden
        let (x, wIH, wHH, bIH, bHH) = recurrentValues(steps * batch * inputSize, gates: g, inputSize: inputSize, hidden: hidden, seed: 30)
        let h0 = uniformValues(stateSize, seed: 35), r = uniformValues(steps * stateSize, seed: 36)

        func run(_ v: [[Float]]) -> (h: [Float], gates: [Float], candidate: [Float]) {
            var h = v[5] + [Float](repeating: 0, count: steps * stateSize)
            var gates = [Float](repeating: 0, count: steps * batch * g), candidate = [Float](repeating: 0, count: steps * stateSize)
            gruForward(h: &h, gates: &gates, recurrentCandidate: &candidate, input: v[0], weightIH: v[1], weightHH: v[2],
                       biasIH: v[3], biasHH: v[4], steps: steps, batch: batch, inputSize: inputSize, hidden: hidden)
            return (h, gates, candidate)
        }
        let values = [x, wIH, wHH, bIH, bHH, h0]
        let forward = run(values)
        var dX = [Float](repeating: offset, count: x.count), dWIH = [Float](repeating: offset, count: wIH.count)
        var dWHH = [Float](repeating: offset, count: wHH.count), dBIH = [Float](repeating: offset, count: g), dBHH = dBIH
        var dH0 = [Float](repeating: 0, count: stateSize)
        var dGatesInput = [Float](repeating: 0, count: steps * batch * g), dGatesHidden = dGatesInput
        gruBackward(dInput: &dX, dWeightIH: &dWIH, dWeightHH: &dWHH, dBiasIH: &dBIH, dBiasHH: &dBHH, dH0: &dH0,
                    dGatesInput: &dGatesInput, dGatesHidden: &dGatesHidden, dHidden: r, input: x, h: forward.h, gates: forward.gates,
                    recurrentCandidate: forward.candidate, weightIH: wIH, weightHH: wHH, steps: steps, batch: batch,
                    inputSize: inputSize, hidden: hidden)
        let analytic = [added(dX, offset), added(dWIH, offset), added(dWHH, offset), added(dBIH, offset), added(dBHH, offset), dH0]
        // The n rows of the two bias gradients differ (r gates the recurrent candidate after its bias).
        #expect(analytic[3][..<(2 * hidden)] == analytic[4][..<(2 * hidden)] && analytic[3][(2 * hidden)...] != analytic[4][(2 * hidden)...])
        let report = gradientCheck(values, analytic: analytic, names: ["input", "weight_ih", "weight_hh", "bias_ih", "bias_hh", "h0"]) { v in
            projection(r, Array(run(v).h[stateSize...]))
        }
        #expect(report == nil, "\(report ?? "")")
    }

    @Test func globalAveragePoolAndResidualAdd() {
        let (planes, hw) = (6, 9)
        let x = uniformValues(planes * hw, seed: 25), r = uniformValues(planes, seed: 26)
        var dX = [Float](repeating: offset, count: planes * hw)
        globalAvgPoolBackward(dInput: &dX, dOut: r, planes: planes, hw: hw)
        let pool = gradientCheck([x], analytic: [added(dX, offset)], names: ["pool"]) { v in
            var out = [Float](repeating: 0, count: planes)
            globalAvgPoolForward(out: &out, input: v[0], planes: planes, hw: hw)
            return projection(r, out)
        }
        #expect(pool == nil, "\(pool ?? "")")

        let a = uniformValues(11, seed: 27), b = uniformValues(11, seed: 28), rAdd = uniformValues(11, seed: 29)
        var dA = [Float](repeating: offset, count: 11), dB = dA
        residualAddBackward(dA: &dA, dB: &dB, dOut: rAdd, count: 11)
        let add = gradientCheck([a, b], analytic: [added(dA, offset), added(dB, offset)], names: ["a", "b"]) { v in
            var out = [Float](repeating: 0, count: 11)
            residualAddForward(out: &out, a: v[0], b: v[1], count: 11)
            return projection(rAdd, out)
        }
        #expect(add == nil, "\(add ?? "")")
    }
}

#if canImport(Glibc)
import Glibc
private func _tanh(_ x: Double) -> Double { Glibc.tanh(x) }
private func _exp(_ x: Double) -> Double { Glibc.exp(x) }
#else
import Darwin
private func _tanh(_ x: Double) -> Double { Darwin.tanh(x) }
private func _exp(_ x: Double) -> Double { Darwin.exp(x) }
#endif
