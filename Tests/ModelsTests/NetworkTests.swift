// Whole-network behaviour: gradients of composed stacks (residual, BatchNorm, dropout, pooling) against
// finite differences, evaluation mode, saved state, determinism across runs and thread counts, errors.
import Testing
import Models
import Vocabulary

/// A small stack with every kind of layer a feed-forward network composes.
private let mixedStack: [LayerSpec] = [
    .conv2d(name: "conv1", outChannels: 4, kernel: 3, stride: 1, padding: 1),
    .batchNorm2d(name: "bn1"), .relu,
    .residual(main: [.conv2d(name: "block.conv1", outChannels: 4, kernel: 3, padding: 1, bias: false),
                     .batchNorm2d(name: "block.bn1"), .tanh,
                     .conv2d(name: "block.conv2", outChannels: 4, kernel: 3, padding: 1, bias: false)],
              shortcut: [], reluAfter: true),
    .dropout2d(p: 0.25),
    .residual(main: [.conv2d(name: "down.conv", outChannels: 6, kernel: 3, stride: 2, padding: 1)],
              shortcut: [.conv2d(name: "down.shortcut", outChannels: 6, kernel: 1, stride: 2, bias: false),
                         .batchNorm2d(name: "down.bn")], reluAfter: false),
    .maxPool2d(kernel: 2, stride: 2),
    .flatten, .dropout(p: 0.2),
    .linear(name: "fc1", outFeatures: 7), .sigmoid,
    .linear(name: "fc2", outFeatures: 3),
]

private func imageBatch(_ n: Int, shape: [Int], classes: Int, seed: UInt64) -> Batch {
    let features = uniformValues(n * shape.reduce(1, *), seed: seed)
    let labels = (0..<n).map { Int32($0 % classes) }
    return .samples(SampleBatch(features: features, labels: labels, count: n))
}

@Suite struct NetworkTests {
    /// d loss / d parameters of a whole training step (BatchNorm in training mode, dropout masks
    /// replayed by restoring the saved state before every evaluation) against central differences.
    @Test func composedStackMatchesFiniteDifferences() throws {
        let network = try FeedForwardNetwork(name: "mixed", inputShape: [2, 8, 8], layers: mixedStack,
                                             head: .softmaxCrossEntropy, seed: 11)
        network.computesInputGradient = true
        let batch = imageBatch(3, shape: [2, 8, 8], classes: 3, seed: 12)
        let saved = network.saveState()
        _ = try network.trainStep(batch)
        let analytic = network.parameters.gradArray()
        let inputGradient = network.inputGradient()

        func loss() throws -> Double {
            try network.restoreState(saved)
            return try network.trainStep(batch).loss
        }
        // A step can carry an element across a ReLU or max-pool kink; the difference is then retried with a
        // smaller step, and only a mismatch at both counts.
        let steps: [Float] = [1e-3, 3e-4]
        func numeric(_ value: (Float) throws -> Double) rethrows -> [Double] {
            try steps.map { h in (try value(h) - (try value(-h))) / Double(2 * h) }
        }
        // 1% of the tensor's largest gradient, plus the differences' own rounding noise: the loss is a
        // Float sum of order 1, so ε·|loss|/h ≈ 1e-4 at h = 3e-4 (it matters for gradients that are 0 in
        // exact arithmetic, like a bias followed by BatchNorm).
        func agrees(_ numerics: [Double], _ analytic: Float, scale: Double) -> Bool {
            numerics.contains { abs($0 - Double(analytic)) < 1e-2 * scale + 2e-4 }
        }
        for slot in network.parameters.slots {
            let scale = max(slot.range.map { abs(Double(analytic[$0])) }.max()!, 1e-3)
            // A spread of elements per tensor: a stride through it, and the last.
            for i in Set(Array(stride(from: slot.offset, to: slot.range.upperBound, by: max(1, slot.count / 5))) + [slot.range.upperBound - 1]).sorted() {
                let original = network.parameters.values[i]
                let numerics = try numeric { h in
                    network.parameters.values[i] = original + h
                    defer { network.parameters.values[i] = original }
                    return try loss()
                }
                #expect(agrees(numerics, analytic[i], scale: scale), "\(slot.name)[\(i - slot.offset)]: analytic \(analytic[i]), numeric \(numerics)")
            }
        }
        // The input gradient of the same step, through every layer.
        guard case let .samples(samples) = batch else { return }
        let inputScale = max(inputGradient.map { abs(Double($0)) }.max()!, 1e-3)
        for i in stride(from: 0, to: samples.features.count, by: 37) {
            let numerics = try numeric { h in
                var perturbed = samples
                perturbed.features[i] += h
                try network.restoreState(saved)
                return try network.trainStep(.samples(perturbed)).loss
            }
            #expect(agrees(numerics, inputGradient[i], scale: inputScale), "input[\(i)]: analytic \(inputGradient[i]), numeric \(numerics)")
        }
    }

