// A stack of layers with a loss head: logistic regression, the MLPs, the ConvNets, the ResNets and the
// autoencoder are all one of these, built from a `LayerSpec` list. `forward` runs the resolved
// operations in order, `backward` runs them reversed (llm.c's gpt2_forward/gpt2_backward), each calling
// the layer functions of `Layers/` and `Kernels/` over flat buffers.

/// A feed-forward network of `LayerSpec`s trained against a `LossHead`.
///
/// Activations, their gradients, masks and argmax indices live in arenas sized for the largest batch
/// seen; every activation keeps its own buffer, so the backward finds what it needs where the forward
/// left it. The first backward to reach an activation's gradient writes it and later ones add into it, so
/// a tensor used twice (a residual block's input) needs no special case and no pass zeroes the
/// gradients (the layers without a writing backward get their buffer zeroed just before). Each parameter
/// belongs to one layer, whose backward writes its gradient. Between linear layers the batch is
/// stored feature-major (`BatchLayout`), so no product copies a weight.
public final class FeedForwardNetwork: Network {
    public let name: String
    /// What the output is trained against.
    public let head: LossHead
    public var objective: Objective { head.objective }
    public let parameters: ParameterBlock
    public let buffers: BufferBlock
    public var bptt: Int? { nil }
    /// The shape of one input sample: (features) or (channels, height, width).
    public let inputShape: [Int]
    /// Outputs per sample: classes, reconstructed features, or regression targets.
    public let outputWidth: Int
    /// When true, training steps also compute d loss / d input (read with `inputGradient()`); off by
    /// default, so the first layer skips that product.
    public var computesInputGradient = false

    private let operations: [Operation]
    /// How each operation's backward updates its inputs' gradients (in `Operation.inputs` order): the
    /// first backward to reach a gradient, that of its last reader in the forward, writes it.
    private let inputGradientUpdates: [[GradientUpdate]]
    /// Elements per sample of each activation (and of its gradient).
    private let activationSizes: [Int]
    private let inputSize: Int
    private let outputID: Int
    private let activations = BatchArena<Float>()
    private let gradients = BatchArena<Float>()
    private let scratch = BatchArena<Float>()
    private let indices = BatchArena<Int32>()
    private let statistics: AlignedBuffer<Float>
    private var dropoutGenerator: SeededGenerator
    /// Scratch regions of the head: the sigmoid or softmax output, and targets or d loss / d output.
    private let headOutput: Int
    private let headExtra: Int
    /// Int32 region holding the labels.
    private let labelRegion: Int
    /// Samples in the last batch.
    private var lastCount = 0

    /// Builds the network and draws its initial parameters from `seed` (stream `"init"`; dropout masks
    /// use stream `"dropout"`). Throws an `ArchitectureError` when a layer does not fit its input.
    public init(name: String, inputShape: [Int], layers: [LayerSpec], head: LossHead, seed: UInt64) throws {
        guard !inputShape.isEmpty, inputShape.allSatisfy({ $0 >= 1 }) else {
            throw ArchitectureError(layer: "input", "the sample shape must have positive sizes, got \(inputShape)")
        }
        var plan = FeedForwardPlan()
        let input = plan.activation(inputShape)
        let output = try plan.compile(layers, from: input)
        plan.chooseBatchLayouts(output: output.id)
        guard output.shape.count == 1 else {
            throw ArchitectureError(layer: "output", "the last layer must give a flat output, got shape \(output.shape)")
        }
        switch head {
        case .sigmoidBinaryCrossEntropy, .sigmoidSquaredError:
            guard output.size == input.size else {
                throw ArchitectureError(layer: "output", "a reconstruction has \(input.size) values per sample, got \(output.size)")
            }
        case .softmaxCrossEntropy, .halfSquaredError: break
        }
        self.name = name
        self.head = head
        self.inputShape = inputShape
        inputSize = input.size
        outputWidth = output.size
        outputID = output.id
        operations = plan.operations
        var reached = Set<Int>()
        inputGradientUpdates = Array(plan.operations.reversed().map { operation in
            operation.inputs.map { reached.insert($0).inserted ? GradientUpdate.overwrite : .accumulate }
        }.reversed())
        activationSizes = plan.activationSizes
        parameters = ParameterBlock(plan.parameters)
        buffers = BufferBlock(plan.buffers)
        statistics = AlignedBuffer(count: plan.statisticsCount)
        for size in plan.activationSizes {
            _ = activations.add(perSample: size)
            _ = gradients.add(perSample: size)
        }
        for size in plan.scratchSizes { _ = scratch.add(perSample: size) }
        headOutput = scratch.add(perSample: output.size)
        headExtra = scratch.add(perSample: output.size)
        for size in plan.indexSizes { _ = indices.add(perSample: size) }
        labelRegion = indices.add(perSample: 1)
        dropoutGenerator = SeededGenerator(seed: seed, stream: "dropout")

        var generator = SeededGenerator(seed: seed, stream: "init")
        for (slot, initializer) in plan.initializers {
            switch initializer {
            case let .uniform(bound): parameters.fillUniform(slot, bound: bound, using: &generator)
            case let .normal(std): parameters.fillNormal(slot, std: std, using: &generator)
            case let .constant(value): parameters.fill(slot, with: value)
            }
        }
        for (slot, value) in plan.bufferFills { (buffers.values + slot.offset).update(repeating: value, count: slot.count) }
    }

