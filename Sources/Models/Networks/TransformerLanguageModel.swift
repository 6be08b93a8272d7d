// Decoder-only transformer language models: `transformer_lm` (GPT-2 style: pre-LN blocks, final
// LayerNorm, LM head tied to the token embedding) and `roberta_lm` (RoBERTa as transformers'
// RobertaForCausalLM builds it with is_decoder: post-LN blocks, embedding LayerNorm, one token-type row,
// position ids counted from padding_idx + 1, LM head dense → GELU → LayerNorm → tied decoder + bias).
// Every window is independent: no state is carried between windows.
//
// Sizes: B = sequences, T = positions per sequence, R = B·T rows (row b·T + t), C = width, F = FFN
// width, NH = heads, V = vocabulary, R' = rows that have a target (the LM head runs on those only).

/// The shape and wiring of a `TransformerLanguageModel`.
public struct TransformerShape: Equatable, Sendable {
    /// Where LayerNorm sits in a block.
    public enum Layout: String, Sendable {
        /// GPT-2: `x + attn(LN(x))`, `x + ffn(LN(x))`, a final LayerNorm before the head.
        case preNorm
        /// BERT/RoBERTa: `LN(x + attn(x))`, `LN(x + ffn(x))`, LayerNorm on the embeddings.
        case postNorm
    }

    public var vocabulary: Int
    public var width: Int
    public var layers: Int
    public var heads: Int
    /// FFN inner width (RoBERTa's `intermediate_size`; 4·width in GPT-2).
    public var ffn: Int
    /// Rows of the position table (RoBERTa's `max_position_embeddings`, which counts padding_idx + 1
    /// offset rows: 514 for a context of 512).
    public var positions: Int
    /// Window length the worker cuts token streams into.
    public var context: Int
    public var layout: Layout
    public var eps: Float
    /// Dropout on the embeddings and on each sub-block's output before the residual sum.
    public var dropout: Float
    /// Dropout on the attention probabilities.
    public var attentionDropout: Float
    /// RoBERTa: the pad token, which is also the position table's padding_idx (positions count from
    /// padding_idx + 1, pads sit at padding_idx and their lookups get no gradient). nil: positions are 0..<T.
    public var paddingIndex: Int32?
    /// Whether token `paddingIndex` is a pad (RoBERTa's own ids). False for a word corpus trained with
    /// RoBERTa's layout: positions still start at padding_idx + 1, but no token is a pad.
    public var padsInTokens: Bool

    public init(vocabulary: Int, width: Int, layers: Int, heads: Int, ffn: Int, positions: Int, context: Int,
                layout: Layout, eps: Float = 1e-5, dropout: Float = 0, attentionDropout: Float = 0, paddingIndex: Int32? = nil,
                padsInTokens: Bool = true) {
        self.vocabulary = vocabulary
        self.width = width
        self.layers = layers
        self.heads = heads
        self.ffn = ffn
        self.positions = positions
        self.context = context
        self.layout = layout
        self.eps = eps
        self.dropout = dropout
        self.attentionDropout = attentionDropout
        self.paddingIndex = paddingIndex
        self.padsInTokens = padsInTokens
    }

    /// The largest window the position table allows.
    public var maxContext: Int { paddingIndex.map { positions - Int($0) - 1 } ?? positions }
}

/// A decoder-only transformer over windows of token streams (`Batch.tokens`), or over explicit
/// (sequences, positions) token arrays with `step(tokens:targets:…)`.
public final class TransformerLanguageModel: Network {
    public let name: String
    public var objective: Objective { .languageModel }
    public let parameters: ParameterBlock
    public let buffers = BufferBlock(TensorLayout())
    public var bptt: Int? { shape.context }
    public let shape: TransformerShape
    /// Whether the worker writes the trained weights (`saveCheckpoint`) when the run ends ok (key `save_weights`).
    public var savesWeights = false

    /// The tensors of one block.
    struct Block {
        var ln1Weight: TensorSlot, ln1Bias: TensorSlot
        var query: TensorSlot, queryBias: TensorSlot, key: TensorSlot, keyBias: TensorSlot
        var value: TensorSlot, valueBias: TensorSlot, proj: TensorSlot, projBias: TensorSlot
        var ln2Weight: TensorSlot, ln2Bias: TensorSlot
        var fc: TensorSlot, fcBias: TensorSlot, fc2: TensorSlot, fc2Bias: TensorSlot
    }

    let word: TensorSlot, position: TensorSlot
    /// RoBERTa only: the token-type table (one row used) and the embedding LayerNorm.
    let tokenType: TensorSlot?, embeddingNorm: (weight: TensorSlot, bias: TensorSlot)?
    let blocks: [Block]
    /// GPT: the final LayerNorm. RoBERTa: the head's LayerNorm.
    let finalNorm: (weight: TensorSlot, bias: TensorSlot)
    /// RoBERTa only: the head's dense layer and the decoder bias.
    let headDense: (weight: TensorSlot, bias: TensorSlot)?, headBias: TensorSlot?

