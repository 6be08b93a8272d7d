// The MultiWoZ response generator of the critical-gradient study (`experiments/multiwoz_lstm/model/
// model.py` and `policy.py`, with train.py's defaults: LSTM, Bahdanau attention, depth 1, dropout 0,
// teacher forcing always in training). Wiring and quirks: Tests/Fixtures/nlp/README.md.
//
//   encoder   embedding(V_in, E, padding_idx 3) → packed 1-layer LSTM(H) from zeros
//             → outputs (T_in, B, H), zero past each length; final (h_n, c_n)
//   policy    h0 = tanh(W_u h_n + W_db db + W_bs bs) (no biases); c0 = c_n unchanged
//   decoder   T_out steps; input SOS, then target[:, t−1] (PAD included); additive attention over ALL
//             T_in encoder positions with h_prev; LSTM cell on [embedding; context]; logits = out(h_t)
//   loss      log_softmax, NLL averaged over the non-PAD targets
//
// `bidirectional` (the original's `--model bilstm`, which crashes there) runs a second encoder LSTM
// backward over each sequence's own steps; as in the original the outputs are the sum of the two
// directions, the policy reads the forward direction's h_n (the original's `hidden[0]`), and c0 is the
// forward direction's c_n (the original passes both directions' c_n to the 1-layer decoder: the crash).
//
// `decoder.score` and `decoder.attn_combine` are built and never used, as in the original: they are in
// `parameters` (same names and order) and their gradients stay 0.
//
// Evaluation: `evaluate` gives the teacher-forced loss; `greedyDecode` generates up to `maxLength`
// tokens per turn by feeding back the argmax (the original's `greedy_decode`) for BLEU.
//
// Sizes: B = turns, T_in/T_out = padded input/target steps, E = emb_size, H = hid_size (encoder,
// policy and decoder alike), V = output vocabulary.

import Foundation

/// Attention seq2seq over dialogue turns (`Batch.dialogues`).
public final class Seq2Seq: Network {
    public let name: String
    public var objective: Objective { .languageModel }
    public let parameters: ParameterBlock
    public let buffers = BufferBlock(TensorLayout())
    public var bptt: Int? { nil }
    public let inputVocabulary: Int
    public let outputVocabulary: Int
    public let embeddingSize: Int
    public let hiddenSize: Int
    public let dbSize: Int
    public let bsSize: Int
    public let bidirectional: Bool
    /// Tokens generated per turn by `greedyDecode` (the original's `max_len`).
    public let maxLength: Int

    static let sos: Int32 = 0, eos: Int32 = 1, pad: Int32 = 3

    private struct LSTMSlots { var weightIH, weightHH, biasIH, biasHH: TensorSlot }
    private let encoderEmbedding: TensorSlot
    private var encoderLSTM: [LSTMSlots] = []
    private let policyU, policyBS, policyDB: TensorSlot
    private let attentionV, decoderEmbedding: TensorSlot
    private let decoderLSTM: LSTMSlots
    private let outWeight, outBias, attentionWeight, attentionBias: TensorSlot
    private let work = NamedScratch()
    private var batch = 0, inputSteps = 0, targetSteps = 0

