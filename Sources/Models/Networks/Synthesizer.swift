// The DNI gradient synthesizer of alternate_sg (`RNNSynthesizer`; alt_sg.md §4.1): it reads the joined
// hidden state flattened to N = B·S scalars, multiplies each by input noise, encodes it (1 → n), runs a
// recurrent stack of m layers (`--sgtype`), and decodes (n → 1). Its output, reshaped to (B, S), is the
// predicted gradient at that state. The stack is one of:
// - QRNN: the N elements are ONE sequence of batch 1 (window 2 for layer 0, 1 after; zoneout 0.1).
//   QUIRK (alt_sg.md Q1, reproduce): it is causal across hidden units and across batch rows; its window-2
//   input for element k includes element k − 1.
// - LSTM or GRU: the N elements are N sequences of length 1 (batch-first in the original), so every
//   element has its own recurrent state, (N, n) per layer, and the weights are shared between elements.
//
// QUIRK (Q5, reproduce): noise ×N(1, 0.5²) on every call; for QRNN also zoneout (0/1 masks on f, no
// rescaling). QUIRK (Q7, reproduce): the state (QRNN: each layer's last cell and layer 0's last input;
// LSTM: each layer's (h, c); GRU: each layer's h) flows from call to call, detached, until `resetState`
// (alternate_sg: at the end of each training epoch).
// `--sg_dropout` is `nn.Dropout` on every layer's output but the last (Q8, cosmetic: nothing with m = 1).
//
// Sizes: N = elements, n = hidden size, m = layers.

/// The synthesizer's recurrent stack (`--sgtype`).
public enum SynthesizerType: String, CaseIterable, Sendable {
    /// QRNN layers scanned over the N elements as one sequence (every README command).
    case qrnn
    /// LSTM layers, one step per call, every element its own batch entry with its own (h, c).
    case lstm
    /// GRU layers, as LSTM with h only (main.py's default `--sgtype`).
    case gru
}

/// What one synthesizer call draws: tests replay recorded values.
public struct SynthesizerRandomness: Sendable {
    /// The multiplicative input noise (N), from N(mean, std²).
    public var noise: [Float]
    /// QRNN only: one 0/1 zoneout mask (N, n) per layer, multiplied into the forget gates; else empty.
    public var zoneoutMasks: [[Float]]
    /// One dropout mask (N, n) per gap between layers, each entry 0 or 1/(1 − p); empty with one layer
    /// or p = 0 (nothing is drawn then, so such runs keep their noise streams).
    public var dropoutMasks: [[Float]]

    public init(noise: [Float], zoneoutMasks: [[Float]] = [], dropoutMasks: [[Float]] = []) {
        self.noise = noise
        self.zoneoutMasks = zoneoutMasks
        self.dropoutMasks = dropoutMasks
    }
}

/// The gradient synthesizer.
public final class Synthesizer {
    public let type: SynthesizerType
    public let hiddenSize: Int
    public let layers: Int
    /// Dropout between layers (`--sg_dropout`; alternate_sg's default 0, the README commands' 0.1).
    public let dropout: Float
    /// Zoneout probability of the QRNN forget gates (alternate_sg: 0.1).
    public let zoneout: Float
    /// Input noise mean and standard deviation (alternate_sg: 1 and 0.5).
    public let noiseMean: Double, noiseStd: Double
    public let parameters: ParameterBlock

    /// A layer's parameters. QRNN: `linear.weight` (3n, k·n) and `linear.bias`; LSTM and GRU: PyTorch's
    /// `weight_ih_l0` (g·n, n), `bias_ih_l0` and the recurrent `weight_hh_l0` (g·n, n), `bias_hh_l0`
    /// (g = 4 for LSTM, 3 for GRU).
    private struct LayerSlots {
        var weight: TensorSlot, bias: TensorSlot
        var recurrentWeight: TensorSlot?, recurrentBias: TensorSlot?
    }

    private let encoderWeight: TensorSlot, encoderBias: TensorSlot
    private let layerSlots: [LayerSlots]
    private let decoderWeight: TensorSlot, decoderBias: TensorSlot
    private var generator: SeededGenerator
    /// Each layer's carried cell (QRNN: n; LSTM: N·n); empty for GRU and after a reset (zeros).
    private var cells: [[Float]] = []
    /// LSTM and GRU: each layer's carried h (N·n); empty for QRNN and after a reset (zeros).
    private var hiddens: [[Float]] = []
    /// QRNN: layer 0's carried input (n); empty otherwise and after a reset (zeros).
    private var previous: [Float] = []
    /// What the recorded call (the one whose output gets a gradient) left for the backward.
    private var graph = Graph()

