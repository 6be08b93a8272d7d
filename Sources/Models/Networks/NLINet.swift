// The natural-language-inference network of the critical-gradient study's SNLI experiments
// (`experiments/snli/infersent_comp/models.py`, NLINet with nonlinear_fc = 0): a frozen word embedding,
// one sentence encoder shared by premise and hypothesis, the features [u, v, |u − v|, u ⊙ v], and a
// classifier dropout → lin1 → ReLU → dropout → lin2 → ReLU → dropout → lin3 (a ReLU between the linears
// despite the flag's name), with cross-entropy averaged over the batch.
//
// Encoders (Tests/Fixtures/nlp/README.md, quirks included):
//   lstm       1-layer LSTM over the packed sentence; u = h at the sentence's own last token (D = H).
//   convnet    4 × [conv1d(k 3, pad 1, 2H channels) + ReLU] over the whole padded sentence, lengths
//              ignored (pads are convolved like words); after each layer a max over ALL steps; u is the
//              four maxima (D = 8H).
//   infersent  BiLSTM over the packed sentence, output zero past each length, max over ALL steps, so a
//              short sentence's feature is max(0, max over its steps) (D = 2H).
//
import Foundation
import KernelInterface

// Sizes: T = padded steps of one side, B = pairs, E = word-vector size, H = enc_lstm_dim, D = sentence
// embedding size, F = fc_dim, C = classes. Token tensors are sequence-major (T, B).

/// NLINet over sentence pairs (`Batch.sentencePairs`).
public final class NLINet: Network {
    public enum Encoder: String, CaseIterable, Sendable {
        case lstm, convnet, infersent
    }

    public let name: String
    public var objective: Objective { .classification }
    public let parameters: ParameterBlock
    public let buffers = BufferBlock(TensorLayout())
    public var bptt: Int? { nil }
    public let encoder: Encoder
    /// Rows of the frozen embedding (the corpus vocabulary).
    public let vocabulary: Int
    /// E, the word-vector size.
    public let embeddingSize: Int
    /// H, `enc_lstm_dim`.
    public let hiddenSize: Int
    /// F, `fc_dim`.
    public let fcSize: Int
    public let classes: Int
    /// `dpout_fc`: inverted dropout before each linear of the classifier, in training only.
    public let dropout: Float
    /// D: H (lstm), 2H (infersent), 8H (convnet).
    public let sentenceSize: Int
    /// Whether the training step also computes d loss / d embedding output (tests only; costs a product).
    public var computesInputGradient = false
    /// The study's training step (experiments/snli/train.py): after the optimizer's step on the mean
    /// gradient, the gradient is divided by the batch size, the lr shrunk so that its norm is at most
    /// `maxNorm`, and the optimizer steps again. The training loop reads these; the network only carries them.
    public var studyStep = false
    public var maxNorm = 5.0
    /// The study's plateau rule (with `studyStep`): for SGD-family optimizers the lr is divided by
    /// `lrShrink` each time the validation accuracy (in percent, rounded to 2 decimals) fails to beat the
    /// best so far. The count and the best are part of the saved state.
    public var lrShrink = 5.0
    public private(set) var bestValidAccuracy = -1e10
    public private(set) var lrShrinks = 0

    /// Records an epoch's validation accuracy (a fraction) under the plateau rule; `shrinks` says whether
    /// the optimizer is one the rule applies to (the study: its name contains "sgd").
    public func validationEnded(accuracy: Double, shrinks: Bool) {
        let percent = (accuracy * 10_000).rounded() / 100
        if percent > bestValidAccuracy {
            bestValidAccuracy = percent
        } else if shrinks {
            lrShrinks += 1
        }
    }

    /// The factor the plateau rule puts on the scheduled lr.
    public var lrFactor: Double { lrShrink == 1 ? 1 : pow(1 / lrShrink, Double(lrShrinks)) }