    private var dropoutGenerator: SeededGenerator
    private var work = Workspace(batch: 0, steps: 0, shape: nil)
    private var batch = 0, steps = 0, targetRows = 0

    // MARK: - Construction

    /// A model of `shape`, named like transformers' state dict for the post-norm (RoBERTa) layout and
    /// like GPT-2's modules for the pre-norm one, initialised from `seed` (stream `"init"`) as both do:
    /// weights and embeddings N(0, 0.02²), biases 0, LayerNorms 1 and 0; GPT-2 scales the residual
    /// projections by 1/√(2·layers); RoBERTa zeroes the padding rows.
    public init(name: String, shape: TransformerShape, seed: UInt64) throws {
        for (value, what) in [(shape.vocabulary, "vocabulary"), (shape.width, "width"), (shape.layers, "layers"), (shape.heads, "heads"),
                              (shape.ffn, "ffn"), (shape.positions, "positions"), (shape.context, "context")] where value < 1 {
            throw ArchitectureError(layer: name, "\(what) must be ≥ 1, got \(value)")
        }
        guard shape.width % shape.heads == 0 else {
            throw ArchitectureError(layer: name, "width \(shape.width) is not a multiple of heads \(shape.heads)")
        }
        guard shape.context <= shape.maxContext else {
            throw ArchitectureError(layer: name, "context \(shape.context) exceeds the \(shape.maxContext) positions of the position table")
        }
        for (p, what) in [(shape.dropout, "dropout"), (shape.attentionDropout, "attention dropout")] where !(0..<1).contains(p) {
            throw ArchitectureError(layer: name, "\(what) must be in [0, 1), got \(p)")
        }
        self.name = name
        self.shape = shape
        let (c, f, v) = (shape.width, shape.ffn, shape.vocabulary)
        var layout = TensorLayout()
        func linear(_ prefix: String, out: Int, in input: Int) -> (TensorSlot, TensorSlot) {
            (layout.add(prefix + ".weight", shape: [out, input]), layout.add(prefix + ".bias", shape: [out]))
        }
        func norm(_ prefix: String) -> (TensorSlot, TensorSlot) {
            (layout.add(prefix + ".weight", shape: [c]), layout.add(prefix + ".bias", shape: [c]))
        }
        var blocks: [Block] = []
        switch shape.layout {
        case .postNorm:
            word = layout.add("roberta.embeddings.word_embeddings.weight", shape: [v, c])
            position = layout.add("roberta.embeddings.position_embeddings.weight", shape: [shape.positions, c])
            tokenType = layout.add("roberta.embeddings.token_type_embeddings.weight", shape: [1, c])
            embeddingNorm = norm("roberta.embeddings.LayerNorm")
            for i in 0..<shape.layers {
                let p = "roberta.encoder.layer.\(i)"
                let q = linear(p + ".attention.self.query", out: c, in: c), k = linear(p + ".attention.self.key", out: c, in: c)
                let val = linear(p + ".attention.self.value", out: c, in: c), o = linear(p + ".attention.output.dense", out: c, in: c)
                let n1 = norm(p + ".attention.output.LayerNorm")
                let fc = linear(p + ".intermediate.dense", out: f, in: c), fc2 = linear(p + ".output.dense", out: c, in: f)
                let n2 = norm(p + ".output.LayerNorm")
                blocks.append(Block(ln1Weight: n1.0, ln1Bias: n1.1, query: q.0, queryBias: q.1, key: k.0, keyBias: k.1,
                                    value: val.0, valueBias: val.1, proj: o.0, projBias: o.1, ln2Weight: n2.0, ln2Bias: n2.1,
                                    fc: fc.0, fcBias: fc.1, fc2: fc2.0, fc2Bias: fc2.1))
            }
            headBias = layout.add("lm_head.bias", shape: [v])
            headDense = linear("lm_head.dense", out: c, in: c)
            finalNorm = norm("lm_head.layer_norm")
        case .preNorm:
            word = layout.add("wte.weight", shape: [v, c])
            position = layout.add("wpe.weight", shape: [shape.positions, c])
            tokenType = nil
            embeddingNorm = nil
            for i in 0..<shape.layers {
                let p = "h.\(i)"
                let n1 = norm(p + ".ln_1")
                let q = linear(p + ".attn.query", out: c, in: c), k = linear(p + ".attn.key", out: c, in: c)
                let val = linear(p + ".attn.value", out: c, in: c), o = linear(p + ".attn.proj", out: c, in: c)
                let n2 = norm(p + ".ln_2")
                let fc = linear(p + ".mlp.fc", out: f, in: c), fc2 = linear(p + ".mlp.proj", out: c, in: f)
                blocks.append(Block(ln1Weight: n1.0, ln1Bias: n1.1, query: q.0, queryBias: q.1, key: k.0, keyBias: k.1,
                                    value: val.0, valueBias: val.1, proj: o.0, projBias: o.1, ln2Weight: n2.0, ln2Bias: n2.1,
                                    fc: fc.0, fcBias: fc.1, fc2: fc2.0, fc2Bias: fc2.1))
            }
            finalNorm = norm("ln_f")
            headDense = nil
            headBias = nil
        }
        self.blocks = blocks
        parameters = ParameterBlock(layout)
        dropoutGenerator = SeededGenerator(seed: seed, stream: "dropout")

        var generator = SeededGenerator(seed: seed, stream: "init")
        let residualScale = shape.layout == .preNorm ? 1 / Double(2 * shape.layers).squareRoot() : 1
        let ones = [finalNorm.weight] + blocks.flatMap { [$0.ln1Weight, $0.ln2Weight] } + (embeddingNorm.map { [$0.weight] } ?? [])
        let residualProjections = blocks.flatMap { [$0.proj, $0.fc2] }
        for slot in parameters.slots {
            if ones.contains(slot) {
                parameters.fill(slot, with: 1)
            } else if slot.shape.count == 1 {
                parameters.fill(slot, with: 0)
            } else {
                parameters.fillNormal(slot, std: 0.02 * (residualProjections.contains(slot) ? residualScale : 1), using: &generator)
            }
        }
        if let pad = shape.paddingIndex {
            for slot in [word, position] where Int(pad) < slot.shape[0] {
                (parameters.values + slot.offset + Int(pad) * c).update(repeating: 0, count: c)
            }
        }
    }

