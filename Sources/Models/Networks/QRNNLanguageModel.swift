// The tied QRNN word language model of the alternating synthetic-gradient study (alternate_sg's
// `RNNModel` with `--model QRNN`, alt_sg.md §2) with AWD regularisation: embedding dropout → locked
// dropout → QRNN layers (window 2 for layer 0, 1 after; locked dropout between them; weight drop on
// each W) → locked dropout → decoder sharing the embedding matrix. Training loss CE + AR + TAR.
// The carried state of each layer is its last cell c_T, plus layer 0's last input (x_0 of the next
// window); both are cleared by `resetState` (alternate_sg resets them every epoch and before evaluating).
//
// Sizes: T = steps, B = streams, E = embedding size, H = hidden size, V = vocabulary, L = layers,
// R = T·B positions (row t·B + b). Layer l maps I_l → H_l with I_0 = E, I_l = H, H_l = H except
// H_{L−1} = E (the decoder is the embedding matrix). S = Σ H_l (LSTM 2·Σ H_l), the joined state's width.
//
// The same recipe with LSTM layers (alternate_sg `--model LSTM`, §2.3) is `cell: .lstm`: one one-layer
// LSTM per layer (gates i, f, g, o), weight drop on W_hh only, state (h, c) per layer; its joined state
// for the synthetic-gradient step is [h⁰ ; c⁰ ; h¹ ; c¹ ; …] and the injection reaches both h_T and c_T.
// With GRU layers (`--model GRU`, alternate_sg's default) it is `cell: .gru`: one one-layer GRU per layer
// (gates r, z, n), weight drop on W_hh only, state h per layer (carried where the others keep their cell),
// joined [h⁰ ; h¹ ; …].

/// AWD-LSTM's regularisation settings (alt_sg.md §2.1, §2.5); all off by default.
public struct AWDRegularization: Equatable, Sendable {
    /// Embedding dropout: a dropped word is zero at every position (`--dropoute`).
    public var embedding: Float = 0
    /// Locked dropout on the embeddings (`--dropouti`).
    public var input: Float = 0
    /// Locked dropout between layers (`--dropouth`).
    public var hidden: Float = 0
    /// Locked dropout on the last layer's output (`--dropout`).
    public var output: Float = 0
    /// DropConnect on every QRNN matrix W (`--wdrop`); the bias is not dropped.
    public var weight: Float = 0
    /// AR weight: α · mean(u²) of the dropped last output (`--alpha`).
    public var alpha: Float = 0
    /// TAR weight: β · mean((r_{t+1} − r_t)²) of the raw last output (`--beta`).
    public var beta: Float = 0

    public init(embedding: Float = 0, input: Float = 0, hidden: Float = 0, output: Float = 0, weight: Float = 0,
                alpha: Float = 0, beta: Float = 0) {
        (self.embedding, self.input, self.hidden, self.output, self.weight) = (embedding, input, hidden, output, weight)
        (self.alpha, self.beta) = (alpha, beta)
    }
}

/// The loss of the last training window, term by term.
public struct LanguageModelLoss: Equatable, Sendable {
    /// Mean cross-entropy over the R positions (what is logged as the training loss).
    public var crossEntropy: Double
    /// α · mean(u²).
    public var ar: Double
    /// β · mean((r_{t+1} − r_t)²); 0 for a one-step window, which has no successive pair.
    public var tar: Double
    /// What the backward differentiates.
    public var total: Double { crossEntropy + ar + tar }
}

/// The recurrent layer of the recipe.
public enum RecurrentCell: String, Sendable {
    /// pytorch-qrnn's QRNN layer (window 2 for layer 0, 1 after).
    case qrnn
    /// One-layer LSTMs, one per layer.
    case lstm
    /// One-layer GRUs, one per layer.
    case gru

    /// Gate blocks per layer: QRNN z, f, o; LSTM i, f, g, o; GRU r, z, n.
    var gateCount: Int { self == .lstm ? 4 : 3 }
}

/// A tied QRNN (or LSTM, or GRU) language model over windows of token streams (`Batch.tokens`).
public final class QRNNLanguageModel: Network {
    public let name: String
    public var objective: Objective { .languageModel }
    public let parameters: ParameterBlock
    public let buffers = BufferBlock(TensorLayout())
    public var bptt: Int? { window }
    public let vocabulary: Int
    public let embeddingSize: Int
    public let hiddenSize: Int
    public let layers: Int
    public let regularization: AWDRegularization
    public let cell: RecurrentCell
    /// Input size, output size and window of each layer.
    public let layerShapes: [(input: Int, hidden: Int, window: Int)]
    /// S, the width of the joined state (alt_sg.md §4.1): Σ H_l for QRNN and GRU, 2·Σ H_l for LSTM (h and c).
    public var joinedWidth: Int { joinedParts.reduce(0, +) }
    /// The widths of the joined state's parts in order: c^l per layer (QRNN), h^l then c^l (LSTM), h^l (GRU).
    private var joinedParts: [Int] { layerShapes.flatMap { cell == .lstm ? [$0.hidden, $0.hidden] : [$0.hidden] } }
    /// The loss terms of the last training step.
    public private(set) var lastLoss = LanguageModelLoss(crossEntropy: .nan, ar: 0, tar: 0)