    private struct Graph {
        var elements = 0
        var noisy: [Float] = []
        /// Each layer's input (N, n): the encoded elements for layer 0, else the previous output after dropout.
        var inputs: [AlignedBuffer<Float>] = []
        var tapes: [LayerTape] = []
        var dropoutMasks: [AlignedBuffer<Float>] = []
    }

    /// What a layer's forward keeps for its backward.
    private enum LayerTape {
        /// source: the window-2 rows (N, 2n) for layer 0, else nil (the input itself); cells (N + 1, n);
        /// gates (N, 3n); output (N, n); zoneout (N, n).
        case qrnn(source: AlignedBuffer<Float>?, cells: AlignedBuffer<Float>, gates: AlignedBuffer<Float>,
                  output: AlignedBuffer<Float>, zoneout: AlignedBuffer<Float>)
        /// h, c: (2, N, n), the carried state then the new one; gates (N, 4n); tanhC (N, n).
        case lstm(h: AlignedBuffer<Float>, c: AlignedBuffer<Float>, gates: AlignedBuffer<Float>, tanhC: AlignedBuffer<Float>)
        /// h: (2, N, n); gates (N, 3n); candidate (N, n), W_hn·h + b_hn.
        case gru(h: AlignedBuffer<Float>, gates: AlignedBuffer<Float>, candidate: AlignedBuffer<Float>)

        /// The layer's output (N, n).
        func output(elements: Int, hidden: Int) -> UnsafeMutablePointer<Float> {
            switch self {
            case let .qrnn(_, _, _, output, _): output.pointer
            case let .lstm(h, _, _, _), let .gru(h, _, _): h.pointer + elements * hidden
            }
        }
    }

    /// A synthesizer of `layers` layers of `hiddenSize` units; parameters from `seed` (stream
    /// `"synthesizer.init"`), in layout order: encoder and decoder weights U(±0.1), their biases 0 (alt_sg.md
    /// §4.1); QRNN linears PyTorch's default U(±1/√(k·n)); LSTM and GRU matrices orthogonal
    /// (`orthogonal_`), their biases PyTorch's default U(±1/√n). Noise and masks come from stream
    /// `"synthesizer.noise"`.
    public init(type: SynthesizerType = .qrnn, hiddenSize: Int, layers: Int, dropout: Float = 0, zoneout: Float = 0.1,
                noiseMean: Double = 1, noiseStd: Double = 0.5, seed: UInt64) throws {
        guard hiddenSize >= 1 else { throw ArchitectureError(layer: "synthesizer", "sg_hidden_num must be ≥ 1, got \(hiddenSize)") }
        guard layers >= 1 else { throw ArchitectureError(layer: "synthesizer", "sg_nlayers must be ≥ 1, got \(layers)") }
        guard (0..<1).contains(dropout) else { throw ArchitectureError(layer: "synthesizer", "sg_dropout must be in [0, 1), got \(dropout)") }
        guard (0..<1).contains(zoneout) else { throw ArchitectureError(layer: "synthesizer", "zoneout must be in [0, 1), got \(zoneout)") }
        self.type = type
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.dropout = dropout
        self.zoneout = zoneout
        self.noiseMean = noiseMean
        self.noiseStd = noiseStd
        var layout = TensorLayout()
        let n = hiddenSize
        encoderWeight = layout.add("sg.encoder.weight", shape: [n, 1])
        encoderBias = layout.add("sg.encoder.bias", shape: [n])
        layerSlots = (0..<layers).map { l in
            let prefix = "sg.rnns.\(l)."
            switch type {
            case .qrnn:
                return LayerSlots(weight: layout.add(prefix + "linear.weight", shape: [3 * n, (l == 0 ? 2 : 1) * n]),
                                  bias: layout.add(prefix + "linear.bias", shape: [3 * n]))
            case .lstm, .gru:
                let gates = (type == .lstm ? 4 : 3) * n
                // PyTorch's parameter order: weight_ih, weight_hh, bias_ih, bias_hh.
                let weight = layout.add(prefix + "weight_ih_l0", shape: [gates, n]), recurrentWeight = layout.add(prefix + "weight_hh_l0", shape: [gates, n])
                return LayerSlots(weight: weight, bias: layout.add(prefix + "bias_ih_l0", shape: [gates]),
                                  recurrentWeight: recurrentWeight, recurrentBias: layout.add(prefix + "bias_hh_l0", shape: [gates]))
            }
        }
        decoderWeight = layout.add("sg.decoder.weight", shape: [1, n])
        decoderBias = layout.add("sg.decoder.bias", shape: [1])
        parameters = ParameterBlock(layout)
        var initGenerator = SeededGenerator(seed: seed, stream: "synthesizer.init")
        parameters.fillUniform(encoderWeight, bound: 0.1, using: &initGenerator)
        parameters.fill(encoderBias, with: 0)
        for (l, slots) in layerSlots.enumerated() {
            if let recurrentWeight = slots.recurrentWeight, let recurrentBias = slots.recurrentBias {
                let bound = 1 / Float(n).squareRoot()
                parameters.fillOrthogonal(slots.weight, using: &initGenerator)
                parameters.fillOrthogonal(recurrentWeight, using: &initGenerator)
                parameters.fillUniform(slots.bias, bound: bound, using: &initGenerator)
                parameters.fillUniform(recurrentBias, bound: bound, using: &initGenerator)
            } else {
                let bound = 1 / Float((l == 0 ? 2 : 1) * n).squareRoot()
                parameters.fillUniform(slots.weight, bound: bound, using: &initGenerator)
                parameters.fillUniform(slots.bias, bound: bound, using: &initGenerator)
            }
        }
        parameters.fillUniform(decoderWeight, bound: 0.1, using: &initGenerator)
        parameters.fill(decoderBias, with: 0)
        generator = SeededGenerator(seed: seed, stream: "synthesizer.noise")
    }