    public init(name: String = "seq2seq", inputVocabulary: Int, outputVocabulary: Int, embeddingSize: Int, hiddenSize: Int,
                dbSize: Int, bsSize: Int, bidirectional: Bool = false, maxLength: Int = 50, seed: UInt64) throws {
        for (value, what) in [(inputVocabulary, "input vocabulary"), (outputVocabulary, "output vocabulary"), (embeddingSize, "emb_size"),
                              (hiddenSize, "hid_size"), (dbSize, "db size"), (bsSize, "bs size"), (maxLength, "max_len")] where value < 1 {
            throw ArchitectureError(layer: name, "\(what) must be ≥ 1, got \(value)")
        }
        guard inputVocabulary > Int(Self.pad), outputVocabulary > Int(Self.pad) else {
            throw ArchitectureError(layer: name, "the vocabularies need the 4 special tokens SOS, EOS, UNK, PAD")
        }
        self.name = name
        self.inputVocabulary = inputVocabulary
        self.outputVocabulary = outputVocabulary
        self.embeddingSize = embeddingSize
        self.hiddenSize = hiddenSize
        self.dbSize = dbSize
        self.bsSize = bsSize
        self.bidirectional = bidirectional
        self.maxLength = maxLength
        let (e, h) = (embeddingSize, hiddenSize)
        var layout = TensorLayout()
        encoderEmbedding = layout.add("encoder.embedding.weight", shape: [inputVocabulary, e])
        for suffix in bidirectional ? ["", "_reverse"] : [""] {
            encoderLSTM.append(LSTMSlots(weightIH: layout.add("encoder.rnn.weight_ih_l0" + suffix, shape: [4 * h, e]),
                                         weightHH: layout.add("encoder.rnn.weight_hh_l0" + suffix, shape: [4 * h, h]),
                                         biasIH: layout.add("encoder.rnn.bias_ih_l0" + suffix, shape: [4 * h]),
                                         biasHH: layout.add("encoder.rnn.bias_hh_l0" + suffix, shape: [4 * h])))
        }
        policyU = layout.add("policy.W_u.weight", shape: [h, h])
        policyBS = layout.add("policy.W_bs.weight", shape: [h, bsSize])
        policyDB = layout.add("policy.W_db.weight", shape: [h, dbSize])
        attentionV = layout.add("decoder.v", shape: [h])
        decoderEmbedding = layout.add("decoder.embedding.weight", shape: [outputVocabulary, e])
        decoderLSTM = LSTMSlots(weightIH: layout.add("decoder.rnn.weight_ih_l0", shape: [4 * h, e + h]),
                                weightHH: layout.add("decoder.rnn.weight_hh_l0", shape: [4 * h, h]),
                                biasIH: layout.add("decoder.rnn.bias_ih_l0", shape: [4 * h]),
                                biasHH: layout.add("decoder.rnn.bias_hh_l0", shape: [4 * h]))
        outWeight = layout.add("decoder.out.weight", shape: [outputVocabulary, h])
        outBias = layout.add("decoder.out.bias", shape: [outputVocabulary])
        let unused = [layout.add("decoder.score.weight", shape: [h, 2 * h]), layout.add("decoder.score.bias", shape: [h]),
                      layout.add("decoder.attn_combine.weight", shape: [e, e + h]), layout.add("decoder.attn_combine.bias", shape: [e])]
        attentionWeight = layout.add("decoder.attn.weight", shape: [h, 2 * h])
        attentionBias = layout.add("decoder.attn.bias", shape: [h])
        parameters = ParameterBlock(layout)

        // PyTorch's defaults, as the original leaves them: embeddings N(0, 1) (the encoder's PAD row 0),
        // LSTMs U(±1/√H) with the forget-gate biases at 1 (`init_lstm`; its orthogonal W_hh is not
        // reproduced), linears U(±1/√fan_in), v N(0, 1/H).
        var generator = SeededGenerator(seed: seed, stream: "init")
        parameters.fillNormal(encoderEmbedding, std: 1, using: &generator)
        (parameters.values + encoderEmbedding.offset + Int(Self.pad) * e).update(repeating: 0, count: e)
        for slots in encoderLSTM + [decoderLSTM] {
            for slot in [slots.weightIH, slots.weightHH, slots.biasIH, slots.biasHH] {
                parameters.fillUniform(slot, bound: 1 / Float(h).squareRoot(), using: &generator)
            }
            for slot in [slots.biasIH, slots.biasHH] { (parameters.values + slot.offset + h).update(repeating: 1, count: h) }
        }
        let fans: [(TensorSlot, Int)] = [(policyU, h), (policyBS, bsSize), (policyDB, dbSize), (outWeight, h), (outBias, h),
                                         (unused[0], 2 * h), (unused[1], 2 * h), (unused[2], e + h), (unused[3], e + h),
                                         (attentionWeight, 2 * h), (attentionBias, 2 * h)]
        for (slot, fanIn) in fans { parameters.fillUniform(slot, bound: 1 / Float(fanIn).squareRoot(), using: &generator) }
        parameters.fillNormal(attentionV, std: 1 / Double(h).squareRoot(), using: &generator)
        parameters.fillNormal(decoderEmbedding, std: 1, using: &generator)
    }