    private let window: Int
    private let encoderWeight: TensorSlot
    /// QRNN: (W, b). LSTM and GRU: (W_hh, b_ih) here and (W_ih, b_hh) in `lstmSlots`; weight drop acts on `weight`.
    private let layerSlots: [(weight: TensorSlot, bias: TensorSlot)]
    private let lstmSlots: [(weightIH: TensorSlot, biasHH: TensorSlot)]
    private let decoderBias: TensorSlot
    private var dropoutGenerator: SeededGenerator
    private var trainingState = CarriedState()
    private var evaluationState = CarriedState()
    private var work = Workspace()
    private var steps = 0, streams = 0
    /// Whether the last forward ran in training mode (masks drawn).
    private var trained = false

    /// What the next window of a phase starts from: each layer's cell (B, H_l) and layer 0's last input
    /// (B, E); empty after a reset (zeros).
    private struct CarriedState {
        /// Each layer's carried state: the cell c_T, or for GRU (which has none) h_T.
        var cells: [[Float]] = []
        /// LSTM only: each layer's h (B, H_l).
        var hidden: [[Float]] = []
        var previous: [Float] = []
        var streams = 0
    }

    private struct LayerWork {
        var source = AlignedBuffer<Float>(count: 0), dSource = AlignedBuffer<Float>(count: 0)
        var cells = AlignedBuffer<Float>(count: 0), gates = AlignedBuffer<Float>(count: 0)
        var output = AlignedBuffer<Float>(count: 0), dOutput = AlignedBuffer<Float>(count: 0)
        /// Locked-dropout mask (B, H_l) on the output, the dropped output and its gradient (R, H_l).
        var mask = AlignedBuffer<Float>(count: 0), dropped = AlignedBuffer<Float>(count: 0), dDropped = AlignedBuffer<Float>(count: 0)
        var dCell0 = AlignedBuffer<Float>(count: 0)
        /// LSTM and GRU: h (T + 1, B, H_l) with h_0 in slot 0, d h_0 (B, H_l); LSTM only: tanh(c) (T, B, H_l).
        var hidden = AlignedBuffer<Float>(count: 0), tanhC = AlignedBuffer<Float>(count: 0), dHidden0 = AlignedBuffer<Float>(count: 0)
        /// GRU only: the recurrent candidate W_hn·h_{t−1} + b_hn (T, B, H_l).
        var candidate = AlignedBuffer<Float>(count: 0)
        /// Weight drop: mask, dropped weight, gradient with respect to the dropped weight.
        var weightMask = AlignedBuffer<Float>(count: 0), droppedWeight = AlignedBuffer<Float>(count: 0)
        var dDroppedWeight = AlignedBuffer<Float>(count: 0)
    }

    private struct Workspace {
        var rows = 0, streams = 0
        var tokens = AlignedBuffer<Int32>(count: 0), targets = AlignedBuffer<Int32>(count: 0)
        var rowMask = AlignedBuffer<Float>(count: 0)
        var embedded = AlignedBuffer<Float>(count: 0), dEmbedded = AlignedBuffer<Float>(count: 0)
        var inputMask = AlignedBuffer<Float>(count: 0), embeddedDropped = AlignedBuffer<Float>(count: 0)
        var dEmbeddedDropped = AlignedBuffer<Float>(count: 0)
        var layers: [LayerWork] = []
        var dGates = AlignedBuffer<Float>(count: 0)
        /// GRU only: the hidden-side gate gradients (its n rows differ from the input side's).
        var dGatesHidden = AlignedBuffer<Float>(count: 0)
        /// The decoder's output (R, V); its gradient, written by a training forward's loss pass; an evaluation's
        /// softmax exponentials.
        var logits = AlignedBuffer<Float>(count: 0), dLogits = AlignedBuffer<Float>(count: 0), exps = AlignedBuffer<Float>(count: 0)
        /// The decoder's input gradient, transposed (E, R).
        var decoderInputGradient = AlignedBuffer<Float>(count: 0)
    }

