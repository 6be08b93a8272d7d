// The word-level LSTM language model of the seeds' PTB / WikiText-2 experiments (PyTorch's
// word_language_model `RNNModel`): embedding → dropout → LSTM (layers, dropout between them) → dropout
// → linear decoder at every position → cross-entropy over all positions. The hidden state is carried
// from window to window (truncated BPTT, detached), separately for training and evaluation.
//
// Sizes: T = steps of the window, B = streams, E = embedding size, H = hidden size, V = vocabulary,
// R = T·B positions (row t·B + s is step t of stream s).

/// An LSTM language model over windows of token streams (`Batch.tokens`).
public final class LanguageModel: Network {
    public let name: String
    public var objective: Objective { .languageModel }
    public let parameters: ParameterBlock
    public let buffers = BufferBlock(TensorLayout())
    public var bptt: Int? { window }
    /// Tokens in the vocabulary (V): embedding rows and decoder outputs.
    public let vocabulary: Int
    /// Embedding size E (`emsize`).
    public let embeddingSize: Int
    /// Hidden units per LSTM layer H (`nhid`).
    public let hiddenSize: Int
    /// LSTM layers (`nlayers`).
    public let layers: Int
    /// Dropout probability on the embeddings, between LSTM layers and on the last layer's output.
    public let dropout: Float

    private let window: Int
    private let embeddingWeight: TensorSlot
    private let lstmSlots: [(weightIH: TensorSlot, weightHH: TensorSlot, biasIH: TensorSlot, biasHH: TensorSlot)]
    private let decoderWeight: TensorSlot
    private let decoderBias: TensorSlot
    private var dropoutGenerator: SeededGenerator
    private var trainingState = CarriedState()
    private var evaluationState = CarriedState()
    private var work = Workspace()
    /// Shape of the last window.
    private var steps = 0, streams = 0

    /// The state carried into the next window: h and c, each (layers, B, H); empty after a reset.
    private struct CarriedState {
        var h: [Float] = []
        var c: [Float] = []
        var streams = 0
    }

    /// Buffers for one window, grown to the largest window seen.
    private struct Workspace {
        var rows = 0, streams = 0
        var tokens = AlignedBuffer<Int32>(count: 0), targets = AlignedBuffer<Int32>(count: 0)
        var embedded = AlignedBuffer<Float>(count: 0), dEmbedded = AlignedBuffer<Float>(count: 0)
        var embeddedMask = AlignedBuffer<Float>(count: 0), embeddedDropped = AlignedBuffer<Float>(count: 0)
        var dEmbeddedDropped = AlignedBuffer<Float>(count: 0)
        /// Per layer: h and c (T + 1, B, H), gates (T, B, 4H), tanh(c) (T, B, H), d output (T, B, H),
        /// dropout mask, dropped output and its gradient (T, B, H), d initial state (B, H).
        var h: [AlignedBuffer<Float>] = [], c: [AlignedBuffer<Float>] = []
        var gates: [AlignedBuffer<Float>] = [], tanhC: [AlignedBuffer<Float>] = []
        var dOutput: [AlignedBuffer<Float>] = []
        var mask: [AlignedBuffer<Float>] = [], dropped: [AlignedBuffer<Float>] = [], dDropped: [AlignedBuffer<Float>] = []
        var dH0: [AlignedBuffer<Float>] = [], dC0: [AlignedBuffer<Float>] = []
        /// Shared by the layers' backward passes, (T, B, 4H).
        var dGates = AlignedBuffer<Float>(count: 0)
        var logits = AlignedBuffer<Float>(count: 0), probs = AlignedBuffer<Float>(count: 0), dLogits = AlignedBuffer<Float>(count: 0)
    }