    // MARK: - Steps

    public func trainStep(_ batch: Batch) throws -> StepMetrics {
        let turns = try load(batch)
        parameters.zeroGrads()
        forward(turns)
        let metrics = lossForward(turns)
        backward(turns)
        return metrics
    }

    public func evaluate(_ batch: Batch) throws -> StepMetrics {
        let turns = try load(batch)
        forward(turns)
        return lossForward(turns)
    }

    public func resetState(_ phase: Phase) {}
    public func saveState() -> NetworkState { NetworkState(network: name) }
    public func restoreState(_ state: NetworkState) throws {
        guard state.network == name else { throw NetworkError.stateMismatch(network: name, "the state was saved by \(state.network)") }
    }

    // MARK: - Results of the last step (tests)

    private func array(_ key: String, _ count: Int) -> [Float] { Array(UnsafeBufferPointer(start: work.floats(key, count), count: count)) }

    /// Reorders (T, B, W) to (B, T, W).
    private func batchMajor(_ key: String, steps: Int, width: Int) -> [Float] {
        let seq = work.floats(key, steps * batch * width)
        var out = [Float](repeating: 0, count: steps * batch * width)
        for t in 0..<steps {
            for b in 0..<batch {
                for j in 0..<width { out[(b * steps + t) * width + j] = seq[(t * batch + b) * width + j] }
            }
        }
        return out
    }

    /// The last batch's logits, (B, T_out, V).
    public func outputs() -> [Float] { batchMajor("logits", steps: targetSteps, width: outputVocabulary) }
    /// log_softmax of the logits, (B, T_out, V).
    public func logProbabilities() -> [Float] { batchMajor("logprobs", steps: targetSteps, width: outputVocabulary) }
    /// Encoder outputs (T_in, B, H), sequence-major.
    public func encoderOutputs() -> [Float] { array("enc", inputSteps * batch * hiddenSize) }
    /// The encoder's final (h_n, c_n) (of the forward direction), each (B, H).
    public func encoderFinalState() -> (h: [Float], c: [Float]) {
        let rows = inputSteps * batch * hiddenSize, n = batch * hiddenSize
        return (Array(UnsafeBufferPointer(start: work.floats("e0.h", rows + n) + rows, count: n)),
                Array(UnsafeBufferPointer(start: work.floats("e0.c", rows + n) + rows, count: n)))
    }
    /// The decoder's initial state (h0, c0), each (B, H).
    public func decoderInitialState() -> (h: [Float], c: [Float]) {
        let n = batch * hiddenSize
        return (array("d.h", n), array("d.c", n))
    }

    /// d loss / d inputs of the last training step: encoder embedding output (B, T_in, E), decoder
    /// embedding output (B, T_out, E), db (B, db) and bs (B, bs).
    public func inputGradients() -> (encoder: [Float], decoder: [Float], db: [Float], bs: [Float]) {
        (batchMajor("dx", steps: inputSteps, width: embeddingSize), batchMajor("dy", steps: targetSteps, width: embeddingSize),
         array("ddb", batch * dbSize), array("dbs", batch * bsSize))
    }

    // MARK: - Batch

    private func load(_ batch: Batch) throws -> DialogueBatch {
        guard case let .dialogues(turns) = batch else { throw NetworkError.wrongBatchKind(network: name, expected: "dialogue turns") }
        let b = turns.count
        guard b >= 1 else { throw NetworkError.emptyBatch(network: name) }
        for (tokens, lengths, vocabulary, what) in [(turns.inputs, turns.inputLengths, inputVocabulary, "input"),
                                                    (turns.targets, turns.targetLengths, outputVocabulary, "target")] {
            guard lengths.count == b, tokens.count % b == 0 else {
                throw NetworkError.targetCountMismatch(network: name, what: "\(what) lengths", got: lengths.count, expected: b)
            }
            let steps = tokens.count / b
            if let bad = lengths.firstIndex(where: { $0 < 1 || Int($0) > steps }) {
                throw NetworkError.targetCountMismatch(network: name, what: "\(what) tokens of turn \(bad)", got: Int(lengths[bad]), expected: steps)
            }
            if let bad = tokens.firstIndex(where: { $0 < 0 || Int($0) >= vocabulary }) {
                throw NetworkError.tokenOutOfRange(network: name, index: bad, token: tokens[bad], vocabulary: vocabulary)
            }
        }
        guard turns.db.count == b * dbSize else {
            throw NetworkError.featureCountMismatch(network: name, got: turns.db.count, expected: b * dbSize)
        }
        guard turns.bs.count == b * bsSize else {
            throw NetworkError.featureCountMismatch(network: name, got: turns.bs.count, expected: b * bsSize)
        }
        self.batch = b
        inputSteps = turns.inputSteps
        targetSteps = turns.targetSteps
        return turns
    }