    /// A model of `layers` QRNN layers; parameters drawn from `seed` (stream `"init"`): the shared
    /// embedding U(−0.1, 0.1), each QRNN linear PyTorch's default U(±1/√(k·I)), the decoder bias 0
    /// (alt_sg.md §2.4). `bptt` is the window length (the mean of the variable windows in training).
    public init(name: String = "qrnn_lm", cell: RecurrentCell = .qrnn, vocabulary: Int, embeddingSize: Int, hiddenSize: Int, layers: Int,
                regularization: AWDRegularization = AWDRegularization(), bptt: Int, seed: UInt64) throws {
        for (value, what) in [(vocabulary, "vocabulary"), (embeddingSize, "emsize"), (hiddenSize, "nhid"), (layers, "nlayers"),
                              (bptt, "bptt")] where value < 1 {
            throw ArchitectureError(layer: name, "\(what) must be ≥ 1, got \(value)")
        }
        let r = regularization
        for (p, what) in [(r.embedding, "dropoute"), (r.input, "dropouti"), (r.hidden, "dropouth"), (r.output, "dropout"),
                          (r.weight, "wdrop")] where !(0..<1).contains(p) {
            throw ArchitectureError(layer: name, "\(what) must be in [0, 1), got \(p)")
        }
        self.name = name
        self.vocabulary = vocabulary
        self.embeddingSize = embeddingSize
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.regularization = regularization
        self.cell = cell
        window = bptt
        layerShapes = (0..<layers).map { l in
            (l == 0 ? embeddingSize : hiddenSize, l == layers - 1 ? embeddingSize : hiddenSize, cell == .qrnn && l == 0 ? 2 : 1)
        }
        var layout = TensorLayout()
        encoderWeight = layout.add("encoder.weight", shape: [vocabulary, embeddingSize])
        var slots: [(TensorSlot, TensorSlot)] = [], lstm: [(TensorSlot, TensorSlot)] = []
        for (l, shape) in layerShapes.enumerated() {
            switch cell {
            case .qrnn:
                slots.append((layout.add("rnns.\(l).linear.weight", shape: [3 * shape.hidden, shape.window * shape.input]),
                              layout.add("rnns.\(l).linear.bias", shape: [3 * shape.hidden])))
            case .lstm, .gru:
                // PyTorch's names and order of one nn.LSTM or nn.GRU layer (AWD's WeightDrop keeps W_hh as weight_hh_l0_raw).
                let rows = cell.gateCount * shape.hidden
                let weightIH = layout.add("rnns.\(l).weight_ih_l0", shape: [rows, shape.input])
                let weightHH = layout.add("rnns.\(l).weight_hh_l0", shape: [rows, shape.hidden])
                let biasIH = layout.add("rnns.\(l).bias_ih_l0", shape: [rows])
                let biasHH = layout.add("rnns.\(l).bias_hh_l0", shape: [rows])
                slots.append((weightHH, biasIH))
                lstm.append((weightIH, biasHH))
            }
        }
        layerSlots = slots
        lstmSlots = lstm
        decoderBias = layout.add("decoder.bias", shape: [vocabulary])
        parameters = ParameterBlock(layout)
        dropoutGenerator = SeededGenerator(seed: seed, stream: "dropout")
        var generator = SeededGenerator(seed: seed, stream: "init")
        parameters.fillUniform(encoderWeight, bound: 0.1, using: &generator)
        for (l, shape) in layerShapes.enumerated() {
            switch cell {
            case .qrnn:
                let bound = 1 / Float(shape.window * shape.input).squareRoot()
                parameters.fillUniform(layerSlots[l].weight, bound: bound, using: &generator)
                parameters.fillUniform(layerSlots[l].bias, bound: bound, using: &generator)
            case .lstm, .gru:
                // U(±1/√size), size the layer's hidden size (§2.4), in PyTorch's parameter order.
                let bound = 1 / Float(shape.hidden).squareRoot()
                for slot in [lstmSlots[l].weightIH, layerSlots[l].weight, layerSlots[l].bias, lstmSlots[l].biasHH] {
                    parameters.fillUniform(slot, bound: bound, using: &generator)
                }
            }
        }
        parameters.fill(decoderBias, with: 0)
    }

    // MARK: - Steps

    /// One training step: zero gradients, forward in training mode, backward of CE + AR + TAR. The
    /// returned loss is the cross-entropy alone (what alternate_sg logs); `lastLoss` has every term.
    public func trainStep(_ batch: Batch) throws -> StepMetrics {
        let metrics = try forwardTraining(batch)
        parameters.zeroGrads()
        backward(loss: true, injected: nil)
        return metrics
    }

    public func evaluate(_ batch: Batch) throws -> StepMetrics {
        try load(batch, state: &evaluationState)
        forward(training: false, state: &evaluationState)
        return lossForward().metrics
    }

    public func resetState(_ phase: Phase) {
        switch phase {
        case .training: trainingState = CarriedState()
        case .evaluation: evaluationState = CarriedState()
        }
    }

    // MARK: - Pieces of a step, for the synthetic-gradient step

    /// Loads `batch` and runs the training forward and the loss; no gradients yet. The carried training
    /// state advances to the window's final state.
    public func forwardTraining(_ batch: Batch) throws -> StepMetrics {
        try load(batch, state: &trainingState)
        forward(training: true, state: &trainingState)
        let (metrics, loss) = lossForward()
        lastLoss = loss
        return metrics
    }

    /// Adds to the parameter gradients the backward of the last training forward: of the loss
    /// (CE + AR + TAR) if `loss`, and of ⟨injected, joined final state⟩ for a constant `injected` (B, S)
    /// if given. Afterwards `joinedInitialStateGradient()` is d/d (joined initial state) of what was propagated.
    public func backward(loss: Bool, injected: [Float]?) {
        precondition(trained, "\(name): backward needs a training forward first")
        if let injected {
            precondition(injected.count == streams * joinedWidth, "\(name): injected gradient of \(injected.count) values, expected \(streams)×\(joinedWidth)")
        }
        backwardPass(loss: loss, injected: injected)
    }

    // MARK: - Carried state and results of the last step

    /// The joined state (B, S) the next window of `phase` starts from ([c⁰ ; c¹ ; …], GRU [h⁰ ; h¹ ; …],
    /// LSTM [h⁰ ; c⁰ ; h¹ ; c¹ ; …] per stream), or zeros of `streams` streams after a reset.
    public func joinedState(_ phase: Phase, streams: Int) -> [Float] {
        let state = phase == .training ? trainingState : evaluationState
        guard !state.cells.isEmpty else { return [Float](repeating: 0, count: streams * joinedWidth) }
        return join(cell == .lstm ? zip(state.hidden, state.cells).flatMap { [$0, $1] } : state.cells, streams: state.streams)
    }