    /// The frozen embedding (vocabulary, E): the word vectors, never trained.
    private let embedding: AlignedBuffer<Float>
    private struct LSTMSlots { var weightIH, weightHH, biasIH, biasHH: TensorSlot }
    private var lstmSlots: [LSTMSlots] = []
    private var convSlots: [(weight: TensorSlot, bias: TensorSlot)] = []
    private let linears: [(weight: TensorSlot, bias: TensorSlot)]
    private var dropoutGenerator: SeededGenerator
    private let work = NamedScratch()
    /// −1 for every vocabulary word (convnet): `numberDistinctTokens`'s table.
    private let tokenNumbers: AlignedBuffer<Int32>
    /// U, the distinct tokens of the last batch's two sides (convnet).
    private var distinctTokens = 0
    /// Shape of the last batch.
    private var batch = 0, premiseSteps = 0, hypothesisSteps = 0
    private var training = false

    /// The convnet encoder's layers.
    static let convLayers = 4

    /// - Parameters:
    ///   - vectors: the frozen embedding, (vocabulary, embeddingSize) row-major.
    ///   - seed: parameters are drawn from stream `"init"`: LSTM and convolution weights PyTorch's default
    ///     U(±1/√fan), classifier weights Xavier-uniform and biases 0 (the original's `init_weights`).
    public init(name: String = "nli", encoder: Encoder, vectors: [Float], vocabulary: Int, embeddingSize: Int, hiddenSize: Int,
                fcSize: Int, classes: Int, dropout: Float, seed: UInt64) throws {
        for (value, what) in [(vocabulary, "vocabulary"), (embeddingSize, "word vector size"), (hiddenSize, "enc_lstm_dim"),
                              (fcSize, "fc_dim"), (classes, "classes")] where value < 1 {
            throw ArchitectureError(layer: name, "\(what) must be ≥ 1, got \(value)")
        }
        guard vectors.count == vocabulary * embeddingSize else {
            throw ArchitectureError(layer: name, "\(vectors.count) word-vector values for \(vocabulary) words × \(embeddingSize)")
        }
        guard (0..<1).contains(dropout) else { throw ArchitectureError(layer: name, "dpout_fc must be in [0, 1), got \(dropout)") }
        self.name = name
        self.encoder = encoder
        self.vocabulary = vocabulary
        self.embeddingSize = embeddingSize
        self.hiddenSize = hiddenSize
        self.fcSize = fcSize
        self.classes = classes
        self.dropout = dropout
        embedding = AlignedBuffer(vectors)
        tokenNumbers = AlignedBuffer([Int32](repeating: -1, count: encoder == .convnet ? vocabulary : 0))

        var layout = TensorLayout()
        let h = hiddenSize
        switch encoder {
        case .lstm, .infersent:
            for suffix in encoder == .lstm ? [""] : ["", "_reverse"] {
                lstmSlots.append(LSTMSlots(weightIH: layout.add("encoder.enc_lstm.weight_ih_l0" + suffix, shape: [4 * h, embeddingSize]),
                                           weightHH: layout.add("encoder.enc_lstm.weight_hh_l0" + suffix, shape: [4 * h, h]),
                                           biasIH: layout.add("encoder.enc_lstm.bias_ih_l0" + suffix, shape: [4 * h]),
                                           biasHH: layout.add("encoder.enc_lstm.bias_hh_l0" + suffix, shape: [4 * h])))
            }
            sentenceSize = encoder == .lstm ? h : 2 * h
        case .convnet:
            for k in 1...Self.convLayers {
                let input = k == 1 ? embeddingSize : 2 * h
                convSlots.append((layout.add("encoder.convnet\(k).0.weight", shape: [2 * h, input, 3]),
                                  layout.add("encoder.convnet\(k).0.bias", shape: [2 * h])))
            }
            sentenceSize = Self.convLayers * 2 * h
        }
        linears = [(layout.add("lin1.weight", shape: [fcSize, 4 * sentenceSize]), layout.add("lin1.bias", shape: [fcSize])),
                   (layout.add("lin2.weight", shape: [fcSize, fcSize]), layout.add("lin2.bias", shape: [fcSize])),
                   (layout.add("lin3.weight", shape: [classes, fcSize]), layout.add("lin3.bias", shape: [classes]))]
        parameters = ParameterBlock(layout)
        dropoutGenerator = SeededGenerator(seed: seed, stream: "dropout")

        var generator = SeededGenerator(seed: seed, stream: "init")
        for slots in lstmSlots {
            for slot in [slots.weightIH, slots.weightHH, slots.biasIH, slots.biasHH] {
                parameters.fillUniform(slot, bound: 1 / Float(h).squareRoot(), using: &generator)
            }
        }
        for (weight, bias) in convSlots {
            let bound = 1 / Float(weight.shape[1] * 3).squareRoot()
            parameters.fillUniform(weight, bound: bound, using: &generator)
            parameters.fillUniform(bias, bound: bound, using: &generator)
        }
        for (weight, _) in linears {
            parameters.fillUniform(weight, bound: (6 / Float(weight.shape[0] + weight.shape[1])).squareRoot(), using: &generator)
        }
    }