    // MARK: - Encoder and policy

    /// Encoder and policy: fills "enc" (T_in, B, H), the attention's "encproj", and slot 0 of "d.h"/"d.c"
    /// (h0, c0), sized for `capacity` decoder steps.
    private func encode(_ turns: DialogueBatch, capacity: Int) {
        let (b, e, h) = (batch, embeddingSize, hiddenSize), steps = inputSteps, rows = steps * b, p = parameters.values
        let tokens = work.ints("xtok", rows), lengths = work.ints("xlen", b)
        for t in 0..<steps { for i in 0..<b { tokens[t * b + i] = turns.inputs[i * steps + t] } }
        for i in 0..<b { lengths[i] = turns.inputLengths[i] }
        let x = work.floats("x", rows * e)
        embeddingForward(out: x, tokens: tokens, weight: p + encoderEmbedding.offset, n: rows, dim: e)
        let enc = work.floats("enc", rows * h)
        runLSTM("e0", encoderLSTM[0], input: x, lengths: lengths, steps: steps, inputSize: e)
        enc.update(from: work.floats("e0.out", rows * h), count: rows * h)
        if bidirectional {
            let xr = work.floats("xr", rows * e)
            reverseWithinLengths(xr, x, lengths: lengths, steps: steps, batch: b, width: e)
            runLSTM("e1", encoderLSTM[1], input: xr, lengths: lengths, steps: steps, inputSize: e)
            let back = work.floats("e1.back", rows * h)
            reverseWithinLengths(back, work.floats("e1.out", rows * h), lengths: lengths, steps: steps, batch: b, width: h)
            for i in 0..<(rows * h) { enc[i] += back[i] }
        }
        attentionProjectEncoder(encProjection: work.floats("encproj", rows * h), encoder: enc, weight: p + attentionWeight.offset,
                                bias: p + attentionBias.offset, steps: steps, batch: b, hidden: h)
        // Policy.
        let hn = work.floats("e0.h", rows * h + b * h) + rows * h, cn = work.floats("e0.c", rows * h + b * h) + rows * h
        let h0 = work.floats("d.h", (capacity + 1) * b * h), c0 = work.floats("d.c", (capacity + 1) * b * h)
        gemm(transA: false, transB: true, m: b, n: h, k: h, alpha: 1, a: hn, lda: h, b: p + policyU.offset, ldb: h, beta: 0, c: h0, ldc: h)
        turns.db.withUnsafeBufferPointer {
            gemm(transA: false, transB: true, m: b, n: h, k: dbSize, alpha: 1, a: $0.baseAddress!, lda: dbSize, b: p + policyDB.offset,
                 ldb: dbSize, beta: 1, c: h0, ldc: h)
        }
        turns.bs.withUnsafeBufferPointer {
            gemm(transA: false, transB: true, m: b, n: h, k: bsSize, alpha: 1, a: $0.baseAddress!, lda: bsSize, b: p + policyBS.offset,
                 ldb: bsSize, beta: 1, c: h0, ldc: h)
        }
        tanhForward(out: h0, input: h0, count: b * h)
        c0.update(from: cn, count: b * h)
    }