    @Test func evaluationUsesRunningStatisticsAndLeavesStateAlone() throws {
        let network = try FeedForwardNetwork(name: "mixed", inputShape: [2, 8, 8], layers: mixedStack,
                                             head: .softmaxCrossEntropy, seed: 11)
        let batch = imageBatch(4, shape: [2, 8, 8], classes: 3, seed: 13)
        let before = network.buffers.valueArray()
        #expect(before.count == 2 * (4 + 4 + 6))
        let first = try network.evaluate(batch)
        #expect(network.buffers.valueArray() == before, "evaluation does not update running statistics")
        #expect(try network.evaluate(batch) == first)
        _ = try network.trainStep(batch)
        #expect(network.buffers.valueArray() != before, "training updates running statistics")
        #expect(try network.evaluate(batch) != first, "evaluation reads the running statistics")
    }

    @Test func savedStateReplaysTheNextStepExactly() throws {
        let network = try FeedForwardNetwork(name: "mixed", inputShape: [2, 8, 8], layers: mixedStack,
                                             head: .softmaxCrossEntropy, seed: 11)
        let batch = imageBatch(4, shape: [2, 8, 8], classes: 3, seed: 14)
        _ = try network.trainStep(batch)
        let state = network.saveState()
        let parameters = network.parameters.valueArray()
        let next = try network.trainStep(batch)
        let grads = network.parameters.gradArray(), buffers = network.buffers.valueArray()
        _ = try network.trainStep(batch)

        let restored = try FeedForwardNetwork(name: "mixed", inputShape: [2, 8, 8], layers: mixedStack,
                                              head: .softmaxCrossEntropy, seed: 99)
        try restored.parameters.load(parameters)
        try restored.restoreState(state)
        #expect(try restored.trainStep(batch) == next)
        #expect(restored.parameters.gradArray() == grads)
        #expect(restored.buffers.valueArray() == buffers)

        let other = try FeedForwardNetwork(name: "other", inputShape: [4], layers: [.linear(name: "l", outFeatures: 2)],
                                           head: .softmaxCrossEntropy, seed: 1)
        #expect(throws: NetworkError.self) { try other.restoreState(state) }
    }

    /// Same seed, same data: bit-identical losses and parameters after several SGD steps, on every run and
    /// any thread count (ConvNet with dropout, ResNet with BatchNorm, LSTM language model, the AWD QRNN
    /// language model with every dropout, AR and TAR, the SNLI ConvNet encoder; the sizes make the layers'
    /// parallel loops run in several chunks). Serialized: the cases set the process-wide `Compute.threads`,
    /// and no other test does.
    @Test(.serialized, arguments: ["convnet", "resnet", "lstm", "qrnn_lm", "nli_convnet"])
    func trainingIsDeterministicAcrossRunsAndThreadCounts(_ model: String) throws {
        func batch(_ step: Int) -> Batch {
            switch model {
            case "convnet": return imageBatch(16, shape: [1, 28, 28], classes: 10, seed: UInt64(30 + step))
            case "resnet": return imageBatch(16, shape: [3, 32, 32], classes: 10, seed: UInt64(30 + step))
            case "nli_convnet":
                // 16 pairs of 3–8 and 2–6 tokens of 50 words, padded with 1 (sequence-major).
                var generator = SeededGenerator(seed: UInt64(30 + step), stream: "tokens")
                func side(_ shortest: Int, _ longest: Int) -> ([Int32], [Int32]) {
                    let lengths = (0..<16).map { _ in Int32(shortest + generator.below(longest - shortest + 1)) }
                    var tokens = [Int32](repeating: 1, count: longest * 16)
                    for b in 0..<16 { for t in 0..<Int(lengths[b]) { tokens[t * 16 + b] = Int32(2 + generator.below(48)) } }
                    return (tokens, lengths)
                }
                let (premise, premiseLengths) = side(3, 8), (hypothesis, hypothesisLengths) = side(2, 6)
                return .sentencePairs(SentencePairBatch(premise: premise, premiseLengths: premiseLengths, hypothesis: hypothesis,
                                                        hypothesisLengths: hypothesisLengths, labels: (0..<16).map { Int32($0 % 3) },
                                                        count: 16))
            default:
                var generator = SeededGenerator(seed: UInt64(30 + step), stream: "tokens")
                let tokens = (0..<(9 * 4)).map { _ in Int32(generator.below(2000)) }
                return .tokens(TokenBatch(inputs: Array(tokens[..<32]), targets: Array(tokens[4...]), steps: 8, streams: 4))
            }
        }
        func run(threads: Int) throws -> ([Float], [Double]) {
            let saved = Compute.threads
            Compute.threads = threads
            defer { Compute.threads = saved }
            let settings: [String: KeyValue] = switch model {
            case "resnet": ["depth": .number(8)]
            case "qrnn_lm": ["emsize": .number(40), "nhid": .number(56), "nlayers": .number(3), "dropouti": .number(0.4),
                             "dropouth": .number(0.3), "dropout": .number(0.4), "dropoute": .number(0.1), "wdrop": .number(0.1)]
            default: [:]
            }
            var vectorGenerator = SeededGenerator(seed: 22, stream: "vectors")
            let network: any Network = model == "nli_convnet"
                ? try NLINet(encoder: .convnet, vectors: (0..<(50 * 32)).map { _ in vectorGenerator.uniform(-0.5, 0.5) }, vocabulary: 50,
                             embeddingSize: 32, hiddenSize: 64, fcSize: 16, classes: 3, dropout: 0.2, seed: 21)
                : try ModelCatalog.make(name: model, settings: Settings(settings), inputShape: model == "resnet" ? [3, 32, 32] : [1, 28, 28],
                                        classes: 10, vocabulary: 2000, seed: 21)
            var losses: [Double] = []
            for step in 0..<3 {
                losses.append(try network.trainStep(batch(step)).loss)
                let p = network.parameters
                for i in 0..<p.count { p.values[i] -= 0.05 * p.grads[i] }
            }
            return (network.parameters.valueArray() + network.buffers.valueArray(), losses)
        }
        let one = try run(threads: 1), again = try run(threads: 1), two = try run(threads: 2)
        #expect(one.0 == again.0 && one.1 == again.1)
        #expect(one.0 == two.0 && one.1 == two.1)
    }