    // MARK: - Steps

    public func trainStep(_ batch: Batch) throws -> StepMetrics {
        let pairs = try load(batch)
        parameters.zeroGrads()
        training = true
        forward(pairs)
        let metrics = lossForward(pairs)
        backward(pairs)
        return metrics
    }

    public func evaluate(_ batch: Batch) throws -> StepMetrics {
        let pairs = try load(batch)
        training = false
        forward(pairs)
        return lossForward(pairs)
    }

    /// The predicted class of each pair of `batch` (evaluation mode), the first largest logit.
    public func predict(_ batch: Batch) throws -> [Int32] {
        let pairs = try load(batch)
        training = false
        forward(pairs)
        let z = work.floats("logits", pairs.count * classes)
        return (0..<pairs.count).map { b in
            var best = 0
            for j in 1..<classes where z[b * classes + j] > z[b * classes + best] { best = j }
            return Int32(best)
        }
    }

    public func resetState(_ phase: Phase) {}

    public func saveState() -> NetworkState {
        NetworkState(network: name, tensors: [NamedTensor("plateau", [Float(lrShrinks), Float(bestValidAccuracy)])],
                     generators: [NamedGenerator("dropout", dropoutGenerator)])
    }

    public func restoreState(_ state: NetworkState) throws {
        guard state.network == name else { throw NetworkError.stateMismatch(network: name, "the state was saved by \(state.network)") }
        let plateau = try state.tensor("plateau")
        guard plateau.count == 2 else { throw NetworkError.stateMismatch(network: name, "plateau state of \(plateau.count) values") }
        dropoutGenerator = try state.generator("dropout")
        (lrShrinks, bestValidAccuracy) = (Int(plateau[0]), Double(plateau[1]))
    }

    // MARK: - Results of the last step (tests)

    /// The last batch's logits, (B, C).
    public func outputs() -> [Float] { Array(UnsafeBufferPointer(start: work.floats("logits", batch * classes), count: batch * classes)) }

    /// The sentence embeddings u (premises) and v (hypotheses) of the last batch, each (B, D).
    public func sentenceEmbeddings() -> (u: [Float], v: [Float]) {
        let n = batch * sentenceSize
        return (Array(UnsafeBufferPointer(start: work.floats("p.u", n), count: n)),
                Array(UnsafeBufferPointer(start: work.floats("h.u", n), count: n)))
    }

    /// d loss / d embedding output of the last training step: premise (Tp, B, E) and hypothesis (Th, B, E).
    /// Needs `computesInputGradient`.
    public func embeddingGradients() -> (premise: [Float], hypothesis: [Float]) {
        precondition(computesInputGradient, "embeddingGradients(): set computesInputGradient before the training step")
        let np = premiseSteps * batch * embeddingSize, nh = hypothesisSteps * batch * embeddingSize
        return (Array(UnsafeBufferPointer(start: work.floats("p.dx", np), count: np)),
                Array(UnsafeBufferPointer(start: work.floats("h.dx", nh), count: nh)))
    }

    // MARK: - Batch