    private func runLSTM(_ key: String, _ slots: LSTMSlots, input: UnsafePointer<Float>, lengths: UnsafePointer<Int32>, steps: Int,
                         inputSize: Int) {
        let (b, h) = (batch, hiddenSize), rows = steps * b, p = parameters.values
        let hs = work.floats(key + ".h", rows * h + b * h), cs = work.floats(key + ".c", rows * h + b * h)
        hs.update(repeating: 0, count: b * h)
        cs.update(repeating: 0, count: b * h)
        packedLSTMForward(out: work.floats(key + ".out", rows * h), h: hs, c: cs, gates: work.floats(key + ".gates", rows * 4 * h),
                          tanhC: work.floats(key + ".tanhC", rows * h), input: input, lengths: lengths,
                          weightIH: p + slots.weightIH.offset, weightHH: p + slots.weightHH.offset,
                          biasIH: p + slots.biasIH.offset, biasHH: p + slots.biasHH.offset,
                          steps: steps, batch: b, inputSize: inputSize, hidden: h)
    }

    private func lstmBackward(_ key: String, _ slots: LSTMSlots, dInput: UnsafeMutablePointer<Float>?, dOut: UnsafePointer<Float>?,
                              dHFinal: UnsafePointer<Float>?, dCFinal: UnsafePointer<Float>?, input: UnsafePointer<Float>,
                              lengths: UnsafePointer<Int32>, steps: Int, inputSize: Int) {
        let (b, h) = (batch, hiddenSize), rows = steps * b, p = parameters.values, g = parameters.grads
        packedLSTMBackward(dInput: dInput, dWeightIH: g + slots.weightIH.offset, dWeightHH: g + slots.weightHH.offset,
                           dBiasIH: g + slots.biasIH.offset, dBiasHH: g + slots.biasHH.offset,
                           dH0: work.floats("dH0", b * h), dC0: work.floats("dC0", b * h), dGates: work.floats("dGates", rows * 4 * h),
                           scratch: work.floats("dScratch", b * h), dOut: dOut, dHFinal: dHFinal, dCFinal: dCFinal,
                           input: input, lengths: lengths, h: work.floats(key + ".h", rows * h + b * h),
                           c: work.floats(key + ".c", rows * h + b * h), gates: work.floats(key + ".gates", rows * 4 * h),
                           tanhC: work.floats(key + ".tanhC", rows * h),
                           weightIH: p + slots.weightIH.offset, weightHH: p + slots.weightHH.offset,
                           steps: steps, batch: b, inputSize: inputSize, hidden: h)
    }

    // MARK: - Decoder

    /// One decoder step from state slot t of "d.h"/"d.c" (T_out + 1, B, H) into slot t + 1, with input
    /// tokens `tokens` (B): caches the step's embedding, attention and gates under index t.
    private func decoderStep(_ t: Int, tokens: UnsafePointer<Int32>, capacity: Int) {
        let (b, e, h) = (batch, embeddingSize, hiddenSize), s = inputSteps, p = parameters.values
        let hAll = work.floats("d.h", (capacity + 1) * b * h), cAll = work.floats("d.c", (capacity + 1) * b * h)
        let hPrev = hAll + t * b * h
        let input = work.floats("d.x", capacity * b * (e + h)) + t * b * (e + h)
        let context = work.floats("d.ctx", b * h)
        attentionForward(context: context, z: work.floats("d.z", capacity * s * b * h) + t * s * b * h,
                         weights: work.floats("d.a", capacity * b * s) + t * b * s, hProjection: work.floats("d.hproj", b * h),
                         hPrev: hPrev, encoder: work.floats("enc", s * b * h), encProjection: work.floats("encproj", s * b * h),
                         weight: p + attentionWeight.offset, v: p + attentionV.offset, steps: s, batch: b, hidden: h)
        for i in 0..<b {
            let row = input + i * (e + h)
            row.update(from: p + decoderEmbedding.offset + Int(tokens[i]) * e, count: e)
            (row + e).update(from: context + i * h, count: h)
        }
        lstmForward(h: hPrev, c: cAll + t * b * h, gates: work.floats("d.gates", capacity * b * 4 * h) + t * b * 4 * h,
                    tanhC: work.floats("d.tanhC", capacity * b * h) + t * b * h, input: input,
                    weightIH: p + decoderLSTM.weightIH.offset, weightHH: p + decoderLSTM.weightHH.offset,
                    biasIH: p + decoderLSTM.biasIH.offset, biasHH: p + decoderLSTM.biasHH.offset,
                    steps: 1, batch: b, inputSize: e + h, hidden: h)
    }