    // MARK: - Steps

    public func trainStep(_ batch: Batch) throws -> StepMetrics {
        let n = try load(batch)
        forward(n, training: true)
        let metrics = headForward(n)
        headBackward(n)
        backward(n)
        return metrics
    }

    public func evaluate(_ batch: Batch) throws -> StepMetrics {
        let n = try load(batch)
        forward(n, training: false)
        return headForward(n)
    }

    public func resetState(_ phase: Phase) {}

    // MARK: - Results of the last step (tests, diagnostics)

    /// The last batch's outputs before the head's loss (logits; pre-sigmoid values for an autoencoder),
    /// (samples, outputWidth).
    public func outputs() -> [Float] {
        Array(UnsafeBufferPointer(start: activations.pointer(outputID), count: lastCount * outputWidth))
    }

    /// The head's transformed outputs of the last batch: softmax probabilities or sigmoid reconstructions.
    public func headOutputs() -> [Float] {
        Array(UnsafeBufferPointer(start: scratch.pointer(headOutput), count: lastCount * outputWidth))
    }

    /// d loss / d input of the last training step, (samples, input size); needs `computesInputGradient`.
    public func inputGradient() -> [Float] {
        precondition(computesInputGradient, "inputGradient(): set computesInputGradient before the training step")
        return Array(UnsafeBufferPointer(start: gradients.pointer(0), count: lastCount * inputSize))
    }

    // MARK: - State

    public func saveState() -> NetworkState {
        NetworkState(network: name, tensors: [NamedTensor("buffers", buffers.valueArray())],
                     generators: [NamedGenerator("dropout", dropoutGenerator)])
    }

    public func restoreState(_ state: NetworkState) throws {
        guard state.network == name else {
            throw NetworkError.stateMismatch(network: name, "the state was saved by \(state.network)")
        }
        let saved = try state.tensor("buffers")
        guard saved.count == buffers.count else {
            throw NetworkError.stateMismatch(network: name, "\(saved.count) buffer values saved, the network has \(buffers.count)")
        }
        let generator = try state.generator("dropout")
        try buffers.load(saved)
        dropoutGenerator = generator
    }

    // MARK: - Batch