    /// Each layer's carried cell (B, H_l) and layer 0's carried input (B, E); empty after a reset.
    public func state(_ phase: Phase) -> (cells: [[Float]], previous: [Float]) {
        let state = phase == .training ? trainingState : evaluationState
        return (state.cells, state.previous)
    }

    /// Sets what the next window of `phase` starts from: cells (B, H_l) per layer (GRU: its h), LSTM also
    /// `hidden` h (B, H_l) per layer, and layer 0's previous input (B, E) or an empty array for zeros.
    public func setState(cells: [[Float]], hidden: [[Float]] = [], previous: [Float], streams: Int, phase: Phase) throws {
        guard streams >= 1, cells.count == layers, zip(cells, layerShapes).allSatisfy({ $0.count == streams * $1.hidden }),
              previous.isEmpty || previous.count == streams * embeddingSize else {
            throw NetworkError.stateMismatch(network: name, "cells of \(cells.map(\.count)) values and a previous input of \(previous.count) do not fit \(streams) streams of \(layerShapes.map(\.hidden))")
        }
        guard cell != .lstm || zip(hidden, layerShapes).allSatisfy({ $0.count == streams * $1.hidden }) && hidden.count == layers else {
            throw NetworkError.stateMismatch(network: name, "an LSTM state needs h of \(layerShapes.map(\.hidden)) per stream, got \(hidden.map(\.count))")
        }
        let state = CarriedState(cells: cells, hidden: hidden, previous: previous, streams: streams)
        switch phase {
        case .training: trainingState = state
        case .evaluation: evaluationState = state
        }
    }

    /// The last window's logits, (R, V).
    public func outputs() -> [Float] { work.logits.array(0..<(steps * streams * vocabulary)) }

    /// d loss / d embedding lookup output of the last backward, (T, B, E) (before the locked dropout).
    public func embeddingGradient() -> [Float] { work.dEmbedded.array(0..<(steps * streams * embeddingSize)) }

    /// d / d each layer's initial carried state (its cell, or GRU's h) of the last backward, (B, H_l) each.
    public func initialStateGradient() -> [[Float]] {
        zip(work.layers, layerShapes).map { (cell == .gru ? $0.dHidden0 : $0.dCell0).array(0..<(streams * $1.hidden)) }
    }

    /// The joined initial-state gradient (B, S) of the last backward, in `joinedState`'s order.
    public func joinedInitialStateGradient() -> [Float] {
        let cells = initialStateGradient()
        guard cell == .lstm else { return join(cells, streams: streams) }
        let hidden = zip(work.layers, layerShapes).map { $0.dHidden0.array(0..<(streams * $1.hidden)) }
        return join(zip(hidden, cells).flatMap { [$0, $1] }, streams: streams)
    }

    /// The joined state's parts (B, width) in `joinedParts` order, concatenated per stream into (B, S).
    private func join(_ parts: [[Float]], streams: Int) -> [Float] {
        let width = joinedWidth
        var joined = [Float](repeating: 0, count: streams * width)
        var offset = 0
        for (part, size) in zip(parts, joinedParts) {
            for b in 0..<streams {
                for j in 0..<size { joined[b * width + offset + j] = part[b * size + j] }
            }
            offset += size
        }
        return joined
    }

    /// Part `index` (B, width) of a joined (B, S) tensor: the inverse of `join` for one part.
    private func joinedPart(_ joined: [Float], _ index: Int) -> [Float] {
        let parts = joinedParts, size = parts[index], offset = parts[..<index].reduce(0, +), width = joinedWidth
        return (0..<(streams * size)).map { i in joined[(i / size) * width + offset + i % size] }
    }

    public func saveState() -> NetworkState {
        var tensors: [NamedTensor] = []
        for (prefix, state) in [("training", trainingState), ("evaluation", evaluationState)] {
            tensors.append(NamedTensor("\(prefix).streams", [Float(state.streams)]))
            tensors.append(NamedTensor("\(prefix).previous", state.previous))
            for (l, cell) in state.cells.enumerated() { tensors.append(NamedTensor("\(prefix).cell\(l)", cell)) }
            for (l, h) in state.hidden.enumerated() { tensors.append(NamedTensor("\(prefix).hidden\(l)", h)) }
        }
        return NetworkState(network: name, tensors: tensors, generators: [NamedGenerator("dropout", dropoutGenerator)])
    }

