// The DNI gradient synthesizer of alternate_sg (`RNNSynthesizer`, `--sgtype QRNN`; alt_sg.md §4.1): it
// reads the joined hidden state flattened to N = B·S scalars, multiplies each by input noise, encodes it
// (1 → n), runs a QRNN stack over the N elements as ONE sequence of batch 1, and decodes (n → 1). Its
// output, reshaped to (B, S), is the predicted gradient at that state.
//
// QUIRK (alt_sg.md Q1, reproduce): the QRNN synthesizer is causal across hidden units and across batch
// rows; its window-2 input for element k includes element k − 1.
// QUIRK (Q5, reproduce): noise ×N(1, 0.5²) and zoneout 0.1 (0/1 masks on f, no rescaling) on every call.
// QUIRK (Q7, reproduce): the state (each layer's last cell, layer 0's last input) flows from call to
// call, detached, until `resetState` (alternate_sg: at the end of each training epoch).
// Only `--sgtype QRNN` is built (every README command uses it); the LSTM/GRU synthesizers are not.
// `--sg_dropout` between synthesizer layers is not applied: it does nothing with one layer (Q8, README
// scale) and the fixtures do not define its form for more.
//
// Sizes: N = elements, n = hidden size, m = layers.

/// The QRNN gradient synthesizer.
public final class Synthesizer {
    public let hiddenSize: Int
    public let layers: Int
    /// Zoneout probability of the forget gates (alternate_sg: 0.1).
    public let zoneout: Float
    /// Input noise mean and standard deviation (alternate_sg: 1 and 0.5).
    public let noiseMean: Double, noiseStd: Double
    public let parameters: ParameterBlock

    private let encoderWeight: TensorSlot, encoderBias: TensorSlot
    private let layerSlots: [(weight: TensorSlot, bias: TensorSlot)]
    private let decoderWeight: TensorSlot, decoderBias: TensorSlot
    private var generator: SeededGenerator
    /// Each layer's last cell (n) and layer 0's last input (n); empty after a reset (zeros).
    private var cells: [[Float]] = []
    private var previous: [Float] = []
    /// What the recorded call (the one whose output gets a gradient) left for the backward.
    private var graph = Graph()

    private struct Graph {
        var elements = 0
        var noisy: [Float] = []
        var encoded = AlignedBuffer<Float>(count: 0)
        var sources: [AlignedBuffer<Float>] = []
        var cells: [AlignedBuffer<Float>] = [], gates: [AlignedBuffer<Float>] = [], outputs: [AlignedBuffer<Float>] = []
        var masks: [AlignedBuffer<Float>] = []
    }

    /// A synthesizer of `layers` QRNN layers of `hiddenSize` units; parameters from `seed` (stream
    /// `"synthesizer.init"`): encoder and decoder weights U(±0.1), their biases 0, QRNN linears PyTorch's
    /// default U(±1/√(k·n)) (alt_sg.md §4.1). Noise and masks come from stream `"synthesizer.noise"`.
    public init(hiddenSize: Int, layers: Int, zoneout: Float = 0.1, noiseMean: Double = 1, noiseStd: Double = 0.5,
                seed: UInt64) throws {
        guard hiddenSize >= 1 else { throw ArchitectureError(layer: "synthesizer", "sg_hidden_num must be ≥ 1, got \(hiddenSize)") }
        guard layers >= 1 else { throw ArchitectureError(layer: "synthesizer", "sg_nlayers must be ≥ 1, got \(layers)") }
        guard (0..<1).contains(zoneout) else { throw ArchitectureError(layer: "synthesizer", "zoneout must be in [0, 1), got \(zoneout)") }
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.zoneout = zoneout
        self.noiseMean = noiseMean
        self.noiseStd = noiseStd
        var layout = TensorLayout()
        let n = hiddenSize
        encoderWeight = layout.add("sg.encoder.weight", shape: [n, 1])
        encoderBias = layout.add("sg.encoder.bias", shape: [n])
        layerSlots = (0..<layers).map { l in
            (layout.add("sg.rnns.\(l).linear.weight", shape: [3 * n, (l == 0 ? 2 : 1) * n]), layout.add("sg.rnns.\(l).linear.bias", shape: [3 * n]))
        }
        decoderWeight = layout.add("sg.decoder.weight", shape: [1, n])
        decoderBias = layout.add("sg.decoder.bias", shape: [1])
        parameters = ParameterBlock(layout)
        var initGenerator = SeededGenerator(seed: seed, stream: "synthesizer.init")
        parameters.fillUniform(encoderWeight, bound: 0.1, using: &initGenerator)
        parameters.fill(encoderBias, with: 0)
        for (l, slots) in layerSlots.enumerated() {
            let bound = 1 / Float((l == 0 ? 2 : 1) * n).squareRoot()
            parameters.fillUniform(slots.weight, bound: bound, using: &initGenerator)
            parameters.fillUniform(slots.bias, bound: bound, using: &initGenerator)
        }
        parameters.fillUniform(decoderWeight, bound: 0.1, using: &initGenerator)
        parameters.fill(decoderBias, with: 0)
        generator = SeededGenerator(seed: seed, stream: "synthesizer.noise")
    }