    /// Checks the batch against the network, copies it into the arenas, returns its sample count.
    private func load(_ batch: Batch) throws -> Int {
        guard case let .samples(samples) = batch else { throw NetworkError.wrongBatchKind(network: name, expected: "samples") }
        let n = samples.count
        guard n >= 1 else { throw NetworkError.emptyBatch(network: name) }
        guard samples.features.count == n * inputSize else {
            throw NetworkError.featureCountMismatch(network: name, got: samples.features.count, expected: n * inputSize)
        }
        switch head {
        case .softmaxCrossEntropy:
            guard samples.labels.count == n else {
                throw NetworkError.targetCountMismatch(network: name, what: "labels", got: samples.labels.count, expected: n)
            }
            if let bad = samples.labels.firstIndex(where: { $0 < 0 || Int($0) >= outputWidth }) {
                throw NetworkError.labelOutOfRange(network: name, index: bad, label: samples.labels[bad], classes: outputWidth)
            }
        case .halfSquaredError:
            guard samples.targets.count == n * outputWidth else {
                throw NetworkError.targetCountMismatch(network: name, what: "targets", got: samples.targets.count,
                                                       expected: n * outputWidth)
            }
        case .sigmoidBinaryCrossEntropy, .sigmoidSquaredError: break
        }
        activations.reserve(n)
        gradients.reserve(n)
        scratch.reserve(n)
        indices.reserve(n)
        samples.features.withUnsafeBufferPointer { activations.pointer(0).update(from: $0.baseAddress!, count: n * inputSize) }
        if head == .softmaxCrossEntropy {
            samples.labels.withUnsafeBufferPointer { indices.pointer(labelRegion).update(from: $0.baseAddress!, count: n) }
        }
        if head == .halfSquaredError {
            samples.targets.withUnsafeBufferPointer { scratch.pointer(headExtra).update(from: $0.baseAddress!, count: n * outputWidth) }
        }
        lastCount = n
        return n
    }

    // MARK: - Forward and backward

    @inline(__always) private func value(_ id: Int) -> UnsafeMutablePointer<Float> { activations.pointer(id) }
    @inline(__always) private func grad(_ id: Int) -> UnsafeMutablePointer<Float> { gradients.pointer(id) }
    /// The gradient to update for activation `id`, or nil for the network's input when not wanted.
    @inline(__always) private func inputGrad(_ id: Int) -> UnsafeMutablePointer<Float>? {
        id == 0 && !computesInputGradient ? nil : gradients.pointer(id)
    }
    /// `inputGrad(id)` for a backward that only adds: zeroed first when `update` is to write it.
    private func addableInputGrad(_ id: Int, _ update: GradientUpdate, _ n: Int) -> UnsafeMutablePointer<Float>? {
        guard let gradient = inputGrad(id) else { return nil }
        if update == .overwrite { gradient.update(repeating: 0, count: n * activationSizes[id]) }
        return gradient
    }

