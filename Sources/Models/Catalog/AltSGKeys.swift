// The keys of the alternating synthetic-gradient recipe (`qrnn_lm`, `awd_lstm`, `awd_gru`, alt_sg.md §2–§6), declared once:
// the model catalog lists them and Worker's recipe reads them. Defaults are alternate_sg's `main.py`
// defaults where our models have the same knob, except the sizes (CPU-sized, as the `lstm` model's),
// `sgtype` and `sg_hidden_num` (QRNN and 50, the README commands' synthesizer, which existing grids
// assume; main.py's GRU of 1000 units is `"sgtype": "gru", "sg_hidden_num": 1000`).
import Vocabulary

/// The keys of `qrnn_lm`, `awd_lstm` and `awd_gru`.
public enum AltSGKeys {
    // MARK: - Base model
    public static let emsize = KeySpec("emsize", .integer(1...65_536), .number(64), "embedding size (also the last QRNN layer's size: tied decoder)")
    public static let nhid = KeySpec("nhid", .integer(1...65_536), .number(128), "QRNN units of every layer but the last")
    public static let nlayers = KeySpec("nlayers", .integer(1...16), .number(2), "QRNN layers (layer 0 window 2, the others 1)")
    public static let bptt = KeySpec("bptt", .integer(1...100_000), .number(35),
                                     "mean BPTT window in training (AWD variable length; lr scaled by seq_len/bptt), fixed window in evaluation")
    public static let dropoute = KeySpec("dropoute", .probability, .number(0.1), "embedding dropout: whole words")
    public static let dropouti = KeySpec("dropouti", .probability, .number(0.65), "locked dropout on the embeddings")
    public static let dropouth = KeySpec("dropouth", .probability, .number(0.3), "locked dropout between QRNN layers")
    public static let dropout = KeySpec("dropout", .probability, .number(0.4), "locked dropout on the last layer's output")
    public static let wdrop = KeySpec("wdrop", .probability, .number(0.5), "weight drop (DropConnect) on each QRNN matrix")
    /// AR weight. RMSprop's `alpha` is the optimizer's: with `rmsprop` write `model.alpha` / `optimizer.alpha`.
    public static let alpha = KeySpec("alpha", .number(0...1e6), .number(2), "activation regularisation α·mean(output²)")
    public static let beta = KeySpec("beta", .number(0...1e6), .number(1), "temporal activation regularisation β·mean(Δoutput²)")

    // MARK: - Synthetic gradients
    public static let useSG = KeySpec("use_sg", .bool, .bool(false), "train with the DNI synthesizer (alternate_sg --use_sg)")
    public static let sgtype = KeySpec("sgtype", .choice(SynthesizerType.allCases.map(\.rawValue)), .string(SynthesizerType.qrnn.rawValue),
                                       "synthesizer layers: qrnn (one scan over all elements, the README's), lstm or gru (a state per element)")
    public static let sgHidden = KeySpec("sg_hidden_num", .integer(1...65_536), .number(50), "synthesizer units")
    public static let sgLayers = KeySpec("sg_nlayers", .integer(1...16), .number(1), "synthesizer recurrent layers")
    public static let sgDropout = KeySpec("sg_dropout", .probability, .number(0),
                                          "dropout between synthesizer layers (none with one layer; the README commands: 0.1)")
    public static let sgLR = KeySpec("sg_lr", .number(0...1, exclusiveMinimum: true), .number(1e-3),
                                     "the synthesizer's Adam lr (alternate_sg: 1e-3, never scheduled)")
    public static let sgWeightDecay = KeySpec("sg_wdecay", .number(0...1), .number(1.2e-6), "the synthesizer's Adam L2 weight decay (alternate_sg: --wdecay)")
    public static let fixSG = KeySpec("fixsg", .bool, .bool(false), "never update the synthesizer")
    public static let sgCombinedPass = KeySpec("sg_combined_pass", .bool, .bool(false),
                                               "the Q2 fix: back-propagate injection and loss in one pass (target g_A + g_B)")

    // MARK: - Epoch schedule
    public static let restartBase = KeySpec("restart_base", .integers(1...Int.max, count: 1...64), .numbers([9999]),
                                            "cycle end: one base (doubling cycles) or a list of epochs")
    public static let restartLR = KeySpec("restart_lr", .bool, .bool(false), "cosine lr within each cycle")
    public static let mixture = KeySpec("mixture", .bool, .bool(false), "toggle synthetic gradients at every warm restart")
    public static let whenSwitch = KeySpec("whenswitch", .integers(1...Int.max, count: 0...64), .numbers([]),
                                           "epochs at whose start synthetic gradients toggle")

    // MARK: - Evaluation
    public static let validBatch = KeySpec("valid_batch", .integer(1...100_000), .number(10), "validation streams (alternate_sg: 10)")
    public static let testBatch = KeySpec("test_batch", .integer(1...100_000), .number(1), "test streams (alternate_sg: 1)")

    /// Every key, in listing order.
    public static let all: [KeySpec] = [emsize, nhid, nlayers, bptt, dropoute, dropouti, dropouth, dropout, wdrop, alpha, beta,
                                        useSG, sgtype, sgHidden, sgLayers, sgDropout, sgLR, sgWeightDecay, fixSG, sgCombinedPass,
                                        restartBase, restartLR, mixture, whenSwitch, validBatch, testBatch]

    /// The AWD regularisation of `settings` (its kinds keep every rate in [0, 1)).
    public static func regularization(_ settings: Settings) throws -> AWDRegularization {
        func probability(_ spec: KeySpec) throws -> Float { Float(try settings.number(spec)) }
        return AWDRegularization(embedding: try probability(dropoute), input: try probability(dropouti), hidden: try probability(dropouth),
                                 output: try probability(dropout), weight: try probability(wdrop),
                                 alpha: Float(try settings.number(alpha)), beta: Float(try settings.number(beta)))
    }

    /// The synthesizer `settings` describe (`sgtype`, `sg_hidden_num`, `sg_nlayers`, `sg_dropout`), its
    /// parameters and noise from `seed`.
    public static func synthesizer(_ settings: Settings, seed: UInt64) throws -> Synthesizer {
        let dropout = try settings.number(sgDropout)
        let name = try settings.string(sgtype)
        guard let type = SynthesizerType(rawValue: name) else {
            preconditionFailure("AltSGKeys: sgtype \(name) passed validation but names no synthesizer")
        }
        return try Synthesizer(type: type, hiddenSize: try settings.integer(sgHidden), layers: try settings.integer(sgLayers),
                               dropout: Float(dropout), seed: seed)
    }

    /// A list key that may also be written as one number.
    public static func integers(_ spec: KeySpec, _ settings: Settings) throws -> [Int] {
        if case let .number(x)? = settings.values[spec.name] { return [Int(x)] }
        return try settings.numbers(spec).map { Int($0) }
    }
}