    private func load(_ batch: Batch) throws -> SentencePairBatch {
        guard case let .sentencePairs(pairs) = batch else { throw NetworkError.wrongBatchKind(network: name, expected: "sentence pairs") }
        let b = pairs.count
        guard b >= 1 else { throw NetworkError.emptyBatch(network: name) }
        guard pairs.labels.count == b else {
            throw NetworkError.targetCountMismatch(network: name, what: "labels", got: pairs.labels.count, expected: b)
        }
        if let bad = pairs.labels.firstIndex(where: { $0 < 0 || Int($0) >= classes }) {
            throw NetworkError.labelOutOfRange(network: name, index: bad, label: pairs.labels[bad], classes: classes)
        }
        for (tokens, lengths, what) in [(pairs.premise, pairs.premiseLengths, "premise"), (pairs.hypothesis, pairs.hypothesisLengths, "hypothesis")] {
            guard lengths.count == b, tokens.count % b == 0 else {
                throw NetworkError.targetCountMismatch(network: name, what: "\(what) lengths", got: lengths.count, expected: b)
            }
            let steps = tokens.count / b
            if let bad = lengths.firstIndex(where: { $0 < 1 || Int($0) > steps }) {
                throw NetworkError.targetCountMismatch(network: name, what: "\(what) tokens in sentence \(bad)", got: Int(lengths[bad]),
                                                       expected: steps)
            }
            if let bad = tokens.firstIndex(where: { $0 < 0 || Int($0) >= vocabulary }) {
                throw NetworkError.tokenOutOfRange(network: name, index: bad, token: tokens[bad], vocabulary: vocabulary)
            }
        }
        self.batch = b
        premiseSteps = pairs.premiseSteps
        hypothesisSteps = pairs.hypothesisSteps
        return pairs
    }

    // MARK: - Encoder

    /// Encodes one side (`side` "p" or "h") into `<side>.u` (B, D).
    private func encode(_ side: String, tokens: [Int32], lengths: [Int32], steps: Int) {
        let (b, e, h) = (batch, embeddingSize, hiddenSize)
        let rows = steps * b
        // The LSTM encoders run the batch sorted by length, longest first, as the original packs it: the
        // packed layer then skips the padded rows. Column i of the sorted batch is pair order[i].
        let order = work.ints(side + ".order", b)
        for i in 0..<b { order[i] = Int32(i) }
        if encoder != .convnet {
            var sorting = UnsafeMutableBufferPointer(start: order, count: b)
            sorting.sort { lengths[Int($0)] > lengths[Int($1)] }
        }
        let ids = work.ints(side + ".ids", rows)
        for t in 0..<steps { for i in 0..<b { ids[t * b + i] = tokens[t * b + Int(order[i])] } }
        let x = work.floats(side + ".x", rows * e)
        // The ConvNet encoder reads the word vectors through its first layer's token products instead.
        if encoder != .convnet { embeddingForward(out: x, tokens: ids, weight: embedding.pointer, n: rows, dim: e) }
        let len = work.ints(side + ".len", b)
        for i in 0..<b { len[i] = lengths[Int(order[i])] }
        let u = work.floats(side + ".us", b * sentenceSize)
        let p = parameters.values
        switch encoder {
        case .lstm:
            runLSTM(side + ".f", slots: lstmSlots[0], input: x, lengths: len, steps: steps)
            u.update(from: work.floats(side + ".f.h", (rows + b) * h) + rows * h, count: b * h)
        case .infersent:
            let forwardOut = runLSTM(side + ".f", slots: lstmSlots[0], input: x, lengths: len, steps: steps)
            let xr = work.floats(side + ".xr", rows * e)
            reverseWithinLengths(xr, x, lengths: len, steps: steps, batch: b, width: e)
            let reversedOut = runLSTM(side + ".r", slots: lstmSlots[1], input: xr, lengths: len, steps: steps)
            let backwardOut = work.floats(side + ".rb", rows * h)
            reverseWithinLengths(backwardOut, reversedOut, lengths: len, steps: steps, batch: b, width: h)
            let both = work.floats(side + ".bi", rows * 2 * h)
            for row in 0..<rows {
                (both + row * 2 * h).update(from: forwardOut + row * h, count: h)
                (both + row * 2 * h + h).update(from: backwardOut + row * h, count: h)
            }
            maxOverTimeForward(out: u, argmax: work.ints(side + ".argmax", b * 2 * h), input: both, steps: steps, batch: b, width: 2 * h)
        case .convnet:
            var input = UnsafePointer(x), channels = e
            let width = 2 * h
            let pooled = work.floats(side + ".pooled", b * width)
            for (k, slots) in convSlots.enumerated() {
                let y = work.floats(side + ".y\(k)", rows * width)
                if k == 0 {
                    tokenConv1dForward(out: y, products: work.floats("products", tokenRows * 3 * width), index: tokenIndex(side),
                                       bias: p + slots.bias.offset, steps: steps, batch: b, oc: width, kernel: 3, relu: true)
                } else {
                    conv1dForward(out: y, taps: work.floats(side + ".taps\(k)", 3 * width * channels), input: input,
                                  weight: p + slots.weight.offset, bias: p + slots.bias.offset,
                                  steps: steps, batch: b, c: channels, oc: width, kernel: 3, relu: true)
                }
                maxOverTimeForward(out: pooled, argmax: work.ints(side + ".argmax\(k)", b * width), input: y, steps: steps, batch: b,
                                   width: width)
                for i in 0..<b { (u + i * sentenceSize + k * width).update(from: pooled + i * width, count: width) }
                input = UnsafePointer(y)
                channels = width
            }
        }
        let unsorted = work.floats(side + ".u", b * sentenceSize)
        for i in 0..<b { (unsorted + Int(order[i]) * sentenceSize).update(from: u + i * sentenceSize, count: sentenceSize) }
    }

