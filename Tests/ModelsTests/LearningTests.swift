// End-to-end sanity: a few hundred plain SGD steps on small synthetic tasks make each kind of network
// learn (forward, backward and the carried LSTM state working together).
import Testing
import Models
import Vocabulary

/// θ ← θ − lr·g over the whole parameter block.
private func sgdStep(_ network: any Network, lr: Float) {
    let p = network.parameters
    let values = p.values, grads = p.grads
    for i in 0..<p.count { values[i] -= lr * grads[i] }
}

@Suite struct LearningTests {
    /// Three Gaussian blobs in 2-D: an MLP separates them.
    @Test func classifierSeparatesBlobs() throws {
        var generator = SeededGenerator(seed: 1, stream: "blobs")
        let centres: [(Float, Float)] = [(-2, 0), (2, 0), (0, 2.5)]
        var features: [Float] = [], labels: [Int32] = []
        for i in 0..<300 {
            let c = i % 3
            features += [centres[c].0 + Float(generator.normal()) * 0.5, centres[c].1 + Float(generator.normal()) * 0.5]
            labels.append(Int32(c))
        }
        let set = SampleSet(features: features, sampleShape: [2], labels: labels)
        let network = try ModelCatalog.make(name: "fc", settings: Settings(["hidden": .numbers([16])]), inputShape: [2], classes: 3,
                                            vocabulary: nil, seed: 2)
        var batch = SampleBatch()
        for step in 0..<300 {
            batch.gather(from: set, indices: ((step * 30) % 300)..<((step * 30) % 300 + 30))
            _ = try network.trainStep(.samples(batch))
            sgdStep(network, lr: 0.2)
        }
        batch.gather(from: set, indices: 0..<300)
        let metrics = try network.evaluate(.samples(batch))
        #expect(Double(metrics.correct) / 300 > 0.95, "accuracy \(metrics.correct)/300, loss \(metrics.loss)")
    }

    /// A cyclic token stream 0 1 2 … 6 0 1 …: an LSTM carrying its state across windows predicts it.
    @Test func languageModelLearnsACycle() throws {
        let stream = (0..<2000).map { Int32($0 % 7) }
        let network = try ModelCatalog.make(name: "lstm", settings: Settings(["emsize": .number(8), "nhid": .number(16), "bptt": .number(10)]),
                                            inputShape: [], classes: 0, vocabulary: 7, seed: 3)
        let bptt = try #require(network.bptt)
        let windows = TokenBatch.windowCount(tokens: stream.count, streams: 4, bptt: bptt)
        var window = TokenBatch()
        var first = MetricTotals(), last = MetricTotals()
        for epoch in 0..<8 {
            network.resetState(.training)
            for index in 0..<windows {
                window.window(index, of: stream, streams: 4, bptt: bptt)
                let metrics = try network.trainStep(.tokens(window))
                if epoch == 0 { first.add(metrics) }
                if epoch == 7 { last.add(metrics) }
                sgdStep(network, lr: 1)
            }
        }
        network.resetState(.evaluation)
        var evaluation = MetricTotals()
        for index in 0..<windows {
            window.window(index, of: stream, streams: 4, bptt: bptt)
            evaluation.add(try network.evaluate(.tokens(window)))
        }
        #expect(first.perplexity > 3, "the first epoch starts near chance (7)")
        #expect(last.perplexity < 1.2, "training perplexity \(last.perplexity)")
        #expect(evaluation.perplexity < 1.2 && evaluation.accuracy > 0.99, "evaluation perplexity \(evaluation.perplexity)")
    }

    /// The autoencoder reconstructs low-dimensional data better after training, and the power-law
    /// network fits a smooth target.
    @Test func regressionAndReconstructionImprove() throws {
        var generator = SeededGenerator(seed: 4, stream: "data")
        // 16-dimensional points in [0, 1] that lie near a 2-D subspace.
        var features: [Float] = []
        for _ in 0..<64 {
            let a = generator.nextFloat(), b = generator.nextFloat()
            for j in 0..<16 { features.append(j % 2 == 0 ? a : b) }
        }
        let autoencoder = try ModelCatalog.make(name: "autoencoder", settings: Settings(["widths": .numbers([8, 2])]), inputShape: [16],
                                                classes: 0, vocabulary: nil, seed: 5)
        let samples = Batch.samples(SampleBatch(features: features, count: 64))
        let before = try autoencoder.evaluate(samples)
        for _ in 0..<400 {
            _ = try autoencoder.trainStep(samples)
            sgdStep(autoencoder, lr: 2)
        }
        let after = try autoencoder.evaluate(samples)
        #expect(after.squaredError < 0.3 * before.squaredError, "squared error \(before.squaredError) → \(after.squaredError)")

        let x = (0..<(64 * 3)).map { _ in generator.uniform(-1, 1) }
        let y: [Float] = (0..<64).map { (i: Int) -> Float in
            let (a, b, c) = (x[3 * i], x[3 * i + 1], x[3 * i + 2])
            return a - 0.5 * b + c * c
        }
        let powerlaw = try PowerLawNetwork(inputSize: 3, width: 256, seed: 6)
        let regression = Batch.samples(SampleBatch(features: x, targets: y, count: 64))
        let start = try powerlaw.evaluate(regression)
        for _ in 0..<300 {
            _ = try powerlaw.trainStep(regression)
            sgdStep(powerlaw, lr: 0.5)
        }
        let end = try powerlaw.evaluate(regression)
        #expect(end.loss < 0.1 * start.loss, "½·MSE \(start.loss) → \(end.loss)")
    }
}