    /// A model with `layers` LSTM layers; parameters drawn from `seed` (stream `"init"`): embedding and
    /// decoder weight U(−0.1, 0.1), LSTM weights and biases U(±1/√H), decoder bias PyTorch's default
    /// U(±1/√H) (the seeds' code leaves it, where PyTorch's example zeroes it). `bptt` is the window length
    /// Worker cuts the streams into.
    public init(name: String = "lstm", vocabulary: Int, embeddingSize: Int, hiddenSize: Int, layers: Int,
                dropout: Float, bptt: Int, seed: UInt64) throws {
        for (value, what) in [(vocabulary, "vocabulary"), (embeddingSize, "emsize"), (hiddenSize, "nhid"), (layers, "nlayers"),
                              (bptt, "bptt")] where value < 1 {
            throw ArchitectureError(layer: name, "\(what) must be ≥ 1, got \(value)")
        }
        guard (0..<1).contains(dropout) else { throw ArchitectureError(layer: name, "dropout must be in [0, 1), got \(dropout)") }
        self.name = name
        self.vocabulary = vocabulary
        self.embeddingSize = embeddingSize
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.dropout = dropout
        window = bptt
        var layout = TensorLayout()
        embeddingWeight = layout.add("embedding.weight", shape: [vocabulary, embeddingSize])
        var slots: [(TensorSlot, TensorSlot, TensorSlot, TensorSlot)] = []
        for k in 0..<layers {
            let inputSize = k == 0 ? embeddingSize : hiddenSize
            slots.append((layout.add("lstm.weight_ih_l\(k)", shape: [4 * hiddenSize, inputSize]),
                          layout.add("lstm.weight_hh_l\(k)", shape: [4 * hiddenSize, hiddenSize]),
                          layout.add("lstm.bias_ih_l\(k)", shape: [4 * hiddenSize]),
                          layout.add("lstm.bias_hh_l\(k)", shape: [4 * hiddenSize])))
        }
        lstmSlots = slots
        decoderWeight = layout.add("decoder.weight", shape: [vocabulary, hiddenSize])
        decoderBias = layout.add("decoder.bias", shape: [vocabulary])
        parameters = ParameterBlock(layout)
        dropoutGenerator = SeededGenerator(seed: seed, stream: "dropout")

        var generator = SeededGenerator(seed: seed, stream: "init")
        let lstmBound = 1 / Float(hiddenSize).squareRoot()
        parameters.fillUniform(embeddingWeight, bound: 0.1, using: &generator)
        for layer in lstmSlots {
            for slot in [layer.weightIH, layer.weightHH, layer.biasIH, layer.biasHH] {
                parameters.fillUniform(slot, bound: lstmBound, using: &generator)
            }
        }
        parameters.fillUniform(decoderWeight, bound: 0.1, using: &generator)
        // QUIRK (seeds.md §1.13): the decoder bias keeps nn.Linear's default, U(±1/√fan_in).
        parameters.fillUniform(decoderBias, bound: lstmBound, using: &generator)
    }

    // MARK: - Steps

    public func trainStep(_ batch: Batch) throws -> StepMetrics {
        try load(batch, state: &trainingState)
        parameters.zeroGrads()
        forward(training: true, state: &trainingState)
        let metrics = lossForward()
        backward()
        return metrics
    }

    public func evaluate(_ batch: Batch) throws -> StepMetrics {
        try load(batch, state: &evaluationState)
        forward(training: false, state: &evaluationState)
        return lossForward()
    }

    public func resetState(_ phase: Phase) {
        switch phase {
        case .training: trainingState = CarriedState()
        case .evaluation: evaluationState = CarriedState()
        }
    }

    // MARK: - Carried state and results of the last step

    /// The hidden state the next window of `phase` starts from: h and c, each (layers, streams, hidden),
    /// or empty arrays after a reset (the next window starts from zeros).
    public func state(_ phase: Phase) -> (h: [Float], c: [Float]) {
        let state = phase == .training ? trainingState : evaluationState
        return (state.h, state.c)
    }

