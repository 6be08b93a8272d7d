// The language models' fused decoder passes give bitwise what the separate layers give: the loss pass
// (bias add, softmax cross-entropy, logit gradient); and the input gradient of a wide output, written, in
// either of its forms.
import Testing
import Models

@Suite struct DecoderPassTests {
    @Test(arguments: [(5, 37), (70, 2_000)])
    func biasedSoftmaxCrossEntropyIsTheBiasAddTheForwardAndTheGradient(_ sizes: (Int, Int)) {
        let (n, classes) = sizes
        let product = uniformValues(n * classes, seed: 1, scale: 4), bias = uniformValues(classes, seed: 2)
        let labels = (0..<n).map { Int32(($0 * 7919) % classes) }
        let scale = 1 / Float(n)
        // Apart: the bias added as linearForward adds it, then the forward and the gradient.
        let logits = (0..<(n * classes)).map { product[$0] + bias[$0 % classes] }
        var probs = [Float](repeating: 0, count: n * classes), dLogits = [Float](repeating: .nan, count: n * classes)
        var dBias = [Float](repeating: 0, count: classes)
        let apart = softmaxCrossEntropyForward(probs: &probs, logits: logits, labels: labels, n: n, classes: classes)
        softmaxCrossEntropyGradient(dLogits: &dLogits, dBias: &dBias, probs: probs, labels: labels, n: n, classes: classes, scale: scale)

        var fused = product, gradient = [Float](repeating: .nan, count: n * classes)
        let together = biasedSoftmaxCrossEntropy(logits: &fused, bias: bias, labels: labels, n: n, classes: classes,
                                                 exps: &gradient, gradientScale: scale)
        #expect(together.lossSum == apart.lossSum && together.correct == apart.correct)
        #expect(fused == logits)
        #expect(gradient == dLogits)
        var fusedBias = [Float](repeating: 0, count: classes)
        linearBiasGradient(dBias: &fusedBias, dOut: gradient, n: n, oc: classes)
        #expect(fusedBias == dBias)

        // Without a gradient (evaluation): the same loss, and the exponentials are the probabilities' numerators.
        var evaluated = product, exps = [Float](repeating: .nan, count: n * classes)
        let loss = biasedSoftmaxCrossEntropy(logits: &evaluated, bias: bias, labels: labels, n: n, classes: classes,
                                             exps: &exps, gradientScale: nil)
        #expect(loss.lossSum == apart.lossSum && evaluated == logits)
        for row in 0..<n {
            let sum = exps[(row * classes)..<((row + 1) * classes)].reduce(0, +)
            for j in 0..<classes { #expect(abs(exps[row * classes + j] / sum - probs[row * classes + j]) <= 1e-6) }
        }
    }

    /// (n, c, oc): 700 × 128 from 2,000 takes the row blocks, 100 × 64 from 20,000 the transpose.
    @Test(arguments: [(700, 128, 2_000), (100, 64, 20_000)])
    func wideOutputInputGradientIsWrittenInEitherForm(_ sizes: (Int, Int, Int)) {
        let (n, c, oc) = sizes
        let dOut = uniformValues(n * oc, seed: 3), weight = uniformValues(oc * c, seed: 4)
        var dInput = [Float](repeating: .nan, count: n * c), scratch = [Float](repeating: 0, count: n * c)
        linearInputGradientOfWideOutput(dInput: &dInput, dOut: dOut, weight: weight, scratch: &scratch, n: n, c: c, oc: oc)
        var reference = [Float](repeating: 0, count: n * c)
        gemmReference(transA: false, transB: false, m: n, n: c, k: oc, alpha: 1, a: dOut, lda: oc, b: weight, ldb: c,
                      beta: 0, c: &reference, ldc: c)
        let largest = reference.map(abs).max()!
        // The NaNs it started with are gone: every element was written, not added to.
        #expect(zip(dInput, reference).allSatisfy { abs($0 - $1) <= 1e-5 * largest })
    }
}
