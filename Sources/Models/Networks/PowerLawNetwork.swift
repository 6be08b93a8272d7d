// The two-layer network of the power-law SGD studies in the NTK parametrisation (seeds.md §3.1(a)):
//     f(x) = (1/√m) · Σ_j v_j · relu(w_j · x / √d + b_j),   loss = ½ · mean over the batch of (f(x) − y)²
// with d inputs, width m, every parameter N(0, 1), no output bias. Only the real-network regime lives
// here; the linearised, averaged and spectral regimes are separate.
// Sizes: n = batch, d = inputSize, m = width.

/// The power-law study's one-hidden-layer ReLU network, trained with ½·MSE on scalar targets.
public final class PowerLawNetwork: Network {
    public let name: String
    public var objective: Objective { .regression }
    public let parameters: ParameterBlock
    public let buffers = BufferBlock(TensorLayout())
    public var bptt: Int? { nil }
    /// Inputs d.
    public let inputSize: Int
    /// Hidden units m.
    public let width: Int
    /// When true, training steps also compute d loss / d input (`inputGradient()`).
    public var computesInputGradient = false

    private let w: TensorSlot, b: TensorSlot, v: TensorSlot
    private let arena = BatchArena<Float>()
    private let gradients = BatchArena<Float>()
    /// Arena regions (the same ids in both arenas): input, scaled input, pre-activation, hidden, sum, output.
    private let input, scaled, pre, hidden, sum, output: Int
    private let targets: Int
    private var lastCount = 0

    /// Draws w (m, d), b (m) and v (m) from N(0, 1) in that order (stream `"init"` of `seed`).
    public init(name: String = "powerlaw_nn", inputSize: Int, width: Int, seed: UInt64) throws {
        guard inputSize >= 1 else { throw ArchitectureError(layer: name, "the input size must be ≥ 1, got \(inputSize)") }
        guard width >= 1 else { throw ArchitectureError(layer: name, "width must be ≥ 1, got \(width)") }
        self.name = name
        self.inputSize = inputSize
        self.width = width
        var layout = TensorLayout()
        w = layout.add("w", shape: [width, inputSize])
        b = layout.add("b", shape: [width])
        v = layout.add("v", shape: [width])
        parameters = ParameterBlock(layout)
        var generator = SeededGenerator(seed: seed, stream: "init")
        for slot in [w, b, v] { parameters.fillNormal(slot, std: 1, using: &generator) }
        let sizes = [inputSize, inputSize, width, width, 1, 1, 1]
        for size in sizes {
            _ = arena.add(perSample: size)
            _ = gradients.add(perSample: size)
        }
        (input, scaled, pre, hidden, sum, output, targets) = (0, 1, 2, 3, 4, 5, 6)
    }

    public func trainStep(_ batch: Batch) throws -> StepMetrics {
        let n = try load(batch)
        parameters.zeroGrads()
        gradients.zero(samples: n)
        forward(n)
        let metrics = loss(n)
        backward(n)
        return metrics
    }

    public func evaluate(_ batch: Batch) throws -> StepMetrics {
        let n = try load(batch)
        forward(n)
        return loss(n)
    }

    public func resetState(_ phase: Phase) {}

    public func saveState() -> NetworkState { NetworkState(network: name) }

    public func restoreState(_ state: NetworkState) throws {
        guard state.network == name else {
            throw NetworkError.stateMismatch(network: name, "the state was saved by \(state.network)")
        }
    }

    /// f(x) of the last batch, (n).
    public func outputs() -> [Float] { Array(UnsafeBufferPointer(start: arena.pointer(output), count: lastCount)) }

    /// d loss / d x of the last training step, (n, d); needs `computesInputGradient`.
    public func inputGradient() -> [Float] {
        precondition(computesInputGradient, "inputGradient(): set computesInputGradient before the training step")
        return Array(UnsafeBufferPointer(start: gradients.pointer(input), count: lastCount * inputSize))
    }

    // MARK: - Forward and backward

    private func load(_ batch: Batch) throws -> Int {
        guard case let .samples(samples) = batch else { throw NetworkError.wrongBatchKind(network: name, expected: "samples") }
        let n = samples.count
        guard n >= 1 else { throw NetworkError.emptyBatch(network: name) }
        guard samples.features.count == n * inputSize else {
            throw NetworkError.featureCountMismatch(network: name, got: samples.features.count, expected: n * inputSize)
        }
        guard samples.targets.count == n else {
            throw NetworkError.targetCountMismatch(network: name, what: "targets", got: samples.targets.count, expected: n)
        }
        arena.reserve(n)
        gradients.reserve(n)
        samples.features.withUnsafeBufferPointer { arena.pointer(input).update(from: $0.baseAddress!, count: n * inputSize) }
        samples.targets.withUnsafeBufferPointer { arena.pointer(targets).update(from: $0.baseAddress!, count: n) }
        lastCount = n
        return n
    }

    private var inputScale: Float { 1 / Float(inputSize).squareRoot() }
    private var outputScale: Float { 1 / Float(width).squareRoot() }

    private func forward(_ n: Int) {
        let p = parameters.values
        scaleForward(out: arena.pointer(scaled), input: arena.pointer(input), factor: inputScale, count: n * inputSize)
        linearForward(out: arena.pointer(pre), input: arena.pointer(scaled), weight: p + w.offset, bias: p + b.offset,
                      n: n, c: inputSize, oc: width)
        reluForward(out: arena.pointer(hidden), input: arena.pointer(pre), count: n * width)
        // v is the one row of a width → 1 linear layer without bias.
        linearForward(out: arena.pointer(sum), input: arena.pointer(hidden), weight: p + v.offset, bias: nil,
                      n: n, c: width, oc: 1)
        scaleForward(out: arena.pointer(output), input: arena.pointer(sum), factor: outputScale, count: n)
    }

    private func loss(_ n: Int) -> StepMetrics {
        let squares = squaredErrorForward(prediction: arena.pointer(output), target: arena.pointer(targets), count: n)
        return StepMetrics(loss: squares / Double(2 * n), count: n, squaredError: squares)
    }

    private func backward(_ n: Int) {
        let p = parameters.values, g = parameters.grads
        squaredErrorBackward(dPrediction: gradients.pointer(output), prediction: arena.pointer(output),
                             target: arena.pointer(targets), count: n, scale: 1 / Float(2 * n))
        scaleBackward(dInput: gradients.pointer(sum), dOut: gradients.pointer(output), factor: outputScale, count: n)
        linearBackward(dInput: gradients.pointer(hidden), dWeight: g + v.offset, dBias: nil, dOut: gradients.pointer(sum),
                       input: arena.pointer(hidden), weight: p + v.offset, n: n, c: width, oc: 1)
        reluBackward(dInput: gradients.pointer(pre), dOut: gradients.pointer(hidden), out: arena.pointer(hidden), count: n * width)
        linearBackward(dInput: computesInputGradient ? gradients.pointer(scaled) : nil, dWeight: g + w.offset,
                       dBias: g + b.offset, dOut: gradients.pointer(pre), input: arena.pointer(scaled), weight: p + w.offset,
                       n: n, c: inputSize, oc: width)
        if computesInputGradient {
            scaleBackward(dInput: gradients.pointer(input), dOut: gradients.pointer(scaled), factor: inputScale,
                          count: n * inputSize)
        }
    }
}