    /// One packed LSTM pass from a zero state; returns the output (T, B, H).
    @discardableResult
    private func runLSTM(_ key: String, slots: LSTMSlots, input: UnsafePointer<Float>, lengths: UnsafePointer<Int32>,
                         steps: Int) -> UnsafeMutablePointer<Float> {
        let (b, h) = (batch, hiddenSize), rows = steps * b, p = parameters.values
        let hs = work.floats(key + ".h", (rows + b) * h), cs = work.floats(key + ".c", (rows + b) * h)
        hs.update(repeating: 0, count: b * h)
        cs.update(repeating: 0, count: b * h)
        let out = work.floats(key + ".out", rows * h)
        packedLSTMForward(out: out, h: hs, c: cs, gates: work.floats(key + ".gates", rows * 4 * h), tanhC: work.floats(key + ".tanhC", rows * h),
                          input: input, lengths: lengths, weightIH: p + slots.weightIH.offset, weightHH: p + slots.weightHH.offset,
                          biasIH: p + slots.biasIH.offset, biasHH: p + slots.biasHH.offset,
                          steps: steps, batch: b, inputSize: embeddingSize, hidden: h)
        return out
    }

    private func lstmBackward(_ key: String, slots: LSTMSlots, dInput: UnsafeMutablePointer<Float>?, dOut: UnsafePointer<Float>?,
                              dHFinal: UnsafePointer<Float>?, input: UnsafePointer<Float>, lengths: UnsafePointer<Int32>, steps: Int) {
        let (b, h) = (batch, hiddenSize), rows = steps * b, p = parameters.values, g = parameters.grads
        packedLSTMBackward(dInput: dInput, dWeightIH: g + slots.weightIH.offset, dWeightHH: g + slots.weightHH.offset,
                           dBiasIH: g + slots.biasIH.offset, dBiasHH: g + slots.biasHH.offset,
                           dH0: work.floats("dH0", b * h), dC0: work.floats("dC0", b * h), dGates: work.floats("dGates", rows * 4 * h),
                           scratch: work.floats("dScratch", b * h), dOut: dOut, dHFinal: dHFinal, dCFinal: nil,
                           input: input, lengths: lengths, h: work.floats(key + ".h", (rows + b) * h), c: work.floats(key + ".c", (rows + b) * h),
                           gates: work.floats(key + ".gates", rows * 4 * h), tanhC: work.floats(key + ".tanhC", rows * h),
                           weightIH: p + slots.weightIH.offset, weightHH: p + slots.weightHH.offset,
                           steps: steps, batch: b, inputSize: embeddingSize, hidden: h)
    }