    // MARK: - Network

    public func trainStep(_ batch: Batch) throws -> StepMetrics {
        let (tokens, targets, sequences, length) = try windowArrays(batch)
        return try step(tokens: tokens, targets: targets, sequences: sequences, steps: length, training: true)
    }

    public func evaluate(_ batch: Batch) throws -> StepMetrics {
        let (tokens, targets, sequences, length) = try windowArrays(batch)
        return try step(tokens: tokens, targets: targets, sequences: sequences, steps: length, training: false)
    }

    public func resetState(_ phase: Phase) {}

    public func saveState() -> NetworkState {
        NetworkState(network: name, generators: [NamedGenerator("dropout", dropoutGenerator)])
    }

    public func restoreState(_ state: NetworkState) throws {
        guard state.network == name else { throw NetworkError.stateMismatch(network: name, "the state was saved by \(state.network)") }
        dropoutGenerator = try state.generator("dropout")
    }

    /// A token window (T, S) as sequences: (S, T) tokens and targets.
    private func windowArrays(_ batch: Batch) throws -> ([Int32], [Int32], Int, Int) {
        guard case let .tokens(window) = batch else { throw NetworkError.wrongBatchKind(network: name, expected: "tokens") }
        let (t, s) = (window.steps, window.streams)
        guard t * s >= 1 else { throw NetworkError.emptyBatch(network: name) }
        guard window.inputs.count == t * s, window.targets.count == t * s else {
            throw NetworkError.targetCountMismatch(network: name, what: "tokens", got: min(window.inputs.count, window.targets.count), expected: t * s)
        }
        var tokens = [Int32](repeating: 0, count: t * s), targets = tokens
        for step in 0..<t {
            for stream in 0..<s {
                tokens[stream * t + step] = window.inputs[step * s + stream]
                targets[stream * t + step] = window.targets[step * s + stream]
            }
        }
        return (tokens, targets, s, t)
    }

    // MARK: - Steps on explicit sequences