    /// Sets the state the next window of `phase` starts from; h and c are (layers, streams, hidden).
    public func setState(h: [Float], c: [Float], streams: Int, phase: Phase) throws {
        let count = layers * streams * hiddenSize
        guard streams >= 1, h.count == count, c.count == count else {
            throw NetworkError.stateMismatch(network: name, "h and c need \(layers)×\(streams)×\(hiddenSize) = \(count) values, got \(h.count) and \(c.count)")
        }
        let state = CarriedState(h: h, c: c, streams: streams)
        switch phase {
        case .training: trainingState = state
        case .evaluation: evaluationState = state
        }
    }

    /// The last window's logits, (T·B, V).
    public func outputs() -> [Float] { work.logits.array(0..<(steps * streams * vocabulary)) }

    /// d loss / d embedding output of the last training step, (T, B, E) (before the embedding dropout).
    public func embeddingGradient() -> [Float] { work.dEmbedded.array(0..<(steps * streams * embeddingSize)) }

    /// d loss / d initial state of the last training step: h and c, each (layers, B, H).
    public func initialStateGradient() -> (h: [Float], c: [Float]) {
        let size = streams * hiddenSize
        return (work.dH0.flatMap { $0.array(0..<size) }, work.dC0.flatMap { $0.array(0..<size) })
    }

    public func saveState() -> NetworkState {
        NetworkState(network: name,
                     tensors: [NamedTensor("training.h", trainingState.h), NamedTensor("training.c", trainingState.c),
                               NamedTensor("evaluation.h", evaluationState.h), NamedTensor("evaluation.c", evaluationState.c)],
                     generators: [NamedGenerator("dropout", dropoutGenerator)])
    }

    public func restoreState(_ state: NetworkState) throws {
        guard state.network == name else {
            throw NetworkError.stateMismatch(network: name, "the state was saved by \(state.network)")
        }
        func carried(_ prefix: String) throws -> CarriedState {
            let h = try state.tensor(prefix + ".h"), c = try state.tensor(prefix + ".c")
            let perStream = layers * hiddenSize
            guard h.count == c.count, h.count % perStream == 0 else {
                throw NetworkError.stateMismatch(network: name, "\(prefix) state of \(h.count) and \(c.count) values does not fit \(layers) layers of \(hiddenSize)")
            }
            return CarriedState(h: h, c: c, streams: h.count / perStream)
        }
        let training = try carried("training"), evaluation = try carried("evaluation")
        let generator = try state.generator("dropout")
        trainingState = training
        evaluationState = evaluation
        dropoutGenerator = generator
    }

    // MARK: - Batch

    private func load(_ batch: Batch, state: inout CarriedState) throws {
        let window = try batch.tokenWindow(network: name, vocabulary: vocabulary)
        if state.streams == 0 {
            state = CarriedState(h: Array(repeating: 0, count: layers * window.streams * hiddenSize),
                                 c: Array(repeating: 0, count: layers * window.streams * hiddenSize), streams: window.streams)
        } else if state.streams != window.streams {
            throw NetworkError.streamCountChanged(network: name, got: window.streams, expected: state.streams)
        }
        reserve(rows: window.steps * window.streams, streams: window.streams)
        work.tokens.copy(from: window.inputs)
        work.targets.copy(from: window.targets)
        steps = window.steps
        streams = window.streams
    }

