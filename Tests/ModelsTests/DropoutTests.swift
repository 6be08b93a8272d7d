// Dropout cannot be checked against the fixtures (its mask is random): here with explicit masks, and
// statistically (keep rate and 1/(1 − p) scaling of the seeded masks).
import Testing
import Models

@Suite struct DropoutTests {
    @Test func explicitMaskForwardAndBackward() {
        let x: [Float] = [1, -2, 3, 4, -5, 6]
        let mask: [Float] = [0, 2, 2, 0, 2, 0] // p = 0.5
        var y = [Float](repeating: 0, count: 6)
        dropoutForward(out: &y, input: x, mask: mask, count: 6)
        #expect(y == [0, -4, 6, 0, -10, 0])
        var dX = [Float](repeating: 1, count: 6)
        dropoutBackward(dInput: &dX, dOut: [1, 1, 1, 1, 1, 1], mask: mask, count: 6)
        #expect(dX == [1, 3, 3, 1, 3, 1])
    }

    @Test func explicitChannelMask() {
        // Two planes of three values: the first dropped, the second kept and scaled by 1/(1 − 0.5).
        let x: [Float] = [1, 2, 3, 4, 5, 6]
        var y = [Float](repeating: 9, count: 6)
        dropout2dForward(out: &y, input: x, mask: [0, 2], planes: 2, hw: 3)
        #expect(y == [0, 0, 0, 8, 10, 12])
        var dX = [Float](repeating: 0, count: 6)
        dropout2dBackward(dInput: &dX, dOut: [1, 1, 1, 1, 1, 1], mask: [0, 2], planes: 2, hw: 3)
        #expect(dX == [0, 0, 0, 2, 2, 2])
    }

    @Test(arguments: [Float(0.1), 0.3, 0.5])
    func seededMaskKeepsOneMinusPAndScales(_ p: Float) {
        let count = 200_000
        var generator = SeededGenerator(seed: 5, stream: "dropout")
        var mask = [Float](repeating: -1, count: count)
        dropoutMask(&mask, count: count, p: p, using: &generator)
        let kept = mask.filter { $0 != 0 }
        #expect(kept.allSatisfy { $0 == 1 / (1 - p) })
        let keepRate = Double(kept.count) / Double(count)
        // Four standard deviations of a binomial proportion.
        let sigma = (Double(p) * Double(1 - p) / Double(count)).squareRoot()
        #expect(abs(keepRate - Double(1 - p)) < 4 * sigma, "keep rate \(keepRate) for p = \(p)")
        // The expectation of x ⊙ mask is x.
        let mean = mask.reduce(0.0) { $0 + Double($1) } / Double(count)
        #expect(abs(mean - 1) < 4 * sigma / Double(1 - p) + 1e-3)
        // The same generator state gives the same mask.
        var again = SeededGenerator(seed: 5, stream: "dropout"), second = [Float](repeating: -1, count: count)
        dropoutMask(&second, count: count, p: p, using: &again)
        #expect(second == mask)
    }

    @Test func zeroProbabilityKeepsEverything() {
        var generator = SeededGenerator(seed: 1)
        var mask = [Float](repeating: -1, count: 100)
        dropoutMask(&mask, count: 100, p: 0, using: &generator)
        #expect(mask.allSatisfy { $0 == 1 })
    }

    /// In a network, dropout is active in training steps only; evaluation is deterministic and equals the
    /// network without dropout layers.
    @Test func networkAppliesDropoutOnlyInTraining() throws {
        let layers: [LayerSpec] = [.linear(name: "fc1", outFeatures: 64), .relu, .dropout(p: 0.5), .linear(name: "fc2", outFeatures: 3)]
        let plain: [LayerSpec] = [.linear(name: "fc1", outFeatures: 64), .relu, .linear(name: "fc2", outFeatures: 3)]
        let withDropout = try FeedForwardNetwork(name: "d", inputShape: [8], layers: layers, head: .softmaxCrossEntropy, seed: 3)
        let without = try FeedForwardNetwork(name: "p", inputShape: [8], layers: plain, head: .softmaxCrossEntropy, seed: 3)
        #expect(withDropout.parameters.valueArray() == without.parameters.valueArray())
        let batch = Batch.samples(SampleBatch(features: uniformValues(40, seed: 4), labels: [0, 1, 2, 0, 1], count: 5))
        let a = try withDropout.evaluate(batch), b = try withDropout.evaluate(batch), c = try without.evaluate(batch)
        #expect(a == b)
        #expect(a == c)
        let trained1 = try withDropout.trainStep(batch), trained2 = try withDropout.trainStep(batch)
        #expect(trained1.loss != a.loss)
        #expect(trained1.loss != trained2.loss, "a fresh mask every step")
    }
}