    /// One forward (and, when training, backward) over `sequences` sequences of `steps` tokens each,
    /// row-major (sequence b, position t at b·steps + t). `targets` has the same shape; a negative
    /// target marks a position without one (RoBERTa's shifted labels leave the last position out). The
    /// loss is the mean cross-entropy over the positions with targets.
    public func step(tokens: [Int32], targets: [Int32], sequences: Int, steps: Int, training: Bool) throws -> StepMetrics {
        let rows = sequences * steps
        guard rows >= 1 else { throw NetworkError.emptyBatch(network: name) }
        guard tokens.count == rows, targets.count == rows else {
            throw NetworkError.targetCountMismatch(network: name, what: "tokens and targets", got: min(tokens.count, targets.count), expected: rows)
        }
        guard steps <= shape.maxContext else {
            throw ArchitectureError(layer: name, "a sequence of \(steps) tokens exceeds the \(shape.maxContext) positions of the position table")
        }
        if let bad = tokens.firstIndex(where: { $0 < 0 || Int($0) >= shape.vocabulary }) {
            throw NetworkError.tokenOutOfRange(network: name, index: bad, token: tokens[bad], vocabulary: shape.vocabulary)
        }
        if let bad = targets.firstIndex(where: { Int($0) >= shape.vocabulary }) {
            throw NetworkError.tokenOutOfRange(network: name, index: bad, token: targets[bad], vocabulary: shape.vocabulary)
        }
        if sequences > work.batch || steps > work.steps || work.shape == nil {
            work = Workspace(batch: max(sequences, work.batch), steps: max(steps, work.steps), shape: shape)
        }
        batch = sequences
        self.steps = steps
        work.tokens.copy(from: tokens)
        var kept = 0
        for (row, target) in targets.enumerated() where target >= 0 {
            work.rowIndex.pointer[kept] = Int32(row)
            work.labels.pointer[kept] = target
            kept += 1
        }
        targetRows = kept
        for b in 0..<sequences {
            if let pad = shape.paddingIndex, !shape.padsInTokens {
                for t in 0..<steps { work.positions.pointer[b * steps + t] = pad + 1 + Int32(t) }
            } else if let pad = shape.paddingIndex {
                robertaPositions(out: work.positions.pointer + b * steps, tokens: work.tokens.pointer + b * steps, count: steps, paddingIndex: pad)
            } else {
                for t in 0..<steps { work.positions.pointer[b * steps + t] = Int32(t) }
            }
        }
        forward(training: training)
        guard kept > 0 else { return StepMetrics(loss: 0, count: 0) }
        let (lossSum, correct) = softmaxCrossEntropyForward(probs: work.probs.pointer, logits: work.logits.pointer,
                                                            labels: work.labels.pointer, n: kept, classes: shape.vocabulary)
        if training {
            parameters.zeroGrads()
            backward()
        }
        return StepMetrics(loss: lossSum / Double(kept), count: kept, correct: correct)
    }

    /// The last step's logits at the positions with targets, (R', V) in row order.
    public func outputs() -> [Float] { work.logits.array(0..<(targetRows * shape.vocabulary)) }

    /// d loss / d token-embedding output of the last training step, (B, T, C) (before position
    /// embeddings are added, which has the same gradient).
    public func embeddingGradient() -> [Float] { work.dEmbedded.array(0..<(batch * steps * shape.width)) }

    // MARK: - Forward