    @Test func badBatchesAreTypedErrors() throws {
        let network = try FeedForwardNetwork(name: "mlp", inputShape: [4], layers: MLP.fullyConnected(hidden: [5], activation: .relu, outputs: 3),
                                             head: .softmaxCrossEntropy, seed: 1)
        #expect(throws: NetworkError.featureCountMismatch(network: "mlp", got: 7, expected: 8)) {
            try network.trainStep(.samples(SampleBatch(features: [Float](repeating: 0, count: 7), labels: [0, 1], count: 2)))
        }
        #expect(throws: NetworkError.labelOutOfRange(network: "mlp", index: 1, label: 3, classes: 3)) {
            try network.trainStep(.samples(SampleBatch(features: [Float](repeating: 0, count: 8), labels: [0, 3], count: 2)))
        }
        #expect(throws: NetworkError.targetCountMismatch(network: "mlp", what: "labels", got: 1, expected: 2)) {
            try network.evaluate(.samples(SampleBatch(features: [Float](repeating: 0, count: 8), labels: [0], count: 2)))
        }
        #expect(throws: NetworkError.wrongBatchKind(network: "mlp", expected: "samples")) {
            try network.trainStep(.tokens(TokenBatch(inputs: [0], targets: [1], steps: 1, streams: 1)))
        }
        #expect(throws: NetworkError.emptyBatch(network: "mlp")) { try network.trainStep(.samples(SampleBatch())) }
        #expect(throws: ArchitectureError.self) {
            try FeedForwardNetwork(name: "bad", inputShape: [1, 4, 4], layers: [.conv2d(name: "c", outChannels: 2, kernel: 5)],
                                   head: .softmaxCrossEntropy, seed: 1)
        }
    }

    /// A smaller batch after a larger one reuses the buffers and gives the same numbers as a fresh network.
    @Test func batchSizeChangesReuseBuffers() throws {
        let make = { try FeedForwardNetwork(name: "m", inputShape: [1, 8, 8], layers: mixedStack, head: .softmaxCrossEntropy, seed: 5) }
        let grown = try make(), fresh = try make()
        let small = imageBatch(2, shape: [1, 8, 8], classes: 3, seed: 40)
        _ = try grown.evaluate(imageBatch(9, shape: [1, 8, 8], classes: 3, seed: 41))
        #expect(try grown.evaluate(small) == fresh.evaluate(small))
    }

    @Test func regressionAndReconstructionHeads() throws {
        // ½·MSE: loss = Σ (y − t)² / (2n), squared error reported in full.
        let network = try FeedForwardNetwork(name: "r", inputShape: [3], layers: [.linear(name: "l", outFeatures: 1)],
                                             head: .halfSquaredError, seed: 2)
        try network.parameters.load([1, 2, 3, 0.5])
        let metrics = try network.evaluate(.samples(SampleBatch(features: [1, 0, 0, 0, 1, 1], targets: [0, 4], count: 2)))
        #expect(metrics.squaredError == 1.5 * 1.5 + 1.5 * 1.5)
        #expect(metrics.loss == metrics.squaredError / 4)

        // The autoencoder's squared error is measured on the sigmoid output against the input.
        let autoencoder = try FeedForwardNetwork(name: "a", inputShape: [2], layers: [.linear(name: "l", outFeatures: 2)],
                                                 head: .sigmoidBinaryCrossEntropy, seed: 2)
        try autoencoder.parameters.load([0, 0, 0, 0, 0, 0])
        let reconstruction = try autoencoder.evaluate(.samples(SampleBatch(features: [1, 0], count: 1)))
        #expect(reconstruction.squaredError == 0.5)
        #expect(abs(reconstruction.loss - 0.693_147_18) < 1e-6)
    }
}