    private func forward(_ n: Int, training: Bool) {
        let p = parameters.values, stored = buffers.values, stats = statistics.pointer
        for operation in operations {
            switch operation {
            case let .linear(op):
                linearForward(out: value(op.output), input: value(op.input), weight: p + op.weight,
                              bias: op.bias.map { p + $0 }, n: n, c: op.inFeatures, oc: op.outFeatures,
                              inputLayout: op.inputLayout, outputLayout: op.outputLayout)
            case let .conv2d(op):
                conv2dForward(out: value(op.output), input: value(op.input), weight: p + op.weight,
                              bias: op.bias.map { p + $0 }, n: n, c: op.channels, h: op.height, w: op.width,
                              oc: op.outChannels, kh: op.kernel, kw: op.kernel, stride: op.stride, padding: op.padding,
                              savedLayouts: training ? scratch.pointer(op.layouts) : nil)
            case let .batchNorm2d(op):
                if training {
                    batchNorm2dTrainingForward(out: value(op.output), mean: stats + op.statistics,
                                               invStd: stats + op.statistics + op.channels, input: value(op.input),
                                               weight: p + op.weight, bias: p + op.bias,
                                               runningMean: stored + op.runningMean, runningVar: stored + op.runningVar,
                                               n: n, c: op.channels, hw: op.plane, eps: op.eps, momentum: op.momentum,
                                               relu: op.relu)
                } else {
                    batchNorm2dEvaluationForward(out: value(op.output), input: value(op.input), weight: p + op.weight,
                                                 bias: p + op.bias, runningMean: stored + op.runningMean,
                                                 runningVar: stored + op.runningVar, n: n, c: op.channels, hw: op.plane,
                                                 eps: op.eps, relu: op.relu)
                }
            case let .pointwise(op):
                let count = n * op.size
                switch op.kind {
                case .relu: reluForward(out: value(op.output), input: value(op.input), count: count)
                case .tanh: tanhForward(out: value(op.output), input: value(op.input), count: count)
                case .sigmoid: sigmoidForward(out: value(op.output), input: value(op.input), count: count)
                }
            case let .maxPool2d(op):
                maxPool2dForward(out: value(op.output), argmax: indices.pointer(op.argmax), input: value(op.input),
                                 n: n, c: op.channels, h: op.height, w: op.width, kernel: op.kernel, stride: op.stride)
            case let .dropout(op):
                let count = n * op.units * op.plane
                guard training else {
                    value(op.output).update(from: value(op.input), count: count)
                    continue
                }
                let mask = scratch.pointer(op.mask)
                dropoutMask(mask, count: n * op.units, p: op.p, using: &dropoutGenerator)
                if op.plane == 1 {
                    dropoutForward(out: value(op.output), input: value(op.input), mask: mask, count: count)
                } else {
                    dropout2dForward(out: value(op.output), input: value(op.input), mask: mask, planes: n * op.units, hw: op.plane)
                }
            case let .globalAvgPool(op):
                globalAvgPoolForward(out: value(op.output), input: value(op.input), planes: n * op.channels, hw: op.plane)
            case let .add(op):
                residualAddForward(out: value(op.output), a: value(op.a), b: value(op.b), count: n * op.size, relu: op.relu)
            }
        }
    }

    private func backward(_ n: Int) {
        let p = parameters.values, g = parameters.grads, stats = statistics.pointer
        for (operation, updates) in zip(operations, inputGradientUpdates).reversed() {
            switch operation {
            case let .linear(op):
                linearBackward(dInput: addableInputGrad(op.input, updates[0], n), dWeight: g + op.weight,
                               dBias: op.bias.map { g + $0 }, dOut: grad(op.output), input: value(op.input),
                               weight: p + op.weight, n: n, c: op.inFeatures, oc: op.outFeatures, inputLayout: op.inputLayout,
                               outputLayout: op.outputLayout, parameterGradients: .overwrite)
            case let .conv2d(op):
                conv2dBackward(dInput: inputGrad(op.input), dWeight: g + op.weight, dBias: op.bias.map { g + $0 },
                               dOut: grad(op.output), input: value(op.input), weight: p + op.weight,
                               n: n, c: op.channels, h: op.height, w: op.width, oc: op.outChannels,
                               kh: op.kernel, kw: op.kernel, stride: op.stride, padding: op.padding,
                               parameterGradients: .overwrite, inputGradient: updates[0],
                               savedLayouts: scratch.pointer(op.layouts))
            case let .batchNorm2d(op):
                batchNorm2dBackward(dInput: inputGrad(op.input), dWeight: g + op.weight, dBias: g + op.bias,
                                    dOut: grad(op.output), input: value(op.input), weight: p + op.weight,
                                    mean: stats + op.statistics, invStd: stats + op.statistics + op.channels,
                                    n: n, c: op.channels, hw: op.plane, reluOutput: op.relu ? value(op.output) : nil,
                                    parameterGradients: .overwrite, inputGradient: updates[0])
            case let .pointwise(op):
                let count = n * op.size
                switch op.kind {
                case .relu:
                    guard let dInput = inputGrad(op.input) else { continue }
                    reluBackward(dInput: dInput, dOut: grad(op.output), out: value(op.output), count: count,
                                 inputGradient: updates[0])
                case .tanh:
                    guard let dInput = addableInputGrad(op.input, updates[0], n) else { continue }
                    tanhBackward(dInput: dInput, dOut: grad(op.output), out: value(op.output), count: count)
                case .sigmoid:
                    guard let dInput = addableInputGrad(op.input, updates[0], n) else { continue }
                    sigmoidBackward(dInput: dInput, dOut: grad(op.output), out: value(op.output), count: count)
                }
            case let .maxPool2d(op):
                guard let dInput = addableInputGrad(op.input, updates[0], n) else { continue }
                maxPool2dBackward(dInput: dInput, dOut: grad(op.output), argmax: indices.pointer(op.argmax),
                                  n: n, c: op.channels, h: op.height, w: op.width, kernel: op.kernel, stride: op.stride)
            case let .dropout(op):
                guard let dInput = addableInputGrad(op.input, updates[0], n) else { continue }
                let mask = scratch.pointer(op.mask)
                if op.plane == 1 {
                    dropoutBackward(dInput: dInput, dOut: grad(op.output), mask: mask, count: n * op.units)
                } else {
                    dropout2dBackward(dInput: dInput, dOut: grad(op.output), mask: mask, planes: n * op.units, hw: op.plane)
                }
            case let .globalAvgPool(op):
                guard let dInput = inputGrad(op.input) else { continue }
                globalAvgPoolBackward(dInput: dInput, dOut: grad(op.output), planes: n * op.channels, hw: op.plane,
                                      inputGradient: updates[0])
            case let .add(op):
                residualAddBackward(dA: inputGrad(op.a), dB: inputGrad(op.b), dOut: grad(op.output), count: n * op.size,
                                    reluOutput: op.relu ? value(op.output) : nil, updateA: updates[0], updateB: updates[1])
            }
        }
    }