    private func forward(training: Bool) {
        let p = parameters.values
        let (c, f, v) = (shape.width, shape.ffn, shape.vocabulary)
        let rows = batch * steps
        tokenPositionEmbeddingForward(out: work.embedded.pointer, tokens: work.tokens.pointer, positions: work.positions.pointer,
                                      word: p + word.offset, position: p + position.offset,
                                      typeRow: tokenType.map { UnsafePointer(p + $0.offset) }, n: rows, dim: c)
        if let embeddingNorm {
            layerNormForward(out: work.embeddedNorm.pointer, mean: work.embeddedMean.pointer, rstd: work.embeddedRstd.pointer,
                             input: work.embedded.pointer, weight: p + embeddingNorm.weight.offset, bias: p + embeddingNorm.bias.offset,
                             n: rows, c: c, eps: shape.eps)
            drop(work.x[0].pointer, work.embeddedNorm.pointer, work.embeddedMask, rows * c, training)
        } else {
            drop(work.x[0].pointer, work.embedded.pointer, work.embeddedMask, rows * c, training)
        }
        for (l, block) in blocks.enumerated() {
            let a = work.layers[l], x = work.x[l].pointer, next = work.x[l + 1].pointer
            func norm(_ out: AlignedBuffer<Float>, _ mean: AlignedBuffer<Float>, _ rstd: AlignedBuffer<Float>, _ input: UnsafePointer<Float>,
                      _ weight: TensorSlot, _ bias: TensorSlot) {
                layerNormForward(out: out.pointer, mean: mean.pointer, rstd: rstd.pointer, input: input, weight: p + weight.offset,
                                 bias: p + bias.offset, n: rows, c: c, eps: shape.eps)
            }
            // Attention sub-block; its input is x (post-norm) or LN1(x) (pre-norm).
            let attentionInput: UnsafePointer<Float>
            if shape.layout == .preNorm {
                norm(a.ln1, a.ln1Mean, a.ln1Rstd, x, block.ln1Weight, block.ln1Bias)
                attentionInput = UnsafePointer(a.ln1.pointer)
            } else {
                attentionInput = UnsafePointer(x)
            }
            linearForward(out: a.q.pointer, input: attentionInput, weight: p + block.query.offset, bias: p + block.queryBias.offset, n: rows, c: c, oc: c)
            linearForward(out: a.k.pointer, input: attentionInput, weight: p + block.key.offset, bias: p + block.keyBias.offset, n: rows, c: c, oc: c)
            linearForward(out: a.v.pointer, input: attentionInput, weight: p + block.value.offset, bias: p + block.valueBias.offset, n: rows, c: c, oc: c)
            let attentionDrop = training && shape.attentionDropout > 0
            if attentionDrop {
                dropoutMask(a.probsMask.pointer, count: batch * shape.heads * steps * steps, p: shape.attentionDropout, using: &dropoutGenerator)
            }
            attentionForward(out: a.context.pointer, probs: a.probs.pointer, q: a.q.pointer, k: a.k.pointer, v: a.v.pointer, keyMask: nil,
                             dropoutMask: attentionDrop ? a.probsMask.pointer : nil, dropped: attentionDrop ? a.probsDropped.pointer : nil,
                             batch: batch, steps: steps, channels: c, heads: shape.heads)
            linearForward(out: a.proj.pointer, input: a.context.pointer, weight: p + block.proj.offset, bias: p + block.projBias.offset, n: rows, c: c, oc: c)
            drop(a.projDropped.pointer, a.proj.pointer, a.projMask, rows * c, training)
            residualAddForward(out: a.residual1.pointer, a: x, b: a.projDropped.pointer, count: rows * c)
            // FFN sub-block; its input is LN1(residual1) (post-norm) or LN2(residual1) (pre-norm).
            let ffnInput: UnsafePointer<Float>
            if shape.layout == .preNorm {
                norm(a.ln2, a.ln2Mean, a.ln2Rstd, a.residual1.pointer, block.ln2Weight, block.ln2Bias)
                ffnInput = UnsafePointer(a.ln2.pointer)
            } else {
                norm(a.ln1, a.ln1Mean, a.ln1Rstd, a.residual1.pointer, block.ln1Weight, block.ln1Bias)
                ffnInput = UnsafePointer(a.ln1.pointer)
            }
            linearForward(out: a.fc.pointer, input: ffnInput, weight: p + block.fc.offset, bias: p + block.fcBias.offset, n: rows, c: c, oc: f)
            geluForward(out: a.act.pointer, input: a.fc.pointer, count: rows * f)
            linearForward(out: a.fc2.pointer, input: a.act.pointer, weight: p + block.fc2.offset, bias: p + block.fc2Bias.offset, n: rows, c: f, oc: c)
            drop(a.fc2Dropped.pointer, a.fc2.pointer, a.fc2Mask, rows * c, training)
            if shape.layout == .preNorm {
                residualAddForward(out: next, a: a.residual1.pointer, b: a.fc2Dropped.pointer, count: rows * c)
            } else {
                residualAddForward(out: a.residual2.pointer, a: ffnInput, b: a.fc2Dropped.pointer, count: rows * c)
                norm(work.x[l + 1], a.ln2Mean, a.ln2Rstd, a.residual2.pointer, block.ln2Weight, block.ln2Bias)
            }
        }
        // Trunk output, then the rows with targets.
        let last = work.x[shape.layers].pointer
        let trunk: UnsafePointer<Float>
        if shape.layout == .preNorm {
            layerNormForward(out: work.final.pointer, mean: work.finalMean.pointer, rstd: work.finalRstd.pointer, input: last,
                             weight: p + finalNorm.weight.offset, bias: p + finalNorm.bias.offset, n: rows, c: c, eps: shape.eps)
            trunk = UnsafePointer(work.final.pointer)
        } else {
            trunk = UnsafePointer(last)
        }
        let kept = targetRows
        for i in 0..<kept { (work.headInput.pointer + i * c).update(from: trunk + Int(work.rowIndex.pointer[i]) * c, count: c) }
        if let headDense {
            linearForward(out: work.headDense.pointer, input: work.headInput.pointer, weight: p + headDense.weight.offset,
                          bias: p + headDense.bias.offset, n: kept, c: c, oc: c)
            geluForward(out: work.headAct.pointer, input: work.headDense.pointer, count: kept * c)
            layerNormForward(out: work.headNorm.pointer, mean: work.finalMean.pointer, rstd: work.finalRstd.pointer, input: work.headAct.pointer,
                             weight: p + finalNorm.weight.offset, bias: p + finalNorm.bias.offset, n: kept, c: c, eps: shape.eps)
            linearForward(out: work.logits.pointer, input: work.headNorm.pointer, weight: p + word.offset,
                          bias: headBias.map { UnsafePointer(p + $0.offset) }, n: kept, c: c, oc: v)
        } else {
            linearForward(out: work.logits.pointer, input: work.headInput.pointer, weight: p + word.offset, bias: nil, n: kept, c: c, oc: v)
        }
    }

    /// Dropout with the hidden rate, or a copy outside training (or at rate 0).
    private func drop(_ out: UnsafeMutablePointer<Float>, _ input: UnsafePointer<Float>, _ mask: AlignedBuffer<Float>, _ count: Int,
                      _ training: Bool) {
        if training && shape.dropout > 0 {
            dropoutMask(mask.pointer, count: count, p: shape.dropout, using: &dropoutGenerator)
            dropoutForward(out: out, input: input, mask: mask.pointer, count: count)
        } else {
            out.update(from: input, count: count)
        }
    }