    /// The teacher-forced decoder input of step t: SOS, then target[:, t − 1].
    private func decoderInputs(_ turns: DialogueBatch) -> UnsafeMutablePointer<Int32> {
        let (b, steps) = (batch, targetSteps)
        let tokens = work.ints("ytok", steps * b)
        for t in 0..<steps {
            for i in 0..<b { tokens[t * b + i] = t == 0 ? Self.sos : turns.targets[i * steps + t - 1] }
        }
        return tokens
    }

    private func forward(_ turns: DialogueBatch) {
        encode(turns, capacity: targetSteps)
        let (b, h, v) = (batch, hiddenSize, outputVocabulary), steps = targetSteps, p = parameters.values
        let tokens = decoderInputs(turns)
        for t in 0..<steps { decoderStep(t, tokens: tokens + t * b, capacity: steps) }
        let hAll = work.floats("d.h", (steps + 1) * b * h)
        let logits = work.floats("logits", steps * b * v)
        linearForward(out: logits, input: hAll + b * h, weight: p + outWeight.offset, bias: p + outBias.offset, n: steps * b, c: h, oc: v)
        logSoftmaxForward(out: work.floats("logprobs", steps * b * v), input: logits, n: steps * b, classes: v)
    }

    /// NLL over the non-PAD targets; counts positions whose first largest logit is the target.
    private func lossForward(_ turns: DialogueBatch) -> StepMetrics {
        let (b, v) = (batch, outputVocabulary), steps = targetSteps
        let logProbs = work.floats("logprobs", steps * b * v)
        var sum = 0.0, count = 0, correct = 0
        for t in 0..<steps {
            for i in 0..<b {
                let label = turns.targets[i * steps + t]
                guard label != Self.pad else { continue }
                let row = logProbs + (t * b + i) * v
                sum -= Double(row[Int(label)])
                count += 1
                var best = 0
                for j in 1..<v where row[j] > row[best] { best = j }
                if best == Int(label) { correct += 1 }
            }
        }
        return StepMetrics(loss: count == 0 ? 0 : sum / Double(count), count: count, correct: correct)
    }