    // MARK: - Loss head

    private func headForward(_ n: Int) -> StepMetrics {
        let logits = value(outputID), out = scratch.pointer(headOutput)
        let count = n * outputWidth
        switch head {
        case .softmaxCrossEntropy:
            let (lossSum, correct) = softmaxCrossEntropyForward(probs: out, logits: logits, labels: indices.pointer(labelRegion),
                                                                n: n, classes: outputWidth)
            return StepMetrics(loss: lossSum / Double(n), count: n, correct: correct)
        case .sigmoidBinaryCrossEntropy:
            let target = value(0)
            let lossSum = sigmoidBinaryCrossEntropyForward(probability: out, logits: logits, target: target, count: count)
            let squares = squaredErrorForward(prediction: out, target: target, count: count)
            return StepMetrics(loss: lossSum / Double(count), count: n, squaredError: squares)
        case .sigmoidSquaredError:
            sigmoidForward(out: out, input: logits, count: count)
            let squares = squaredErrorForward(prediction: out, target: value(0), count: count)
            return StepMetrics(loss: squares / Double(count), count: n, squaredError: squares)
        case .halfSquaredError:
            let squares = squaredErrorForward(prediction: logits, target: scratch.pointer(headExtra), count: count)
            return StepMetrics(loss: squares / Double(2 * count), count: n, squaredError: squares)
        }
    }

    private func headBackward(_ n: Int) {
        let dLogits = grad(outputID), out = scratch.pointer(headOutput)
        let count = n * outputWidth
        dLogits.update(repeating: 0, count: count)  // the heads' backwards add
        switch head {
        case .softmaxCrossEntropy:
            softmaxCrossEntropyBackward(dLogits: dLogits, probs: out, labels: indices.pointer(labelRegion), n: n,
                                        classes: outputWidth, scale: 1 / Float(n))
        case .sigmoidBinaryCrossEntropy:
            sigmoidBinaryCrossEntropyBackward(dLogits: dLogits, probability: out, target: value(0), count: count,
                                              scale: 1 / Float(count))
        case .sigmoidSquaredError:
            let dOut = scratch.pointer(headExtra)
            dOut.update(repeating: 0, count: count)
            squaredErrorBackward(dPrediction: dOut, prediction: out, target: value(0), count: count, scale: 1 / Float(count))
            sigmoidBackward(dInput: dLogits, dOut: dOut, out: out, count: count)
        case .halfSquaredError:
            squaredErrorBackward(dPrediction: dLogits, prediction: value(outputID), target: scratch.pointer(headExtra),
                                 count: count, scale: 1 / Float(2 * count))
        }
    }
}