    /// `dInput += dOut ⊙ mask` (or `+= dOut` without dropout).
    private func dropBackward(_ dInput: UnsafeMutablePointer<Float>, _ dOut: UnsafePointer<Float>, _ mask: AlignedBuffer<Float>, _ count: Int) {
        if shape.dropout > 0 {
            dropoutBackward(dInput: dInput, dOut: dOut, mask: mask.pointer, count: count)
        } else {
            residualAddBackward(dA: dInput, dB: nil, dOut: dOut, count: count)
        }
    }

    // MARK: - Backward

    private func backward() {
        let p = parameters.values, g = parameters.grads
        let (c, f, v) = (shape.width, shape.ffn, shape.vocabulary)
        let rows = batch * steps, kept = targetRows, rc = rows * c
        let s = work.scratch
        zeroElements(work.dLogits.pointer, kept * v)
        softmaxCrossEntropyBackward(dLogits: work.dLogits.pointer, probs: work.probs.pointer, labels: work.labels.pointer,
                                    n: kept, classes: v, scale: 1 / Float(kept))
        // Head, back to the rows with targets.
        zeroElements(s.dHeadInput.pointer, kept * c)
        if let headDense {
            zeroElements(s.dHeadNorm.pointer, kept * c)
            zeroElements(s.dHeadAct.pointer, kept * c)
            zeroElements(s.dHeadDense.pointer, kept * c)
            linearBackward(dInput: s.dHeadNorm.pointer, dWeight: g + word.offset, dBias: headBias.map { g + $0.offset },
                           dOut: work.dLogits.pointer, input: work.headNorm.pointer, weight: p + word.offset, n: kept, c: c, oc: v)
            layerNormBackward(dInput: s.dHeadAct.pointer, dWeight: g + finalNorm.weight.offset, dBias: g + finalNorm.bias.offset,
                              dOut: s.dHeadNorm.pointer, input: work.headAct.pointer, weight: p + finalNorm.weight.offset,
                              mean: work.finalMean.pointer, rstd: work.finalRstd.pointer, n: kept, c: c)
            geluBackward(dInput: s.dHeadDense.pointer, dOut: s.dHeadAct.pointer, input: work.headDense.pointer, count: kept * c)
            linearBackward(dInput: s.dHeadInput.pointer, dWeight: g + headDense.weight.offset, dBias: g + headDense.bias.offset,
                           dOut: s.dHeadDense.pointer, input: work.headInput.pointer, weight: p + headDense.weight.offset, n: kept, c: c, oc: c)
        } else {
            linearBackward(dInput: s.dHeadInput.pointer, dWeight: g + word.offset, dBias: nil, dOut: work.dLogits.pointer,
                           input: work.headInput.pointer, weight: p + word.offset, n: kept, c: c, oc: v)
        }
        var dCur = s.dX0.pointer, dPrev = s.dX1.pointer
        zeroElements(dCur, rc)
        if shape.layout == .preNorm {
            zeroElements(s.dA.pointer, rc)
            for i in 0..<kept { addRow(s.dA.pointer + Int(work.rowIndex.pointer[i]) * c, s.dHeadInput.pointer + i * c, c) }
            layerNormBackward(dInput: dCur, dWeight: g + finalNorm.weight.offset, dBias: g + finalNorm.bias.offset, dOut: s.dA.pointer,
                              input: work.x[shape.layers].pointer, weight: p + finalNorm.weight.offset,
                              mean: work.finalMean.pointer, rstd: work.finalRstd.pointer, n: rows, c: c)
        } else {
            for i in 0..<kept { addRow(dCur + Int(work.rowIndex.pointer[i]) * c, s.dHeadInput.pointer + i * c, c) }
        }
        // Blocks, last first: dCur holds d/d x[l + 1]; dPrev receives d/d x[l].
        for l in stride(from: shape.layers - 1, through: 0, by: -1) {
            let block = blocks[l], a = work.layers[l], x = work.x[l].pointer
            func normBack(_ dInput: UnsafeMutablePointer<Float>, _ dOut: UnsafePointer<Float>, _ input: UnsafePointer<Float>,
                          _ weight: TensorSlot, _ bias: TensorSlot, _ mean: AlignedBuffer<Float>, _ rstd: AlignedBuffer<Float>) {
                layerNormBackward(dInput: dInput, dWeight: g + weight.offset, dBias: g + bias.offset, dOut: dOut, input: input,
                                  weight: p + weight.offset, mean: mean.pointer, rstd: rstd.pointer, n: rows, c: c)
            }
            for buffer in [s.dA, s.dB, s.dE, s.dContext, s.dQ, s.dK, s.dV] { zeroElements(buffer.pointer, rc) }
            zeroElements(s.dAct.pointer, rows * f)
            zeroElements(s.dFc.pointer, rows * f)
            zeroElements(dPrev, rc)
            // dB: d/d residual1. dA: d/d FFN input (post-norm: LN1 output; pre-norm: LN2 output).
            let ffnInput = shape.layout == .preNorm ? a.ln2.pointer : a.ln1.pointer
            let dFc2Out: UnsafePointer<Float>
            if shape.layout == .preNorm {
                residualAddBackward(dA: s.dB.pointer, dB: nil, dOut: dCur, count: rc)
                dFc2Out = UnsafePointer(dCur)
            } else {
                // residual2 = ffnInput + drop(fc2): LN2's input gradient goes to both.
                normBack(s.dE.pointer, dCur, a.residual2.pointer, block.ln2Weight, block.ln2Bias, a.ln2Mean, a.ln2Rstd)
                residualAddBackward(dA: s.dA.pointer, dB: nil, dOut: s.dE.pointer, count: rc)
                dFc2Out = UnsafePointer(s.dE.pointer)
            }
            zeroElements(s.dFc2.pointer, rc)
            dropBackward(s.dFc2.pointer, dFc2Out, a.fc2Mask, rc)
            linearBackward(dInput: s.dAct.pointer, dWeight: g + block.fc2.offset, dBias: g + block.fc2Bias.offset, dOut: s.dFc2.pointer,
                           input: a.act.pointer, weight: p + block.fc2.offset, n: rows, c: f, oc: c)
            geluBackward(dInput: s.dFc.pointer, dOut: s.dAct.pointer, input: a.fc.pointer, count: rows * f)
            linearBackward(dInput: s.dA.pointer, dWeight: g + block.fc.offset, dBias: g + block.fcBias.offset, dOut: s.dFc.pointer,
                           input: ffnInput, weight: p + block.fc.offset, n: rows, c: c, oc: f)
            if shape.layout == .preNorm {
                normBack(s.dB.pointer, s.dA.pointer, a.residual1.pointer, block.ln2Weight, block.ln2Bias, a.ln2Mean, a.ln2Rstd)
            } else {
                normBack(s.dB.pointer, s.dA.pointer, a.residual1.pointer, block.ln1Weight, block.ln1Bias, a.ln1Mean, a.ln1Rstd)
            }
            // residual1 = x + drop(proj(attention)).
            residualAddBackward(dA: dPrev, dB: nil, dOut: s.dB.pointer, count: rc)
            zeroElements(s.dFc2.pointer, rc)
            dropBackward(s.dFc2.pointer, s.dB.pointer, a.projMask, rc)
            linearBackward(dInput: s.dContext.pointer, dWeight: g + block.proj.offset, dBias: g + block.projBias.offset, dOut: s.dFc2.pointer,
                           input: a.context.pointer, weight: p + block.proj.offset, n: rows, c: c, oc: c)
            let attentionDrop = shape.attentionDropout > 0
            attentionBackward(dQ: s.dQ.pointer, dK: s.dK.pointer, dV: s.dV.pointer, dProbs: s.dProbs.pointer, dOut: s.dContext.pointer,
                              q: a.q.pointer, k: a.k.pointer, v: a.v.pointer, probs: a.probs.pointer,
                              dropoutMask: attentionDrop ? a.probsMask.pointer : nil, dropped: attentionDrop ? a.probsDropped.pointer : nil,
                              batch: batch, steps: steps, channels: c, heads: shape.heads)
            let attentionInput = shape.layout == .preNorm ? a.ln1.pointer : x
            let dAttentionInput = shape.layout == .preNorm ? s.dE.pointer : dPrev
            if shape.layout == .preNorm { zeroElements(s.dE.pointer, rc) }
            for (d, weight, bias) in [(s.dQ, block.query, block.queryBias), (s.dK, block.key, block.keyBias), (s.dV, block.value, block.valueBias)] {
                linearBackward(dInput: dAttentionInput, dWeight: g + weight.offset, dBias: g + bias.offset, dOut: d.pointer,
                               input: attentionInput, weight: p + weight.offset, n: rows, c: c, oc: c)
            }
            if shape.layout == .preNorm {
                normBack(dPrev, s.dE.pointer, x, block.ln1Weight, block.ln1Bias, a.ln1Mean, a.ln1Rstd)
            }
            swap(&dCur, &dPrev)
        }
        // Embeddings.
        zeroElements(work.dEmbedded.pointer, rc)
        if let embeddingNorm {
            zeroElements(s.dA.pointer, rc)
            dropBackward(s.dA.pointer, dCur, work.embeddedMask, rc)
            layerNormBackward(dInput: work.dEmbedded.pointer, dWeight: g + embeddingNorm.weight.offset, dBias: g + embeddingNorm.bias.offset,
                              dOut: s.dA.pointer, input: work.embedded.pointer, weight: p + embeddingNorm.weight.offset,
                              mean: work.embeddedMean.pointer, rstd: work.embeddedRstd.pointer, n: rows, c: c)
        } else {
            dropBackward(work.dEmbedded.pointer, dCur, work.embeddedMask, rc)
        }
        tokenPositionEmbeddingBackward(dWord: g + word.offset, dPosition: g + position.offset, dTypeRow: tokenType.map { g + $0.offset },
                                       dOut: work.dEmbedded.pointer, tokens: work.tokens.pointer, positions: work.positions.pointer,
                                       paddingIndex: shape.padsInTokens ? shape.paddingIndex : nil, n: rows, dim: c)
    }
}