    private func reserve(rows: Int, streams: Int) {
        guard rows > work.rows || streams > work.streams else { return }
        let r = max(rows, work.rows), b = max(streams, work.streams)
        let (e, h, v) = (embeddingSize, hiddenSize, vocabulary)
        func buffer(_ count: Int) -> AlignedBuffer<Float> { AlignedBuffer(count: count) }
        var w = Workspace()
        w.rows = r
        w.streams = b
        w.tokens = AlignedBuffer(count: r)
        w.targets = AlignedBuffer(count: r)
        w.embedded = buffer(r * e)
        w.dEmbedded = buffer(r * e)
        if dropout > 0 {
            w.embeddedMask = buffer(r * e)
            w.embeddedDropped = buffer(r * e)
            w.dEmbeddedDropped = buffer(r * e)
        }
        for _ in 0..<layers {
            w.h.append(buffer((r + b) * h))
            w.c.append(buffer((r + b) * h))
            w.gates.append(buffer(r * 4 * h))
            w.tanhC.append(buffer(r * h))
            w.dOutput.append(buffer(r * h))
            w.dH0.append(buffer(b * h))
            w.dC0.append(buffer(b * h))
            if dropout > 0 {
                w.mask.append(buffer(r * h))
                w.dropped.append(buffer(r * h))
                w.dDropped.append(buffer(r * h))
            }
        }
        w.dGates = buffer(r * 4 * h)
        w.logits = buffer(r * v)
        w.probs = buffer(r * v)
        w.dLogits = buffer(r * v)
        work = w
    }

    // MARK: - Forward and backward

    /// The input of layer k (after dropout) and the gradient buffer for it.
    private func layerInput(_ k: Int) -> (value: UnsafeMutablePointer<Float>, grad: UnsafeMutablePointer<Float>) {
        if k == 0 {
            return dropout > 0 ? (work.embeddedDropped.pointer, work.dEmbeddedDropped.pointer) : (work.embedded.pointer, work.dEmbedded.pointer)
        }
        return layerOutput(k - 1)
    }

    /// The output of layer k as the next stage sees it (after dropout), and its gradient buffer.
    private func layerOutput(_ k: Int) -> (value: UnsafeMutablePointer<Float>, grad: UnsafeMutablePointer<Float>) {
        dropout > 0 ? (work.dropped[k].pointer, work.dDropped[k].pointer)
            : (work.h[k].pointer + streams * hiddenSize, work.dOutput[k].pointer)
    }

    private func forward(training: Bool, state: inout CarriedState) {
        let p = parameters.values
        let rows = steps * streams, stateSize = streams * hiddenSize
        embeddingForward(out: work.embedded.pointer, tokens: work.tokens.pointer, weight: p + embeddingWeight.offset,
                         n: rows, dim: embeddingSize)
        if dropout > 0 {
            applyDropout(work.embeddedDropped.pointer, work.embedded.pointer, mask: work.embeddedMask.pointer,
                         count: rows * embeddingSize, training: training)
        }
        for k in 0..<layers {
            let slots = lstmSlots[k], inputSize = k == 0 ? embeddingSize : hiddenSize
            let h = work.h[k].pointer, c = work.c[k].pointer
            state.h.withUnsafeBufferPointer { h.update(from: $0.baseAddress! + k * stateSize, count: stateSize) }
            state.c.withUnsafeBufferPointer { c.update(from: $0.baseAddress! + k * stateSize, count: stateSize) }
            lstmForward(h: h, c: c, gates: work.gates[k].pointer, tanhC: work.tanhC[k].pointer, input: layerInput(k).value,
                        weightIH: p + slots.weightIH.offset, weightHH: p + slots.weightHH.offset,
                        biasIH: p + slots.biasIH.offset, biasHH: p + slots.biasHH.offset,
                        steps: steps, batch: streams, inputSize: inputSize, hidden: hiddenSize)
            // The next window starts from the final state, detached: a copy, no gradient flows back into it.
            state.h.withUnsafeMutableBufferPointer { ($0.baseAddress! + k * stateSize).update(from: h + steps * stateSize, count: stateSize) }
            state.c.withUnsafeMutableBufferPointer { ($0.baseAddress! + k * stateSize).update(from: c + steps * stateSize, count: stateSize) }
            if dropout > 0 {
                applyDropout(work.dropped[k].pointer, h + stateSize, mask: work.mask[k].pointer, count: rows * hiddenSize,
                             training: training)
            }
        }
        linearForward(out: work.logits.pointer, input: layerOutput(layers - 1).value, weight: p + decoderWeight.offset,
                      bias: p + decoderBias.offset, n: rows, c: hiddenSize, oc: vocabulary)
    }