    // MARK: - State

    /// Clears the carried state (alternate_sg's `reset_states`, at the end of each training epoch).
    public func resetState() {
        cells = []
        hiddens = []
        previous = []
    }

    /// The carried state, empty after a reset: each layer's cell (QRNN: n; LSTM: N·n; GRU: none), each
    /// layer's h (LSTM and GRU: N·n), and layer 0's previous input (QRNN: n).
    public var state: (cells: [[Float]], hidden: [[Float]], previous: [Float]) { (cells, hiddens, previous) }

    /// Sets the carried state in the form `state` gives it; `previous` may be empty for zeros.
    public func setState(cells: [[Float]], hidden: [[Float]] = [], previous: [Float] = []) throws {
        let n = hiddenSize
        let fits: Bool
        switch type {
        case .qrnn:
            fits = cells.count == layers && cells.allSatisfy { $0.count == n } && hidden.isEmpty && (previous.isEmpty || previous.count == n)
        case .lstm, .gru:
            let size = hidden.first?.count ?? 0
            fits = hidden.count == layers && size > 0 && size % n == 0 && hidden.allSatisfy { $0.count == size } && previous.isEmpty
                && (type == .lstm ? cells.count == layers && cells.allSatisfy { $0.count == size } : cells.isEmpty)
        }
        guard fits else {
            throw NetworkError.stateMismatch(network: "synthesizer", "cells \(cells.map(\.count)), h \(hidden.map(\.count)) and previous input "
                                             + "\(previous.count) do not fit \(layers) \(type.rawValue) layers of \(n)")
        }
        self.cells = cells
        self.hiddens = hidden
        self.previous = previous
    }

    /// The carried state and noise generator, for checkpoints.
    public func saveState() -> NetworkState {
        NetworkState(network: "synthesizer",
                     tensors: [NamedTensor("previous", previous)] + cells.enumerated().map { NamedTensor("cell\($0)", $1) }
                         + hiddens.enumerated().map { NamedTensor("hidden\($0)", $1) },
                     generators: [NamedGenerator("noise", generator)])
    }

    public func restoreState(_ state: NetworkState) throws {
        guard state.network == "synthesizer" else { throw NetworkError.stateMismatch(network: "synthesizer", "the state was saved by \(state.network)") }
        func perLayer(_ name: String) throws -> [[Float]] {
            state.tensors.contains { $0.name == name + "0" } ? try (0..<layers).map { try state.tensor("\(name)\($0)") } : []
        }
        let previous = try state.tensor("previous"), cells = try perLayer("cell"), hidden = try perLayer("hidden")
        let generator = try state.generator("noise")
        if cells.isEmpty && hidden.isEmpty { resetState() } else { try setState(cells: cells, hidden: hidden, previous: previous) }
        self.generator = generator
    }