    /// Backpropagates `<side>.du` (B, D) through the encoder into the parameters (and `<side>.dx`).
    private func encodeBackward(_ side: String, steps: Int) {
        let (b, e, h) = (batch, embeddingSize, hiddenSize)
        let rows = steps * b
        let x = work.floats(side + ".x", rows * e), len = work.ints(side + ".len", b), order = work.ints(side + ".order", b)
        let dUnsorted = work.floats(side + ".du", b * sentenceSize), du = work.floats(side + ".dus", b * sentenceSize)
        for i in 0..<b { (du + i * sentenceSize).update(from: dUnsorted + Int(order[i]) * sentenceSize, count: sentenceSize) }
        let dx: UnsafeMutablePointer<Float>? = computesInputGradient ? work.zeros(side + ".dxs", rows * e) : nil
        let g = parameters.grads
        switch encoder {
        case .lstm:
            lstmBackward(side + ".f", slots: lstmSlots[0], dInput: dx, dOut: nil, dHFinal: du, input: x, lengths: len, steps: steps)
        case .infersent:
            let dBoth = work.zeros(side + ".dbi", rows * 2 * h)
            maxOverTimeBackward(dInput: dBoth, dOut: du, argmax: work.ints(side + ".argmax", b * 2 * h), batch: b, width: 2 * h)
            let dForward = work.floats(side + ".dfo", rows * h), dBackward = work.floats(side + ".dbo", rows * h)
            for row in 0..<rows {
                dForward.advanced(by: row * h).update(from: dBoth + row * 2 * h, count: h)
                dBackward.advanced(by: row * h).update(from: dBoth + row * 2 * h + h, count: h)
            }
            let dReversed = work.floats(side + ".dro", rows * h)
            reverseWithinLengths(dReversed, dBackward, lengths: len, steps: steps, batch: b, width: h)
            lstmBackward(side + ".f", slots: lstmSlots[0], dInput: dx, dOut: dForward, dHFinal: nil, input: x, lengths: len, steps: steps)
            let dxr: UnsafeMutablePointer<Float>? = dx == nil ? nil : work.zeros(side + ".dxr", rows * e)
            lstmBackward(side + ".r", slots: lstmSlots[1], dInput: dxr, dOut: dReversed, dHFinal: nil,
                         input: work.floats(side + ".xr", rows * e), lengths: len, steps: steps)
            if let dx, let dxr { addReversedWithinLengths(dx, dxr, lengths: len, steps: steps, batch: b, width: e) }
        case .convnet:
            let width = 2 * h, top = convSlots.count - 1
            let dPooled = work.floats(side + ".dpooled", b * width)
            let dPre = work.floats(side + ".dpre", rows * width)
            for k in stride(from: top, through: 0, by: -1) {
                let y = work.floats(side + ".y\(k)", rows * width), argmax = work.ints(side + ".argmax\(k)", b * width)
                for i in 0..<b { dPooled.advanced(by: i * width).update(from: du + i * sentenceSize + k * width, count: width) }
                let channels = k == 0 ? e : width
                let dInput: UnsafeMutablePointer<Float>? = k == 0 ? dx : work.floats(side + ".dy\(k - 1)", rows * width)
                let slots = convSlots[k]
                let input = k == 0 ? x : work.floats(side + ".y\(k - 1)", rows * width)
                let taps = work.floats(k == 0 ? "taps0" : side + ".taps\(k)", 3 * width * channels)
                let dTaps = work.floats("dtaps", 3 * width * channels)
                if k == top {
                    // The top layer's output feeds nothing but its max, so its gradient is nonzero at one step
                    // per (b, o), and only where the ReLU let the max through.
                    for i in 0..<(b * width) where y[Int(argmax[i]) * b * width + i] <= 0 { dPooled[i] = 0 }
                    // Its input gradient is added into zeros: dy below is written first here.
                    if let dInput { dInput.update(repeating: 0, count: rows * width) }
                    conv1dBackwardAtOneStep(dInput: dInput, dWeight: g + slots.weight.offset, dBias: g + slots.bias.offset, dTaps: dTaps,
                                            g: dPooled, step: argmax, input: input, taps: taps,
                                            steps: steps, batch: b, c: channels, oc: width, kernel: 3)
                    continue
                }
                let dy = work.floats(side + ".dy\(k)", rows * width)
                maxOverTimeBackward(dInput: dy, dOut: dPooled, argmax: argmax, batch: b, width: width)
                // reluBackward, written rather than added into zeros (dy is never −0: it starts as a product's sum).
                reluGradient(dInput: dPre, dOut: dy, out: y, count: rows * width)
                if k == 0 {
                    // The first layer's weight gradient waits for both sides' rows (finishConvTokenGradient).
                    tokenConv1dBackward(dProducts: work.floats("dproducts", tokenRows * 3 * width), dBias: g + slots.bias.offset,
                                        dOut: dPre, index: tokenIndex(side), steps: steps, batch: b, oc: width, kernel: 3)
                    if let dx { conv1dInputGradient(dInput: dx, dOut: dPre, taps: taps, steps: steps, batch: b, c: e, oc: width, kernel: 3) }
                    continue
                }
                // dy below starts here: written, not added into zeros.
                conv1dBackward(dInput: dInput, dWeight: g + slots.weight.offset, dBias: g + slots.bias.offset, dTaps: dTaps, dOut: dPre,
                               input: input, taps: taps, steps: steps, batch: b, c: channels, oc: width, kernel: 3, accumulate: false)
            }
        }
        guard let dx else { return }
        let dUnsortedX = work.floats(side + ".dx", rows * e)
        for t in 0..<steps {
            for i in 0..<b { (dUnsortedX + (t * b + Int(order[i])) * e).update(from: dx + (t * b + i) * e, count: e) }
        }
    }