    public func restoreState(_ state: NetworkState) throws {
        guard state.network == name else { throw NetworkError.stateMismatch(network: name, "the state was saved by \(state.network)") }
        func carried(_ prefix: String) throws -> CarriedState {
            let streams = Int(try state.tensor("\(prefix).streams").first ?? 0)
            guard streams > 0 else { return CarriedState() }
            let cells = try (0..<layers).map { try state.tensor("\(prefix).cell\($0)") }
            let hidden = cell == .lstm ? try (0..<layers).map { try state.tensor("\(prefix).hidden\($0)") } : []
            let restored = CarriedState(cells: cells, hidden: hidden, previous: try state.tensor("\(prefix).previous"), streams: streams)
            guard zip(cells, layerShapes).allSatisfy({ $0.count == streams * $1.hidden }) else {
                throw NetworkError.stateMismatch(network: name, "\(prefix) cells do not fit \(streams) streams of \(layerShapes.map(\.hidden))")
            }
            return restored
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
            let zeros = layerShapes.map { [Float](repeating: 0, count: window.streams * $0.hidden) }
            state = CarriedState(cells: zeros, hidden: cell == .lstm ? zeros : [], previous: [], streams: window.streams)
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
        func buffer(_ count: Int) -> AlignedBuffer<Float> { AlignedBuffer(count: count) }
        var w = Workspace()
        (w.rows, w.streams) = (r, b)
        w.tokens = AlignedBuffer(count: r)
        w.targets = AlignedBuffer(count: r)
        w.rowMask = buffer(vocabulary)
        w.embedded = buffer(r * embeddingSize)
        w.dEmbedded = buffer(r * embeddingSize)
        w.inputMask = buffer(b * embeddingSize)
        w.embeddedDropped = buffer(r * embeddingSize)
        w.dEmbeddedDropped = buffer(r * embeddingSize)
        var widest = 0
        for shape in layerShapes {
            var layer = LayerWork()
            let gateWidth = cell.gateCount * shape.hidden
            let weightCount = gateWidth * (cell == .qrnn ? shape.window * shape.input : shape.hidden)
            if shape.window == 2 { layer.source = buffer(r * 2 * shape.input) }
            layer.dSource = buffer(r * shape.window * shape.input)
            layer.cells = buffer((r + b) * shape.hidden)
            layer.gates = buffer(r * gateWidth)
            if cell != .qrnn {
                layer.hidden = buffer((r + b) * shape.hidden)
                layer.dHidden0 = buffer(b * shape.hidden)
            }
            if cell == .lstm { layer.tanhC = buffer(r * shape.hidden) }
            if cell == .gru { layer.candidate = buffer(r * shape.hidden) }
            layer.output = buffer(r * shape.hidden)
            layer.dOutput = buffer(r * shape.hidden)
            layer.mask = buffer(b * shape.hidden)
            layer.dropped = buffer(r * shape.hidden)
            layer.dDropped = buffer(r * shape.hidden)
            layer.dCell0 = buffer(b * shape.hidden)
            layer.weightMask = buffer(weightCount)
            layer.droppedWeight = buffer(weightCount)
            layer.dDroppedWeight = buffer(weightCount)
            w.layers.append(layer)
            widest = max(widest, gateWidth)
        }
        w.dGates = buffer(r * widest)
        if cell == .gru { w.dGatesHidden = buffer(r * widest) }
        w.logits = buffer(r * vocabulary)
        w.exps = buffer(r * vocabulary)
        w.dLogits = buffer(r * vocabulary)
        w.decoderInputGradient = buffer(r * embeddingSize)
        work = w
    }

    // MARK: - Forward and backward

    /// Layer l's output sequence (R, H_l) before dropout.
    private func rawOutput(_ l: Int) -> UnsafeMutablePointer<Float> {
        cell == .qrnn ? work.layers[l].output.pointer : work.layers[l].hidden.pointer + streams * layerShapes[l].hidden
    }

    /// Whether each regulariser is active in this pass.
    private func active(_ p: Float) -> Bool { trained && p > 0 }

    /// The (rows, I_l) input of layer l as the layer sees it, and its gradient buffer.
    private func layerInput(_ l: Int) -> (value: UnsafeMutablePointer<Float>, grad: UnsafeMutablePointer<Float>) {
        l == 0 ? (work.embeddedDropped.pointer, work.dEmbeddedDropped.pointer) : (work.layers[l - 1].dropped.pointer, work.layers[l - 1].dDropped.pointer)
    }

    /// Fills a locked-dropout mask (B, C) and applies it, or copies when the dropout is off.
    private func lockedDropout(_ out: UnsafeMutablePointer<Float>, _ input: UnsafePointer<Float>, mask: UnsafeMutablePointer<Float>,
                               p: Float, features: Int) {
        if active(p) {
            dropoutMask(mask, count: streams * features, p: p, using: &dropoutGenerator)
            lockedDropoutForward(out: out, input: input, mask: mask, steps: steps, streams: streams, features: features)
        } else {
            out.update(from: input, count: steps * streams * features)
        }
    }

    private func forward(training: Bool, state: inout CarriedState) {
        trained = training
        let p = parameters.values, reg = regularization
        let rows = steps * streams
        // Mask draw order: embedding rows, input mask, then per layer its weight mask and output mask.
        if active(reg.embedding) {
            dropoutMask(work.rowMask.pointer, count: vocabulary, p: reg.embedding, using: &dropoutGenerator)
            maskedEmbeddingForward(out: work.embedded.pointer, tokens: work.tokens.pointer, weight: p + encoderWeight.offset,
                                   rowMask: work.rowMask.pointer, n: rows, dim: embeddingSize)
        } else {
            embeddingForward(out: work.embedded.pointer, tokens: work.tokens.pointer, weight: p + encoderWeight.offset,
                             n: rows, dim: embeddingSize)
        }
        lockedDropout(work.embeddedDropped.pointer, work.embedded.pointer, mask: work.inputMask.pointer, p: reg.input,
                      features: embeddingSize)
        for l in 0..<layers {
            let shape = layerShapes[l], slots = layerSlots[l], layer = work.layers[l]
            let stateSize = streams * shape.hidden, sourceSize = shape.window * shape.input
            let input = layerInput(l).value
            var weight = UnsafePointer(p + slots.weight.offset)
            if active(reg.weight) {
                let count = slots.weight.count
                dropoutMask(layer.weightMask.pointer, count: count, p: reg.weight, using: &dropoutGenerator)
                dropoutForward(out: layer.droppedWeight.pointer, input: weight, mask: layer.weightMask.pointer, count: count)
                weight = UnsafePointer(layer.droppedWeight.pointer)
            }
            if cell == .lstm {
                let h = layer.hidden.pointer, c = layer.cells.pointer
                state.hidden[l].withUnsafeBufferPointer { h.update(from: $0.baseAddress!, count: stateSize) }
                state.cells[l].withUnsafeBufferPointer { c.update(from: $0.baseAddress!, count: stateSize) }
                lstmForward(h: h, c: c, gates: layer.gates.pointer, tanhC: layer.tanhC.pointer, input: input,
                            weightIH: p + lstmSlots[l].weightIH.offset, weightHH: weight, biasIH: p + slots.bias.offset,
                            biasHH: p + lstmSlots[l].biasHH.offset, steps: steps, batch: streams, inputSize: shape.input, hidden: shape.hidden)
                state.hidden[l] = Array(UnsafeBufferPointer(start: h + steps * stateSize, count: stateSize))
                state.cells[l] = Array(UnsafeBufferPointer(start: c + steps * stateSize, count: stateSize))
                lockedDropout(layer.dropped.pointer, rawOutput(l), mask: layer.mask.pointer,
                              p: l < layers - 1 ? reg.hidden : reg.output, features: shape.hidden)
                continue
            }
            if cell == .gru {
                let h = layer.hidden.pointer
                state.cells[l].withUnsafeBufferPointer { h.update(from: $0.baseAddress!, count: stateSize) }
                gruForward(h: h, gates: layer.gates.pointer, recurrentCandidate: layer.candidate.pointer, input: input,
                           weightIH: p + lstmSlots[l].weightIH.offset, weightHH: weight, biasIH: p + slots.bias.offset,
                           biasHH: p + lstmSlots[l].biasHH.offset, steps: steps, batch: streams, inputSize: shape.input, hidden: shape.hidden)
                state.cells[l] = Array(UnsafeBufferPointer(start: h + steps * stateSize, count: stateSize))
                lockedDropout(layer.dropped.pointer, rawOutput(l), mask: layer.mask.pointer,
                              p: l < layers - 1 ? reg.hidden : reg.output, features: shape.hidden)
                continue
            }
            let source: UnsafePointer<Float>
            if shape.window == 2 {
                if state.previous.isEmpty {
                    qrnnSource(layer.source.pointer, input: input, previous: nil, steps: steps, batch: streams, inputSize: shape.input)
                } else {
                    state.previous.withUnsafeBufferPointer {
                        qrnnSource(layer.source.pointer, input: input, previous: $0.baseAddress!, steps: steps, batch: streams,
                                   inputSize: shape.input)
                    }
                }
                // The next window's x_0: this window's last input, detached.
                state.previous = Array(UnsafeBufferPointer(start: input + (steps - 1) * streams * shape.input,
                                                           count: streams * shape.input))
                source = UnsafePointer(layer.source.pointer)
            } else {
                source = UnsafePointer(input)
            }
            state.cells[l].withUnsafeBufferPointer { layer.cells.pointer.update(from: $0.baseAddress!, count: stateSize) }
            // Layer l > 0 reads layer l − 1's locked-dropout output as it is (window 1); layer 0's window-2 rows
            // mix two masks (the previous window's x_0), so its product stays dense.
            let sourceMask = l > 0 && active(reg.hidden) ? UnsafePointer(work.layers[l - 1].mask.pointer) : nil
            qrnnForward(output: layer.output.pointer, cells: layer.cells.pointer, gates: layer.gates.pointer, source: source,
                        weight: weight, bias: p + slots.bias.offset, forgetMask: nil, sourceMask: sourceMask,
                        steps: steps, batch: streams, sourceSize: sourceSize, hidden: shape.hidden)
            // QUIRK (alt_sg.md Q11, reproduce): the carried state is the cell c_T, not h_T.
            state.cells[l] = Array(UnsafeBufferPointer(start: layer.cells.pointer + steps * stateSize, count: stateSize))
            lockedDropout(layer.dropped.pointer, layer.output.pointer, mask: layer.mask.pointer,
                          p: l < layers - 1 ? reg.hidden : reg.output, features: shape.hidden)
        }
        // The decoder's bias is added by the loss pass, while each row of logits is in cache. Its input is the
        // output dropout's: the product skips each stream's dropped features.
        let decoderInput = UnsafePointer(work.layers[layers - 1].dropped.pointer)
        if active(reg.output) {
            streamMaskedLinearForward(out: work.logits.pointer, input: decoderInput, mask: work.layers[layers - 1].mask.pointer,
                                      weight: p + encoderWeight.offset, bias: nil, steps: steps, streams: streams,
                                      inputSize: embeddingSize, outputSize: vocabulary)
        } else {
            linearForward(out: work.logits.pointer, input: decoderInput, weight: p + encoderWeight.offset,
                          bias: nil, n: rows, c: embeddingSize, oc: vocabulary)
        }
    }

    /// The decoder's bias and the cross-entropy of the logits; in training also the logits' gradient (the
    /// backward of the loss always follows a training forward, so it is written while each row is in cache)
    /// and AR and TAR of the last layer's output.
    private func lossForward() -> (metrics: StepMetrics, loss: LanguageModelLoss) {
        let rows = steps * streams
        let (lossSum, correct) = biasedSoftmaxCrossEntropy(logits: work.logits.pointer, bias: parameters.values + decoderBias.offset,
                                                           labels: work.targets.pointer, n: rows, classes: vocabulary,
                                                           exps: trained ? work.dLogits.pointer : work.exps.pointer,
                                                           gradientScale: trained ? 1 / Float(rows) : nil)
        let crossEntropy = lossSum / Double(rows)
        var ar = 0.0, tar = 0.0
        if trained {
            let last = work.layers[layers - 1], count = rows * embeddingSize
            if regularization.alpha != 0 {
                let u = last.dropped.pointer
                var sum = 0.0
                for i in 0..<count { sum += Double(u[i]) * Double(u[i]) }
                ar = Double(regularization.alpha) * sum / Double(count)
            }
            if regularization.beta != 0 && steps > 1 {
                let r = rawOutput(layers - 1), stride = streams * embeddingSize
                var sum = 0.0
                for i in 0..<((steps - 1) * stride) {
                    let d = Double(r[i + stride]) - Double(r[i])
                    sum += d * d
                }
                tar = Double(regularization.beta) * sum / Double((steps - 1) * stride)
            }
        }
        return (StepMetrics(loss: crossEntropy, count: rows, correct: correct),
                LanguageModelLoss(crossEntropy: crossEntropy, ar: ar, tar: tar))
    }

    private func backwardPass(loss: Bool, injected: [Float]?) {
        let p = parameters.values, g = parameters.grads, reg = regularization
        let rows = steps * streams
        let last = work.layers[layers - 1]
        // Each gradient buffer below is written by its first user, except where LSTM and GRU layers add
        // into their input's gradient, and the decoder's input gradient when no loss is propagated.
        if cell != .qrnn {
            zeroElements(work.dEmbeddedDropped.pointer, rows * embeddingSize)
            for (layer, shape) in zip(work.layers, layerShapes).dropLast() { zeroElements(layer.dDropped.pointer, rows * shape.hidden) }
        }
        if loss {
            // lossForward wrote dLogits.
            linearBiasGradient(dBias: g + decoderBias.offset, dOut: work.dLogits.pointer, n: rows, oc: vocabulary)
            // The tied decoder: its weight gradient lands in the shared matrix.
            if active(reg.output) {
                streamMaskedWeightGradient(dWeight: g + encoderWeight.offset, dOut: work.dLogits.pointer, input: last.dropped.pointer,
                                           mask: last.mask.pointer, steps: steps, streams: streams, inputSize: embeddingSize,
                                           outputSize: vocabulary)
            } else {
                linearWeightGradientInBlocks(dWeight: g + encoderWeight.offset, dOut: work.dLogits.pointer, input: last.dropped.pointer,
                                             n: rows, c: embeddingSize, oc: vocabulary)
            }
            linearInputGradientOfWideOutput(dInput: last.dDropped.pointer, dOut: work.dLogits.pointer, weight: p + encoderWeight.offset,
                                            scratch: work.decoderInputGradient.pointer, n: rows, c: embeddingSize, oc: vocabulary)
            let count = rows * embeddingSize
            if reg.alpha != 0 {
                let scale = 2 * reg.alpha / Float(count), u = last.dropped.pointer, du = last.dDropped.pointer
                for i in 0..<count { du[i] += scale * u[i] }
            }
        } else {
            zeroElements(last.dDropped.pointer, rows * embeddingSize)
        }
        for l in stride(from: layers - 1, through: 0, by: -1) {
            let shape = layerShapes[l], slots = layerSlots[l], layer = work.layers[l]
            let p_ = l < layers - 1 ? reg.hidden : reg.output
            if active(p_) {
                lockedDropoutBackward(dInput: layer.dOutput.pointer, dOut: layer.dDropped.pointer, mask: layer.mask.pointer,
                                      steps: steps, streams: streams, features: shape.hidden)
            } else {
                layer.dOutput.pointer.update(from: layer.dDropped.pointer, count: rows * shape.hidden)
            }
            if l == layers - 1 && loss && reg.beta != 0 && steps > 1 {
                // TAR on the raw output: d/dr of β·mean((r_{t+1} − r_t)²).
                let stride = streams * embeddingSize, scale = 2 * reg.beta / Float((steps - 1) * stride)
                let r = rawOutput(l), dr = layer.dOutput.pointer
                for i in 0..<((steps - 1) * stride) {
                    let d = scale * (r[i + stride] - r[i])
                    dr[i + stride] += d
                    dr[i] -= d
                }
            }
            let sourceSize = shape.window * shape.input
            let input = layerInput(l)
            let source = shape.window == 2 ? layer.source.pointer : input.value
            let dropped = active(reg.weight)
            let weight = dropped ? layer.droppedWeight.pointer : p + slots.weight.offset
            let dWeight = dropped ? layer.dDroppedWeight.pointer : g + slots.weight.offset
            if dropped { zeroElements(dWeight, slots.weight.count) }
            let dSource = shape.window == 2 ? layer.dSource.pointer : input.grad
            // The injected gradient's slices for this layer's final state, (B, H_l) each: c_T (GRU h_T), or h_T and c_T.
            let partsPerLayer = cell == .lstm ? 2 : 1
            let dLast = injected.map { joined in (0..<partsPerLayer).map { joinedPart(joined, partsPerLayer * l + $0) } }
            func run(_ dLast: UnsafePointer<Float>?) {
                qrnnBackward(dSource: dSource, dWeight: dWeight, dBias: g + slots.bias.offset, dCell0: layer.dCell0.pointer,
                             dGates: work.dGates.pointer, dOutput: layer.dOutput.pointer, dCellLast: dLast, source: source,
                             cells: layer.cells.pointer, gates: layer.gates.pointer, weight: weight, forgetMask: nil,
                             sourceMask: l > 0 && active(reg.hidden) ? UnsafePointer(work.layers[l - 1].mask.pointer) : nil, steps: steps, batch: streams, sourceSize: sourceSize, hidden: shape.hidden)
            }
            func runLSTM(_ dHLast: UnsafePointer<Float>?, _ dCLast: UnsafePointer<Float>?) {
                lstmBackward(dInput: input.grad, dWeightIH: g + lstmSlots[l].weightIH.offset, dWeightHH: dWeight,
                             dBiasIH: g + slots.bias.offset, dBiasHH: g + lstmSlots[l].biasHH.offset, dH0: layer.dHidden0.pointer,
                             dC0: layer.dCell0.pointer, dGates: work.dGates.pointer, dHidden: layer.dOutput.pointer, input: input.value,
                             h: layer.hidden.pointer, c: layer.cells.pointer, gates: layer.gates.pointer, tanhC: layer.tanhC.pointer,
                             weightIH: p + lstmSlots[l].weightIH.offset, weightHH: weight,
                             steps: steps, batch: streams, inputSize: shape.input, hidden: shape.hidden, dHLast: dHLast, dCLast: dCLast)
            }
            func runGRU(_ dHLast: UnsafePointer<Float>?) {
                gruBackward(dInput: input.grad, dWeightIH: g + lstmSlots[l].weightIH.offset, dWeightHH: dWeight,
                            dBiasIH: g + slots.bias.offset, dBiasHH: g + lstmSlots[l].biasHH.offset, dH0: layer.dHidden0.pointer,
                            dGatesInput: work.dGates.pointer, dGatesHidden: work.dGatesHidden.pointer, dHidden: layer.dOutput.pointer,
                            input: input.value, h: layer.hidden.pointer, gates: layer.gates.pointer,
                            recurrentCandidate: layer.candidate.pointer, weightIH: p + lstmSlots[l].weightIH.offset, weightHH: weight,
                            steps: steps, batch: streams, inputSize: shape.input, hidden: shape.hidden, dHLast: dHLast)
            }
            switch (cell, dLast) {
            case let (.lstm, dLast?):
                dLast[0].withUnsafeBufferPointer { h in dLast[1].withUnsafeBufferPointer { c in runLSTM(h.baseAddress!, c.baseAddress!) } }
            case (.lstm, nil): runLSTM(nil, nil)
            case let (.gru, dLast?): dLast[0].withUnsafeBufferPointer { runGRU($0.baseAddress!) }
            case (.gru, nil): runGRU(nil)
            case let (.qrnn, dLast?): dLast[0].withUnsafeBufferPointer { run($0.baseAddress!) }
            case (.qrnn, nil): run(nil)
            }
            if dropped {
                let raw = g + slots.weight.offset, mask = layer.weightMask.pointer
                for i in 0..<slots.weight.count { raw[i] += dWeight[i] * mask[i] }
            }
            if shape.window == 2 {
                // The x_0 half belongs to the stored previous input, which is detached: dropped.
                qrnnSourceBackward(dInput: input.grad, dSource: dSource, steps: steps, batch: streams, inputSize: shape.input)
            }
        }
        if active(reg.input) {
            lockedDropoutBackward(dInput: work.dEmbedded.pointer, dOut: work.dEmbeddedDropped.pointer, mask: work.inputMask.pointer,
                                  steps: steps, streams: streams, features: embeddingSize)
        } else {
            work.dEmbedded.pointer.update(from: work.dEmbeddedDropped.pointer, count: rows * embeddingSize)
        }
        // QUIRK (alt_sg.md Q10, reproduce): AWD's embedded_dropout passes padding_idx −1, which PyTorch maps
        // to row V − 1, so that row gets no gradient through the lookup (only through the tied decoder).
        maskedEmbeddingBackward(dWeight: g + encoderWeight.offset, dOut: work.dEmbedded.pointer, tokens: work.tokens.pointer,
                                rowMask: active(reg.embedding) ? UnsafePointer(work.rowMask.pointer) : nil,
                                paddingRow: vocabulary - 1, n: rows, dim: embeddingSize)
    }
}