    // MARK: - Calls

    /// Draws one call's randomness in this order: noise (N), the QRNN zoneout masks (N, n) per layer,
    /// then the dropout masks (N, n) per gap between layers, only when there are gaps and p > 0.
    public func drawRandomness(elements: Int) -> SynthesizerRandomness {
        let noise = (0..<elements).map { _ in Float(noiseMean + noiseStd * generator.normal()) }
        let zoneoutMasks: [[Float]] = type != .qrnn ? [] : (0..<layers).map { _ in
            (0..<(elements * hiddenSize)).map { _ in generator.nextFloat() < zoneout ? Float(0) : 1 }
        }
        let dropoutMasks: [[Float]] = dropout == 0 ? [] : (1..<layers).map { _ in
            var mask = [Float](repeating: 0, count: elements * hiddenSize)
            mask.withUnsafeMutableBufferPointer { dropoutMask($0.baseAddress!, count: $0.count, p: dropout, using: &generator) }
            return mask
        }
        return SynthesizerRandomness(noise: noise, zoneoutMasks: zoneoutMasks, dropoutMasks: dropoutMasks)
    }

    /// The synthetic gradient (N) at `trigger` (N, the joined state flattened row-major), with the noise and
    /// masks of `randomness` (as `drawRandomness` draws them, or recorded ones). Advances the carried state.
    /// With `record`, keeps what `backward` needs (the call whose output gets a training signal); without,
    /// the output is used as a constant.
    public func callAsFunction(_ trigger: [Float], randomness: SynthesizerRandomness, record: Bool) -> [Float] {
        let count = trigger.count, n = hiddenSize
        precondition(randomness.noise.count == count
                     && randomness.zoneoutMasks.count == (type == .qrnn ? layers : 0) && randomness.zoneoutMasks.allSatisfy { $0.count == count * n }
                     && randomness.dropoutMasks.count == (dropout > 0 ? layers - 1 : 0) && randomness.dropoutMasks.allSatisfy { $0.count == count * n },
                     "synthesizer: noise or masks do not fit \(count) elements of \(layers) \(type.rawValue) layers")
        precondition(hiddens.isEmpty || hiddens[0].count == count * n,
                     "synthesizer: a call on \(count) elements with a carried state of \(hiddens[0].count / n) (the joined state changed size)")
        let p = parameters.values
        var g = Graph()
        g.elements = count
        g.noisy = (0..<count).map { trigger[$0] * randomness.noise[$0] }
        let encoded = AlignedBuffer<Float>(count: count * n)
        g.noisy.withUnsafeBufferPointer {
            linearForward(out: encoded.pointer, input: $0.baseAddress!, weight: p + encoderWeight.offset, bias: p + encoderBias.offset,
                          n: count, c: 1, oc: n)
        }
        var input = encoded
        var newCells: [[Float]] = [], newHiddens: [[Float]] = []
        for l in 0..<layers {
            let tape: LayerTape
            switch type {
            case .qrnn: tape = qrnnLayerForward(l, input: input, zoneout: randomness.zoneoutMasks[l], elements: count)
            case .lstm: tape = lstmLayerForward(l, input: input, elements: count)
            case .gru: tape = gruLayerForward(l, input: input, elements: count)
            }
            switch tape {
            case let .qrnn(_, cellBuffer, _, _, _):
                newCells.append(Array(UnsafeBufferPointer(start: cellBuffer.pointer + count * n, count: n)))
            case let .lstm(h, c, _, _):
                newHiddens.append(Array(UnsafeBufferPointer(start: h.pointer + count * n, count: count * n)))
                newCells.append(Array(UnsafeBufferPointer(start: c.pointer + count * n, count: count * n)))
            case let .gru(h, _, _):
                newHiddens.append(Array(UnsafeBufferPointer(start: h.pointer + count * n, count: count * n)))
            }
            g.inputs.append(input)
            g.tapes.append(tape)
            let output = tape.output(elements: count, hidden: n)
            if l < layers - 1, !randomness.dropoutMasks.isEmpty {
                let mask = AlignedBuffer(randomness.dropoutMasks[l]), dropped = AlignedBuffer<Float>(count: count * n)
                dropoutForward(out: dropped.pointer, input: output, mask: mask.pointer, count: count * n)
                g.dropoutMasks.append(mask)
                input = dropped
            } else {
                input = AlignedBuffer<Float>(count: count * n)
                input.pointer.update(from: output, count: count * n)
            }
        }
        // The next call's state, detached (for QRNN also layer 0's last input e_{N−1}).
        if type == .qrnn { previous = Array(UnsafeBufferPointer(start: encoded.pointer + (count - 1) * n, count: n)) }
        cells = newCells
        hiddens = newHiddens
        var out = [Float](repeating: 0, count: count)
        out.withUnsafeMutableBufferPointer {
            linearForward(out: $0.baseAddress!, input: g.tapes[layers - 1].output(elements: count, hidden: n), weight: p + decoderWeight.offset,
                          bias: p + decoderBias.offset, n: count, c: n, oc: 1)
        }
        if record { graph = g }
        return out
    }