// MARK: - Buffers

/// Activations of one block, kept for the backward.
private struct BlockActivations {
    var ln1, ln1Mean, ln1Rstd, q, k, v, probs, probsMask, probsDropped, context, proj, projMask, projDropped: AlignedBuffer<Float>
    var residual1, ln2, ln2Mean, ln2Rstd, fc, act, fc2, fc2Mask, fc2Dropped, residual2: AlignedBuffer<Float>
}

/// Gradient buffers shared by all blocks (the backward visits one block at a time).
private struct GradientScratch {
    var dX0, dX1, dA, dB, dE, dFc2, dContext, dQ, dK, dV, dFc, dAct, dProbs: AlignedBuffer<Float>
    var dHeadInput, dHeadDense, dHeadAct, dHeadNorm: AlignedBuffer<Float>
}

/// Every buffer of a step, sized for `batch` sequences of `steps` tokens.
private struct Workspace {
    let batch: Int, steps: Int, shape: TransformerShape?
    var tokens, positions, labels, rowIndex: AlignedBuffer<Int32>
    var embedded, embeddedNorm, embeddedMean, embeddedRstd, embeddedMask, dEmbedded: AlignedBuffer<Float>
    /// x[0] the blocks' input, x[l + 1] block l's output.
    var x: [AlignedBuffer<Float>]
    var layers: [BlockActivations]
    var final, finalMean, finalRstd, headInput, headDense, headAct, headNorm, logits, probs, dLogits: AlignedBuffer<Float>
    var scratch: GradientScratch