    // MARK: - State

    /// Clears the carried state (alternate_sg's `reset_states`, at the end of each training epoch).
    public func resetState() {
        cells = []
        previous = []
    }

    /// Each layer's carried cell (n) and layer 0's carried input (n); empty after a reset.
    public var state: (cells: [[Float]], previous: [Float]) { (cells, previous) }

    /// Sets the carried state: one cell (n) per layer, and layer 0's previous input (n) or empty for zeros.
    public func setState(cells: [[Float]], previous: [Float]) throws {
        guard cells.count == layers, cells.allSatisfy({ $0.count == hiddenSize }), previous.isEmpty || previous.count == hiddenSize else {
            throw NetworkError.stateMismatch(network: "synthesizer", "cells \(cells.map(\.count)) and previous input \(previous.count) do not fit \(layers) layers of \(hiddenSize)")
        }
        self.cells = cells
        self.previous = previous
    }

    /// The carried state and noise generator, for checkpoints.
    public func saveState() -> NetworkState {
        NetworkState(network: "synthesizer", tensors: [NamedTensor("previous", previous)] + cells.enumerated().map { NamedTensor("cell\($0)", $1) },
                     generators: [NamedGenerator("noise", generator)])
    }

    public func restoreState(_ state: NetworkState) throws {
        guard state.network == "synthesizer" else { throw NetworkError.stateMismatch(network: "synthesizer", "the state was saved by \(state.network)") }
        let previous = try state.tensor("previous")
        let cells = state.tensors.contains { $0.name == "cell0" } ? try (0..<layers).map { try state.tensor("cell\($0)") } : []
        let generator = try state.generator("noise")
        if !cells.isEmpty { try setState(cells: cells, previous: previous) } else { resetState() }
        self.generator = generator
    }

    // MARK: - Calls

    /// Draws one call's noise (N) and zoneout masks (N, n) per layer, in that order.
    public func drawRandomness(elements: Int) -> (noise: [Float], masks: [[Float]]) {
        let noise = (0..<elements).map { _ in Float(noiseMean + noiseStd * generator.normal()) }
        let masks = (0..<layers).map { _ in
            (0..<(elements * hiddenSize)).map { _ in generator.nextFloat() < zoneout ? Float(0) : 1 }
        }
        return (noise, masks)
    }