    /// Adds to the parameter gradients the backward of the recorded call for d/d output = `dOutput` (N).
    /// The carried state and the trigger get no gradient (both are detached).
    public func backward(_ dOutput: [Float]) {
        let g = graph, count = g.elements, n = hiddenSize
        precondition(count > 0 && dOutput.count == count, "synthesizer: backward of \(dOutput.count) values after a recorded call of \(count)")
        let p = parameters.values, grads = parameters.grads
        let dH = AlignedBuffer<Float>(count: count * n), dInput = AlignedBuffer<Float>(count: count * n)
        dH.zero()
        dOutput.withUnsafeBufferPointer {
            linearBackward(dInput: dH.pointer, dWeight: grads + decoderWeight.offset, dBias: grads + decoderBias.offset, dOut: $0.baseAddress!,
                           input: g.tapes[layers - 1].output(elements: count, hidden: n), weight: p + decoderWeight.offset, n: count, c: n, oc: 1)
        }
        for l in stride(from: layers - 1, through: 0, by: -1) {
            dInput.zero()
            layerBackward(l, tape: g.tapes[l], dInput: dInput, dOutput: dH, input: g.inputs[l], elements: count)
            // Through the dropout between layer l − 1 and l, if any.
            dH.zero()
            if l > 0, !g.dropoutMasks.isEmpty {
                dropoutBackward(dInput: dH.pointer, dOut: dInput.pointer, mask: g.dropoutMasks[l - 1].pointer, count: count * n)
            } else {
                dH.pointer.update(from: dInput.pointer, count: count * n)
            }
        }
        g.noisy.withUnsafeBufferPointer {
            linearBackward(dInput: nil, dWeight: grads + encoderWeight.offset, dBias: grads + encoderBias.offset, dOut: dH.pointer,
                           input: $0.baseAddress!, weight: p + encoderWeight.offset, n: count, c: 1, oc: n)
        }
    }

    // MARK: - Layers

    /// Adds layer l's parameter gradients and writes d/d its input (N, n) into dInput.
    // Not inlined: inside `backward`'s loop, this switch crashes the Swift 6.3 optimizer (its
    // loop-invariant code motion, on the enum's class payloads).
    @inline(never)
    private func layerBackward(_ l: Int, tape: LayerTape, dInput: AlignedBuffer<Float>, dOutput: AlignedBuffer<Float>,
                               input: AlignedBuffer<Float>, elements count: Int) {
        switch tape {
        case let .qrnn(source, cells, gates, _, zoneout):
            qrnnLayerBackward(l, dInput: dInput, dOutput: dOutput, input: input, source: source, cells: cells, gates: gates,
                              zoneout: zoneout, elements: count)
        case let .lstm(h, c, gates, tanhC):
            lstmLayerBackward(l, dInput: dInput, dOutput: dOutput, input: input, h: h, c: c, gates: gates, tanhC: tanhC, elements: count)
        case let .gru(h, gates, candidate):
            gruLayerBackward(l, dInput: dInput, dOutput: dOutput, input: input, h: h, gates: gates, candidate: candidate, elements: count)
        }
    }