    private func backward(_ turns: DialogueBatch) {
        let (b, e, h, v) = (batch, embeddingSize, hiddenSize, outputVocabulary), steps = targetSteps, s = inputSteps
        let p = parameters.values, g = parameters.grads
        let count = turns.targets.reduce(0) { $0 + ($1 == Self.pad ? 0 : 1) }
        // d loss / d logits = (softmax − onehot) / count on the non-PAD rows.
        let dLogits = work.zeros("dlogits", steps * b * v), logProbs = work.floats("logprobs", steps * b * v)
        if count > 0 {
            let scale = 1 / Float(count)
            for t in 0..<steps {
                for i in 0..<b {
                    let label = turns.targets[i * steps + t]
                    guard label != Self.pad else { continue }
                    let row = (t * b + i) * v
                    for j in 0..<v { dLogits[row + j] = scale * Float(exp(Double(logProbs[row + j]))) }
                    dLogits[row + Int(label)] -= scale
                }
            }
        }
        let hAll = work.floats("d.h", (steps + 1) * b * h), cAll = work.floats("d.c", (steps + 1) * b * h)
        let dHidden = work.zeros("d.dh", steps * b * h)
        linearBackward(dInput: dHidden, dWeight: g + outWeight.offset, dBias: g + outBias.offset, dOut: dLogits, input: hAll + b * h,
                       weight: p + outWeight.offset, n: steps * b, c: h, oc: v)
        let dEnc = work.zeros("denc", s * b * h), dEncProj = work.zeros("dencproj", s * b * h)
        let dhNext = work.zeros("d.dhnext", b * h), dcNext = work.zeros("d.dcnext", b * h)
        let dhTotal = work.floats("d.dhtotal", b * h)
        let dy = work.zeros("dy", steps * b * e)
        let dInput = work.floats("d.dx", b * (e + h))
        let tokens = work.ints("ytok", steps * b)
        let lengthsOne = work.ints("ones", b)
        for i in 0..<b { lengthsOne[i] = 1 }
        for t in stride(from: steps - 1, through: 0, by: -1) {
            for j in 0..<(b * h) { dhTotal[j] = dHidden[t * b * h + j] + dhNext[j] }
            dInput.update(repeating: 0, count: b * (e + h))
            packedLSTMBackward(dInput: dInput, dWeightIH: g + decoderLSTM.weightIH.offset, dWeightHH: g + decoderLSTM.weightHH.offset,
                               dBiasIH: g + decoderLSTM.biasIH.offset, dBiasHH: g + decoderLSTM.biasHH.offset,
                               dH0: dhNext, dC0: work.floats("d.dc0", b * h), dGates: work.floats("d.dgates", b * 4 * h),
                               scratch: work.floats("dScratch", b * h), dOut: nil, dHFinal: dhTotal, dCFinal: dcNext,
                               input: work.floats("d.x", steps * b * (e + h)) + t * b * (e + h), lengths: lengthsOne,
                               h: hAll + t * b * h, c: cAll + t * b * h,
                               gates: work.floats("d.gates", steps * b * 4 * h) + t * b * 4 * h,
                               tanhC: work.floats("d.tanhC", steps * b * h) + t * b * h,
                               weightIH: p + decoderLSTM.weightIH.offset, weightHH: p + decoderLSTM.weightHH.offset,
                               steps: 1, batch: b, inputSize: e + h, hidden: h)
            dcNext.update(from: work.floats("d.dc0", b * h), count: b * h)
            // Split d input into the embedding's and the context's parts.
            let dContext = work.floats("d.dctx", b * h)
            for i in 0..<b {
                (dy + (t * b + i) * e).update(from: dInput + i * (e + h), count: e)
                (dContext + i * h).update(from: dInput + i * (e + h) + e, count: h)
            }
            attentionBackward(dHPrev: dhNext, dEncoder: dEnc, dEncProjection: dEncProj, dWeight: g + attentionWeight.offset,
                              dV: g + attentionV.offset, dZ: work.floats("d.dz", s * b * h), dScores: work.floats("d.dscores", b * s),
                              dHProjection: work.floats("d.dhproj", b * h), dContext: dContext, hPrev: hAll + t * b * h,
                              encoder: work.floats("enc", s * b * h), z: work.floats("d.z", steps * s * b * h) + t * s * b * h,
                              weights: work.floats("d.a", steps * b * s) + t * b * s, weight: p + attentionWeight.offset,
                              v: p + attentionV.offset, steps: s, batch: b, hidden: h)
        }
        embeddingBackward(dWeight: g + decoderEmbedding.offset, dOut: dy, tokens: tokens, n: steps * b, dim: e)
        attentionProjectEncoderBackward(dEncoder: dEnc, dWeight: g + attentionWeight.offset, dBias: g + attentionBias.offset,
                                        dProjection: dEncProj, encoder: work.floats("enc", s * b * h), weight: p + attentionWeight.offset,
                                        steps: s, batch: b, hidden: h)
        // Policy: h0 = tanh(pre); dhNext now holds d loss / d h0 and dcNext d loss / d c0 = d c_n.
        let rows = s * b
        let h0 = hAll, dPre = work.zeros("dpre", b * h)
        tanhBackward(dInput: dPre, dOut: dhNext, out: h0, count: b * h)
        let hn = work.floats("e0.h", rows * h + b * h) + rows * h
        gemm(transA: true, transB: false, m: h, n: h, k: b, alpha: 1, a: dPre, lda: h, b: hn, ldb: h, beta: 1, c: g + policyU.offset, ldc: h)
        let dhn = work.floats("dhn", b * h)
        gemm(transA: false, transB: false, m: b, n: h, k: h, alpha: 1, a: dPre, lda: h, b: p + policyU.offset, ldb: h, beta: 0, c: dhn, ldc: h)
        let ddb = work.zeros("ddb", b * dbSize), dbs = work.zeros("dbs", b * bsSize)
        turns.db.withUnsafeBufferPointer {
            gemm(transA: true, transB: false, m: h, n: dbSize, k: b, alpha: 1, a: dPre, lda: h, b: $0.baseAddress!, ldb: dbSize, beta: 1,
                 c: g + policyDB.offset, ldc: dbSize)
        }
        turns.bs.withUnsafeBufferPointer {
            gemm(transA: true, transB: false, m: h, n: bsSize, k: b, alpha: 1, a: dPre, lda: h, b: $0.baseAddress!, ldb: bsSize, beta: 1,
                 c: g + policyBS.offset, ldc: bsSize)
        }
        gemm(transA: false, transB: false, m: b, n: dbSize, k: h, alpha: 1, a: dPre, lda: h, b: p + policyDB.offset, ldb: dbSize, beta: 0,
             c: ddb, ldc: dbSize)
        gemm(transA: false, transB: false, m: b, n: bsSize, k: h, alpha: 1, a: dPre, lda: h, b: p + policyBS.offset, ldb: bsSize, beta: 0,
             c: dbs, ldc: bsSize)
        let dcn = work.floats("dcn", b * h)
        dcn.update(from: dcNext, count: b * h)
        // Encoder.
        let x = work.floats("x", rows * e), lengths = work.ints("xlen", b)
        let dx = work.zeros("dx", rows * e)
        lstmBackward("e0", encoderLSTM[0], dInput: dx, dOut: dEnc, dHFinal: dhn, dCFinal: dcn, input: x, lengths: lengths, steps: s,
                     inputSize: e)
        if bidirectional {
            let dReversed = work.floats("dencrev", rows * h)
            reverseWithinLengths(dReversed, dEnc, lengths: lengths, steps: s, batch: b, width: h)
            let dxr = work.zeros("dxr", rows * e)
            lstmBackward("e1", encoderLSTM[1], dInput: dxr, dOut: dReversed, dHFinal: nil, dCFinal: nil, input: work.floats("xr", rows * e),
                         lengths: lengths, steps: s, inputSize: e)
            addReversedWithinLengths(dx, dxr, lengths: lengths, steps: s, batch: b, width: e)
        }
        // padding_idx: the PAD row gets no gradient from the lookup.
        let encoderTokens = work.ints("xtok", rows), dWeight = g + encoderEmbedding.offset
        for row in 0..<rows where encoderTokens[row] != Self.pad {
            addRow(dWeight + Int(encoderTokens[row]) * e, dx + row * e, e)
        }
    }