    /// The synthetic gradient (N) at `trigger` (N, the joined state flattened row-major), with `noise`
    /// and `masks` as drawn by `drawRandomness` (or recorded ones). Advances the carried state. With
    /// `record`, keeps what `backward` needs (the call whose output gets a training signal); without,
    /// the output is used as a constant.
    public func callAsFunction(_ trigger: [Float], noise: [Float], masks: [[Float]], record: Bool) -> [Float] {
        let count = trigger.count, n = hiddenSize
        precondition(noise.count == count && masks.count == layers && masks.allSatisfy { $0.count == count * n },
                     "synthesizer: noise or masks do not fit \(count) elements")
        let p = parameters.values
        var g = Graph()
        g.elements = count
        g.noisy = (0..<count).map { trigger[$0] * noise[$0] }
        g.encoded = AlignedBuffer(count: count * n)
        g.noisy.withUnsafeBufferPointer {
            linearForward(out: g.encoded.pointer, input: $0.baseAddress!, weight: p + encoderWeight.offset, bias: p + encoderBias.offset,
                          n: count, c: 1, oc: n)
        }
        var input = UnsafePointer(g.encoded.pointer)
        var newCells: [[Float]] = []
        for l in 0..<layers {
            let window = l == 0 ? 2 : 1
            let cellBuffer = AlignedBuffer<Float>(count: (count + 1) * n)
            if cells.isEmpty { cellBuffer.pointer.update(repeating: 0, count: n) } else {
                cells[l].withUnsafeBufferPointer { cellBuffer.pointer.update(from: $0.baseAddress!, count: n) }
            }
            let source: UnsafePointer<Float>
            var sourceBuffer = AlignedBuffer<Float>(count: 0)
            if window == 2 {
                sourceBuffer = AlignedBuffer(count: count * 2 * n)
                if previous.isEmpty {
                    qrnnSource(sourceBuffer.pointer, input: input, previous: nil, steps: count, batch: 1, inputSize: n)
                } else {
                    previous.withUnsafeBufferPointer {
                        qrnnSource(sourceBuffer.pointer, input: input, previous: $0.baseAddress!, steps: count, batch: 1, inputSize: n)
                    }
                }
                source = UnsafePointer(sourceBuffer.pointer)
            } else {
                source = input
            }
            let gates = AlignedBuffer<Float>(count: count * 3 * n), output = AlignedBuffer<Float>(count: count * n)
            let mask = AlignedBuffer<Float>(count: count * n)
            mask.copy(from: masks[l])
            qrnnForward(output: output.pointer, cells: cellBuffer.pointer, gates: gates.pointer, source: source,
                        weight: p + layerSlots[l].weight.offset, bias: p + layerSlots[l].bias.offset, forgetMask: mask.pointer,
                        steps: count, batch: 1, sourceSize: window * n, hidden: n)
            newCells.append(Array(UnsafeBufferPointer(start: cellBuffer.pointer + count * n, count: n)))
            g.sources.append(sourceBuffer)
            g.cells.append(cellBuffer)
            g.gates.append(gates)
            g.outputs.append(output)
            g.masks.append(mask)
            input = UnsafePointer(output.pointer)
        }
        // The next call's state, detached: every layer's last cell, and layer 0's last input e_{N−1}.
        previous = Array(UnsafeBufferPointer(start: g.encoded.pointer + (count - 1) * n, count: n))
        cells = newCells
        var out = [Float](repeating: 0, count: count)
        out.withUnsafeMutableBufferPointer {
            linearForward(out: $0.baseAddress!, input: input, weight: p + decoderWeight.offset, bias: p + decoderBias.offset,
                          n: count, c: n, oc: 1)
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
                           input: g.outputs[layers - 1].pointer, weight: p + decoderWeight.offset, n: count, c: n, oc: 1)
        }
        let dCell0 = AlignedBuffer<Float>(count: n), dGates = AlignedBuffer<Float>(count: count * 3 * n)
        for l in stride(from: layers - 1, through: 0, by: -1) {
            let window = l == 0 ? 2 : 1
            let dSource = AlignedBuffer<Float>(count: count * window * n)
            dSource.zero()
            let source = window == 2 ? UnsafePointer(g.sources[l].pointer) : UnsafePointer(g.outputs[l - 1].pointer)
            qrnnBackward(dSource: dSource.pointer, dWeight: grads + layerSlots[l].weight.offset, dBias: grads + layerSlots[l].bias.offset,
                         dCell0: dCell0.pointer, dGates: dGates.pointer, dOutput: dH.pointer, dCellLast: nil, source: source,
                         cells: g.cells[l].pointer, gates: g.gates[l].pointer, weight: p + layerSlots[l].weight.offset,
                         forgetMask: g.masks[l].pointer, steps: count, batch: 1, sourceSize: window * n, hidden: n)
            dInput.zero()
            if window == 2 {
                qrnnSourceBackward(dInput: dInput.pointer, dSource: dSource.pointer, steps: count, batch: 1, inputSize: n)
            } else {
                dInput.pointer.update(from: dSource.pointer, count: count * n)
            }
            dH.pointer.update(from: dInput.pointer, count: count * n)
        }
        g.noisy.withUnsafeBufferPointer {
            linearBackward(dInput: nil, dWeight: grads + encoderWeight.offset, dBias: grads + encoderBias.offset, dOut: dH.pointer,
                           input: $0.baseAddress!, weight: p + encoderWeight.offset, n: count, c: 1, oc: n)
        }
    }
}

// MARK: - The synthetic-gradient training step