    /// QRNN layer l over the N elements as one sequence of batch 1, from the carried cell (and for layer
    /// 0, window 2, the carried previous input).
    private func qrnnLayerForward(_ l: Int, input: AlignedBuffer<Float>, zoneout: [Float], elements count: Int) -> LayerTape {
        let n = hiddenSize, window = l == 0 ? 2 : 1, p = parameters.values
        let cellBuffer = AlignedBuffer<Float>(count: (count + 1) * n)
        if !cells.isEmpty { cellBuffer.copy(from: cells[l]) }
        var sourceBuffer: AlignedBuffer<Float>?
        if window == 2 {
            let rows = AlignedBuffer<Float>(count: count * 2 * n)
            if previous.isEmpty {
                qrnnSource(rows.pointer, input: input.pointer, previous: nil, steps: count, batch: 1, inputSize: n)
            } else {
                previous.withUnsafeBufferPointer {
                    qrnnSource(rows.pointer, input: input.pointer, previous: $0.baseAddress!, steps: count, batch: 1, inputSize: n)
                }
            }
            sourceBuffer = rows
        }
        let gates = AlignedBuffer<Float>(count: count * 3 * n), output = AlignedBuffer<Float>(count: count * n)
        let mask = AlignedBuffer(zoneout)
        qrnnForward(output: output.pointer, cells: cellBuffer.pointer, gates: gates.pointer, source: (sourceBuffer ?? input).pointer,
                    weight: p + layerSlots[l].weight.offset, bias: p + layerSlots[l].bias.offset, forgetMask: mask.pointer,
                    steps: count, batch: 1, sourceSize: window * n, hidden: n)
        return .qrnn(source: sourceBuffer, cells: cellBuffer, gates: gates, output: output, zoneout: mask)
    }

    private func qrnnLayerBackward(_ l: Int, dInput: AlignedBuffer<Float>, dOutput: AlignedBuffer<Float>, input: AlignedBuffer<Float>,
                                   source: AlignedBuffer<Float>?, cells: AlignedBuffer<Float>, gates: AlignedBuffer<Float>,
                                   zoneout: AlignedBuffer<Float>, elements count: Int) {
        let n = hiddenSize, window = l == 0 ? 2 : 1, p = parameters.values, grads = parameters.grads
        let dSource = AlignedBuffer<Float>(count: count * window * n)
        let dCell0 = AlignedBuffer<Float>(count: n), dGates = AlignedBuffer<Float>(count: count * 3 * n)
        qrnnBackward(dSource: dSource.pointer, dWeight: grads + layerSlots[l].weight.offset, dBias: grads + layerSlots[l].bias.offset,
                     dCell0: dCell0.pointer, dGates: dGates.pointer, dOutput: dOutput.pointer, dCellLast: nil, source: (source ?? input).pointer,
                     cells: cells.pointer, gates: gates.pointer, weight: p + layerSlots[l].weight.offset,
                     forgetMask: zoneout.pointer, steps: count, batch: 1, sourceSize: window * n, hidden: n)
        if window == 2 {
            qrnnSourceBackward(dInput: dInput.pointer, dSource: dSource.pointer, steps: count, batch: 1, inputSize: n)
        } else {
            dInput.pointer.update(from: dSource.pointer, count: count * n)
        }
    }

    /// LSTM layer l: one step with the N elements as the batch, from each element's carried (h, c).
    private func lstmLayerForward(_ l: Int, input: AlignedBuffer<Float>, elements count: Int) -> LayerTape {
        let n = hiddenSize, p = parameters.values, slots = layerSlots[l]
        guard let weightHH = slots.recurrentWeight, let biasHH = slots.recurrentBias else { preconditionFailure("synthesizer: an LSTM layer without W_hh") }
        let h = AlignedBuffer<Float>(count: 2 * count * n), c = AlignedBuffer<Float>(count: 2 * count * n)
        if !hiddens.isEmpty {
            h.copy(from: hiddens[l])
            c.copy(from: cells[l])
        }
        let gates = AlignedBuffer<Float>(count: count * 4 * n), tanhC = AlignedBuffer<Float>(count: count * n)
        lstmForward(h: h.pointer, c: c.pointer, gates: gates.pointer, tanhC: tanhC.pointer, input: input.pointer,
                    weightIH: p + slots.weight.offset, weightHH: p + weightHH.offset, biasIH: p + slots.bias.offset,
                    biasHH: p + biasHH.offset, steps: 1, batch: count, inputSize: n, hidden: n)
        return .lstm(h: h, c: c, gates: gates, tanhC: tanhC)
    }