    // MARK: - Greedy decoding

    /// Generates `maxLength` tokens per turn of `batch` from SOS, feeding back the argmax (the original's
    /// `greedy_decode`), and returns each turn's tokens up to its first EOS (excluded).
    public func greedyDecode(_ batch: Batch) throws -> [[Int32]] {
        let turns = try load(batch)
        encode(turns, capacity: 1)
        let (b, h, v) = (self.batch, hiddenSize, outputVocabulary), p = parameters.values
        let tokens = work.ints("greedy.tok", b)
        for i in 0..<b { tokens[i] = Self.sos }
        var decoded = [[Int32]](repeating: [], count: b)
        var finished = [Bool](repeating: false, count: b)
        let logits = work.floats("greedy.logits", b * v)
        // The state moves between slots 0 and 1 of "d.h"/"d.c" (capacity 1).
        let hAll = work.floats("d.h", 2 * b * h), cAll = work.floats("d.c", 2 * b * h)
        for _ in 0..<maxLength {
            decoderStep(0, tokens: tokens, capacity: 1)
            linearForward(out: logits, input: hAll + b * h, weight: p + outWeight.offset, bias: p + outBias.offset, n: b, c: h, oc: v)
            for i in 0..<b {
                let row = logits + i * v
                var best = 0
                for j in 1..<v where row[j] > row[best] { best = j }
                tokens[i] = Int32(best)
                if !finished[i] {
                    if Int32(best) == Self.eos { finished[i] = true } else { decoded[i].append(Int32(best)) }
                }
            }
            hAll.update(from: hAll + b * h, count: b * h)
            cAll.update(from: cAll + b * h, count: b * h)
            if finished.allSatisfy({ $0 }) { break }
        }
        return decoded
    }
}