/// What one DNI step computed (alt_sg.md §4.2), for the caller's two optimizer steps and for tests.
public struct SyntheticGradientStep {
    /// Cross-entropy metrics of the window (the logged training loss).
    public var metrics: StepMetrics
    /// s₀: the synthesizer's output at the joined initial state, (B, S).
    public var prediction: [Float]
    /// 0.1·s_T, the constant gradient injected at the joined final state; nil with the switch off.
    public var injected: [Float]?
    /// g_A: the injection pass's gradient at the joined initial state; nil with the switch off.
    public var injectionGradient: [Float]?
    /// g_B: the loss pass's gradient at the joined initial state.
    public var lossGradient: [Float]
    /// Σ(s₀ − g_A)² + Σ(s₀ − g_B)² (the first term only with the switch on).
    public var synthesizerLoss: Double
}

/// The scale of the injected synthetic gradient, hard-coded in alternate_sg's `model.py` (Q3).
public let syntheticGradientScale: Float = 0.1

/// One training window with the synthesizer (`--use_sg`), in alternate_sg's order: call 1 on the joined
/// initial state (recorded), the base forward, then with `switcher` call 2 on the joined final state and
/// pass A (back-propagating 0.1·s_T from it), then pass B (the loss). Leaves in `model.parameters.grads`
/// the sum of both passes and in `synthesizer.parameters.grads` the gradient of the synthesizer loss.
/// Both gradient blocks are zeroed first; the optimizer steps are the caller's.
///
/// `randomness` gives each call's noise and masks (tests replay recorded ones); by default they are
/// drawn from the synthesizer's generator.
///
/// QUIRK (alt_sg.md Q2, reproduce): the injection and the loss are back-propagated in two separate
/// passes, and each adds 2·(s₀ − g) at s₀, so the synthesizer's target is the average ½(g_A + g_B) with
/// double weight (Q4: a sum, not a mean). QUIRK (Q6, reproduce): with the switch off the synthesizer still
/// runs once, its state advances and it still learns from g_B.
///
/// `combinedPass` is the Q2 fix: one backward of loss + ⟨0.1·s_T, J_T⟩, so the synthesizer's target is
/// g_A + g_B (dni-pytorch's intended use); `lossGradient` is then that sum and `injectionGradient` nil.
public func syntheticGradientStep(model: QRNNLanguageModel, synthesizer: Synthesizer, batch: Batch, switcher: Bool,
                                  combinedPass: Bool = false,
                                  randomness: [(noise: [Float], masks: [[Float]])]? = nil) throws -> SyntheticGradientStep {
    guard case let .tokens(window) = batch else { throw NetworkError.wrongBatchKind(network: model.name, expected: "tokens") }
    var calls = 0
    func draw(_ count: Int) -> (noise: [Float], masks: [[Float]]) {
        defer { calls += 1 }
        if let randomness { return randomness[calls] }
        return synthesizer.drawRandomness(elements: count)
    }
    let initial = model.joinedState(.training, streams: window.streams)
    let first = draw(initial.count)
    let prediction = synthesizer(initial, noise: first.noise, masks: first.masks, record: true)
    let metrics = try model.forwardTraining(batch)
    model.parameters.zeroGrads()
    synthesizer.parameters.zeroGrads()
    var injected: [Float]?, injectionGradient: [Float]?
    var dPrediction = [Float](repeating: 0, count: prediction.count)
    var synthesizerLoss = 0.0
    func addTarget(_ target: [Float]) {
        for i in prediction.indices {
            let d = prediction[i] - target[i]
            dPrediction[i] += 2 * d
            synthesizerLoss += Double(d) * Double(d)
        }
    }
    if switcher {
        let final = model.joinedState(.training, streams: window.streams)
        let second = draw(final.count)
        let scaled = synthesizer(final, noise: second.noise, masks: second.masks, record: false).map { $0 * syntheticGradientScale }
        injected = scaled
        if !combinedPass {
            model.backward(loss: false, injected: scaled)
            let gA = model.joinedInitialStateGradient()
            addTarget(gA)
            injectionGradient = gA
        }
    }
    model.backward(loss: true, injected: combinedPass ? injected : nil)
    let gB = model.joinedInitialStateGradient()
    addTarget(gB)
    synthesizer.backward(dPrediction)
    return SyntheticGradientStep(metrics: metrics, prediction: prediction, injected: injected, injectionGradient: injectionGradient,
                                 lossGradient: gB, synthesizerLoss: synthesizerLoss)
}