    // MARK: - The ConvNet encoder's first layer, over distinct tokens (TokenConv1D.swift)

    /// Rows of both sides' token tensors, premise then hypothesis: the bound on the distinct tokens.
    private var tokenRows: Int { (premiseSteps + hypothesisSteps) * batch }

    /// The numbers of `side`'s tokens among the distinct tokens of both sides, (T, B).
    private func tokenIndex(_ side: String) -> UnsafeMutablePointer<Int32> {
        work.ints("index", tokenRows) + (side == "p" ? 0 : premiseSteps * batch)
    }

    /// Numbers the distinct tokens of both sides, looks up their vectors and multiplies them by every tap
    /// of the first layer: one product serves both sides, which share the encoder.
    private func convTokenProducts(_ pairs: SentencePairBatch) {
        let (e, width, n) = (embeddingSize, 2 * hiddenSize, tokenRows)
        let tokens = work.ints("tokens", n), distinct = work.ints("distinct", n)
        tokens.update(from: pairs.premise, count: premiseSteps * batch)
        (tokens + premiseSteps * batch).update(from: pairs.hypothesis, count: hypothesisSteps * batch)
        distinctTokens = numberDistinctTokens(index: work.ints("index", n), distinct: distinct, tokens: tokens, n: n,
                                              numbers: tokenNumbers.pointer)
        let vectors = work.floats("vectors", n * e)
        embeddingForward(out: vectors, tokens: distinct, weight: embedding.pointer, n: distinctTokens, dim: e)
        tokenConv1dProducts(products: work.floats("products", n * 3 * width), taps: work.floats("taps0", 3 * width * e),
                            vectors: vectors, weight: parameters.values + convSlots[0].weight.offset,
                            distinct: distinctTokens, c: e, oc: width, kernel: 3)
    }

    /// The first layer's weight gradient from the token gradients both sides' backward gathered.
    private func finishConvTokenGradient() {
        let (e, width, n) = (embeddingSize, 2 * hiddenSize, tokenRows)
        tokenConv1dWeightGradient(dWeight: parameters.grads + convSlots[0].weight.offset, dTaps: work.floats("dtaps", 3 * width * e),
                                  dProducts: work.floats("dproducts", n * 3 * width), vectors: work.floats("vectors", n * e),
                                  distinct: distinctTokens, c: e, oc: width, kernel: 3)
    }

    // MARK: - Forward and backward