    private func applyDropout(_ out: UnsafeMutablePointer<Float>, _ input: UnsafePointer<Float>, mask: UnsafeMutablePointer<Float>,
                              count: Int, training: Bool) {
        if training {
            dropoutMask(mask, count: count, p: dropout, using: &dropoutGenerator)
            dropoutForward(out: out, input: input, mask: mask, count: count)
        } else {
            out.update(from: input, count: count)
        }
    }

    private func lossForward() -> StepMetrics {
        let rows = steps * streams
        let (lossSum, correct) = softmaxCrossEntropyForward(probs: work.probs.pointer, logits: work.logits.pointer,
                                                            labels: work.targets.pointer, n: rows, classes: vocabulary)
        return StepMetrics(loss: lossSum / Double(rows), count: rows, correct: correct)
    }

    private func backward() {
        let p = parameters.values, g = parameters.grads
        let rows = steps * streams
        let hiddenCount = rows * hiddenSize
        zeroElements(work.dEmbedded.pointer, rows * embeddingSize)
        for k in 0..<layers { zeroElements(work.dOutput[k].pointer, hiddenCount) }
        if dropout > 0 {
            zeroElements(work.dEmbeddedDropped.pointer, rows * embeddingSize)
            for k in 0..<layers { zeroElements(work.dDropped[k].pointer, hiddenCount) }
        }

        // dLogits is written whole, with the decoder's bias gradient in the same pass.
        softmaxCrossEntropyGradient(dLogits: work.dLogits.pointer, dBias: g + decoderBias.offset, probs: work.probs.pointer,
                                    labels: work.targets.pointer, n: rows, classes: vocabulary, scale: 1 / Float(rows))
        linearBackward(dInput: layerOutput(layers - 1).grad, dWeight: g + decoderWeight.offset, dBias: nil,
                       dOut: work.dLogits.pointer, input: layerOutput(layers - 1).value, weight: p + decoderWeight.offset,
                       n: rows, c: hiddenSize, oc: vocabulary)
        for k in stride(from: layers - 1, through: 0, by: -1) {
            if dropout > 0 {
                dropoutBackward(dInput: work.dOutput[k].pointer, dOut: work.dDropped[k].pointer, mask: work.mask[k].pointer,
                                count: hiddenCount)
            }
            let slots = lstmSlots[k], inputSize = k == 0 ? embeddingSize : hiddenSize
            let input = layerInput(k)
            lstmBackward(dInput: input.grad, dWeightIH: g + slots.weightIH.offset, dWeightHH: g + slots.weightHH.offset,
                         dBiasIH: g + slots.biasIH.offset, dBiasHH: g + slots.biasHH.offset,
                         dH0: work.dH0[k].pointer, dC0: work.dC0[k].pointer, dGates: work.dGates.pointer,
                         dHidden: work.dOutput[k].pointer, input: input.value, h: work.h[k].pointer, c: work.c[k].pointer,
                         gates: work.gates[k].pointer, tanhC: work.tanhC[k].pointer,
                         weightIH: p + slots.weightIH.offset, weightHH: p + slots.weightHH.offset,
                         steps: steps, batch: streams, inputSize: inputSize, hidden: hiddenSize)
        }
        if dropout > 0 {
            dropoutBackward(dInput: work.dEmbedded.pointer, dOut: work.dEmbeddedDropped.pointer, mask: work.embeddedMask.pointer,
                            count: rows * embeddingSize)
        }
        embeddingBackward(dWeight: g + embeddingWeight.offset, dOut: work.dEmbedded.pointer, tokens: work.tokens.pointer,
                          n: rows, dim: embeddingSize)
    }
}