    private func lstmLayerBackward(_ l: Int, dInput: AlignedBuffer<Float>, dOutput: AlignedBuffer<Float>, input: AlignedBuffer<Float>,
                                   h: AlignedBuffer<Float>, c: AlignedBuffer<Float>, gates: AlignedBuffer<Float>, tanhC: AlignedBuffer<Float>,
                                   elements count: Int) {
        let n = hiddenSize, p = parameters.values, grads = parameters.grads, slots = layerSlots[l]
        guard let weightHH = slots.recurrentWeight, let biasHH = slots.recurrentBias else { preconditionFailure("synthesizer: an LSTM layer without W_hh") }
        // The gradients at the carried state are dropped: it is detached.
        let dState = AlignedBuffer<Float>(count: count * n), dCell = AlignedBuffer<Float>(count: count * n)
        let dGates = AlignedBuffer<Float>(count: count * 4 * n)
        lstmBackward(dInput: dInput.pointer, dWeightIH: grads + slots.weight.offset, dWeightHH: grads + weightHH.offset,
                     dBiasIH: grads + slots.bias.offset, dBiasHH: grads + biasHH.offset, dH0: dState.pointer,
                     dC0: dCell.pointer, dGates: dGates.pointer, dHidden: dOutput.pointer, input: input.pointer, h: h.pointer,
                     c: c.pointer, gates: gates.pointer, tanhC: tanhC.pointer, weightIH: p + slots.weight.offset,
                     weightHH: p + weightHH.offset, steps: 1, batch: count, inputSize: n, hidden: n)
    }

    /// GRU layer l: one step with the N elements as the batch, from each element's carried h.
    private func gruLayerForward(_ l: Int, input: AlignedBuffer<Float>, elements count: Int) -> LayerTape {
        let n = hiddenSize, p = parameters.values, slots = layerSlots[l]
        guard let weightHH = slots.recurrentWeight, let biasHH = slots.recurrentBias else { preconditionFailure("synthesizer: a GRU layer without W_hh") }
        let h = AlignedBuffer<Float>(count: 2 * count * n)
        if !hiddens.isEmpty { h.copy(from: hiddens[l]) }
        let gates = AlignedBuffer<Float>(count: count * 3 * n), candidate = AlignedBuffer<Float>(count: count * n)
        gruForward(h: h.pointer, gates: gates.pointer, recurrentCandidate: candidate.pointer, input: input.pointer,
                   weightIH: p + slots.weight.offset, weightHH: p + weightHH.offset, biasIH: p + slots.bias.offset,
                   biasHH: p + biasHH.offset, steps: 1, batch: count, inputSize: n, hidden: n)
        return .gru(h: h, gates: gates, candidate: candidate)
    }

    private func gruLayerBackward(_ l: Int, dInput: AlignedBuffer<Float>, dOutput: AlignedBuffer<Float>, input: AlignedBuffer<Float>,
                                  h: AlignedBuffer<Float>, gates: AlignedBuffer<Float>, candidate: AlignedBuffer<Float>, elements count: Int) {
        let n = hiddenSize, p = parameters.values, grads = parameters.grads, slots = layerSlots[l]
        guard let weightHH = slots.recurrentWeight, let biasHH = slots.recurrentBias else { preconditionFailure("synthesizer: a GRU layer without W_hh") }
        let dState = AlignedBuffer<Float>(count: count * n)
        let dGatesInput = AlignedBuffer<Float>(count: count * 3 * n), dGatesHidden = AlignedBuffer<Float>(count: count * 3 * n)
        gruBackward(dInput: dInput.pointer, dWeightIH: grads + slots.weight.offset, dWeightHH: grads + weightHH.offset,
                    dBiasIH: grads + slots.bias.offset, dBiasHH: grads + biasHH.offset, dH0: dState.pointer,
                    dGatesInput: dGatesInput.pointer, dGatesHidden: dGatesHidden.pointer, dHidden: dOutput.pointer,
                    input: input.pointer, h: h.pointer, gates: gates.pointer, recurrentCandidate: candidate.pointer,
                    weightIH: p + slots.weight.offset, weightHH: p + weightHH.offset, steps: 1, batch: count, inputSize: n, hidden: n)
    }
}