    init(batch: Int, steps: Int, shape: TransformerShape?) {
        self.batch = batch
        self.steps = steps
        self.shape = shape
        let s = shape ?? TransformerShape(vocabulary: 0, width: 0, layers: 0, heads: 1, ffn: 0, positions: 0, context: 0, layout: .preNorm)
        let r = batch * steps, c = s.width, f = s.ffn, v = s.vocabulary
        let attention = batch * s.heads * steps * steps
        func floats(_ count: Int) -> AlignedBuffer<Float> { AlignedBuffer(count: count) }
        let hidden = s.dropout > 0, attentionDrop = s.attentionDropout > 0
        let post = s.layout == .postNorm
        tokens = AlignedBuffer(count: r)
        positions = AlignedBuffer(count: r)
        labels = AlignedBuffer(count: r)
        rowIndex = AlignedBuffer(count: r)
        embedded = floats(r * c)
        embeddedNorm = floats(post ? r * c : 0)
        embeddedMean = floats(post ? r : 0)
        embeddedRstd = floats(post ? r : 0)
        embeddedMask = floats(hidden ? r * c : 0)
        dEmbedded = floats(r * c)
        x = (0...s.layers).map { _ in floats(r * c) }
        layers = (0..<s.layers).map { _ in
            BlockActivations(ln1: floats(r * c), ln1Mean: floats(r), ln1Rstd: floats(r), q: floats(r * c), k: floats(r * c), v: floats(r * c),
                             probs: floats(attention), probsMask: floats(attentionDrop ? attention : 0),
                             probsDropped: floats(attentionDrop ? attention : 0), context: floats(r * c), proj: floats(r * c),
                             projMask: floats(hidden ? r * c : 0), projDropped: floats(r * c), residual1: floats(r * c),
                             ln2: floats(post ? 0 : r * c), ln2Mean: floats(r), ln2Rstd: floats(r), fc: floats(r * f), act: floats(r * f),
                             fc2: floats(r * c), fc2Mask: floats(hidden ? r * c : 0), fc2Dropped: floats(r * c),
                             residual2: floats(post ? r * c : 0))
        }
        final = floats(post ? 0 : r * c)
        finalMean = floats(r)
        finalRstd = floats(r)
        headInput = floats(r * c)
        headDense = floats(post ? r * c : 0)
        headAct = floats(post ? r * c : 0)
        headNorm = floats(post ? r * c : 0)
        logits = floats(r * v)
        probs = floats(r * v)
        dLogits = floats(r * v)
        scratch = GradientScratch(dX0: floats(r * c), dX1: floats(r * c), dA: floats(r * c), dB: floats(r * c), dE: floats(r * c),
                                  dFc2: floats(r * c), dContext: floats(r * c), dQ: floats(r * c), dK: floats(r * c), dV: floats(r * c),
                                  dFc: floats(r * f), dAct: floats(r * f), dProbs: floats(attention),
                                  dHeadInput: floats(r * c), dHeadDense: floats(post ? r * c : 0), dHeadAct: floats(post ? r * c : 0),
                                  dHeadNorm: floats(post ? r * c : 0))
    }
}