    private func forward(_ pairs: SentencePairBatch) {
        if encoder == .convnet { convTokenProducts(pairs) }
        encode("p", tokens: pairs.premise, lengths: pairs.premiseLengths, steps: premiseSteps)
        encode("h", tokens: pairs.hypothesis, lengths: pairs.hypothesisLengths, steps: hypothesisSteps)
        let (b, d, f) = (batch, sentenceSize, fcSize), p = parameters.values
        let features = work.floats("features", b * 4 * d)
        pairFeaturesForward(out: features, u: work.floats("p.u", b * d), v: work.floats("h.u", b * d), batch: b, dim: d)
        var input = UnsafePointer(features), inputWidth = 4 * d
        for (k, (weight, bias)) in linears.enumerated() {
            var layerInput = input
            if training && dropout > 0 {
                let mask = work.floats("mask\(k)", b * inputWidth), dropped = work.floats("dropped\(k)", b * inputWidth)
                dropoutMask(mask, count: b * inputWidth, p: dropout, using: &dropoutGenerator)
                dropoutForward(out: dropped, input: input, mask: mask, count: b * inputWidth)
                layerInput = UnsafePointer(dropped)
            }
            let outputs = k == 2 ? classes : f
            let out = work.floats(k == 2 ? "logits" : "a\(k)", b * outputs)
            linearForward(out: out, input: layerInput, weight: p + weight.offset, bias: p + bias.offset, n: b, c: inputWidth, oc: outputs)
            if k < 2 {
                let r = work.floats("r\(k)", b * f)
                reluForward(out: r, input: out, count: b * f)
                input = UnsafePointer(r)
                inputWidth = f
            }
        }
    }

    private func lossForward(_ pairs: SentencePairBatch) -> StepMetrics {
        let probs = work.floats("probs", batch * classes)
        let (lossSum, correct) = pairs.labels.withUnsafeBufferPointer {
            softmaxCrossEntropyForward(probs: probs, logits: work.floats("logits", batch * classes), labels: $0.baseAddress!,
                                       n: batch, classes: classes)
        }
        return StepMetrics(loss: lossSum / Double(batch), count: batch, correct: correct)
    }

    private func backward(_ pairs: SentencePairBatch) {
        let (b, d, f) = (batch, sentenceSize, fcSize), p = parameters.values, g = parameters.grads
        let dLogits = work.zeros("dlogits", b * classes)
        pairs.labels.withUnsafeBufferPointer {
            softmaxCrossEntropyBackward(dLogits: dLogits, probs: work.floats("probs", b * classes), labels: $0.baseAddress!, n: b,
                                        classes: classes, scale: 1 / Float(b))
        }
        var dOut = dLogits
        for k in stride(from: 2, through: 0, by: -1) {
            let (weight, bias) = linears[k]
            let inputWidth = k == 0 ? 4 * d : f, outputs = k == 2 ? classes : f
            let input: UnsafeMutablePointer<Float> = k == 0 ? work.floats("features", b * 4 * d) : work.floats("r\(k - 1)", b * f)
            let dropped = training && dropout > 0
            let layerInput = dropped ? work.floats("dropped\(k)", b * inputWidth) : input
            let dLayerInput = work.zeros("dlayerin\(k)", b * inputWidth)
            linearBackward(dInput: dLayerInput, dWeight: g + weight.offset, dBias: g + bias.offset, dOut: dOut, input: layerInput,
                           weight: p + weight.offset, n: b, c: inputWidth, oc: outputs)
            let dInput = work.zeros("din\(k)", b * inputWidth)
            if dropped {
                dropoutBackward(dInput: dInput, dOut: dLayerInput, mask: work.floats("mask\(k)", b * inputWidth), count: b * inputWidth)
            } else {
                dInput.update(from: dLayerInput, count: b * inputWidth)
            }
            if k > 0 {
                let dPre = work.zeros("dpre\(k - 1)", b * f)
                reluBackward(dInput: dPre, dOut: dInput, out: work.floats("r\(k - 1)", b * f), count: b * f)
                dOut = dPre
            } else {
                let du = work.zeros("p.du", b * d), dv = work.zeros("h.du", b * d)
                pairFeaturesBackward(du: du, dv: dv, dOut: dInput, u: work.floats("p.u", b * d), v: work.floats("h.u", b * d), batch: b, dim: d)
            }
        }
        if encoder == .convnet {
            work.floats("dproducts", tokenRows * 3 * 2 * hiddenSize).update(repeating: 0, count: distinctTokens * 3 * 2 * hiddenSize)
        }
        encodeBackward("p", steps: premiseSteps)
        encodeBackward("h", steps: hypothesisSteps)
        if encoder == .convnet { finishConvTokenGradient() }
    }
}
