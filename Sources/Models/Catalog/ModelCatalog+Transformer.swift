// The transformer language models of the catalog: `transformer_lm`, a small GPT-style decoder for the
// token corpora, and `roberta_lm`, RoBERTa as a causal LM from a transformers checkpoint folder or a
// seeded initialisation; their keys are declared once, here.
import Foundation
import Vocabulary

extension ModelCatalog {
    // MARK: - Keys

    static let transformerLayers = KeySpec("layers", .integer(1...64), .number(2), "transformer blocks")
    static let transformerHeads = KeySpec("heads", .integer(1...128), .number(4), "attention heads per block; must divide width")
    static let transformerWidth = KeySpec("width", .integer(1...16_384), .number(128), "model width (embedding and residual stream); FFN is 4·width")
    static let transformerContext = KeySpec("context", .integer(1...8192), .number(64),
                                            "window length in tokens (the worker cuts the streams into windows of this many; positions 0..<context)")
    static let transformerDropout = KeySpec("dropout", .probability, .number(0.1),
                                            "dropout on embeddings, attention probabilities and each sub-block's output")

    static let robertaCheckpoint = KeySpec("checkpoint", .string, absent: "none: a seeded initialisation of the size keys",
                                           "folder with config.json and model.safetensors (a transformers RoBERTa checkpoint, e.g. roberta-base)")
    static let robertaLayers = KeySpec("layers", .integer(1...64), .number(12), "encoder layers without a checkpoint (roberta-base: 12)")
    static let robertaHeads = KeySpec("heads", .integer(1...128), .number(12), "attention heads without a checkpoint; must divide width")
    static let robertaWidth = KeySpec("width", .integer(1...16_384), .number(768), "hidden size without a checkpoint; FFN is 4·width")
    static let robertaContext = KeySpec("context", .integer(1...8192), .number(128),
                                        "block length in tokens (the study's block; at most max_position_embeddings − 2)")
    static let robertaDropout = KeySpec("dropout", .probability, absent: "the checkpoint's (0.1 in roberta-base)",
                                        "hidden and attention-probability dropout")

    static let saveWeights = KeySpec("save_weights", .bool, .bool(false),
                                     "write model.safetensors (+ config.json for roberta_lm) to results/<sweep>/models/<id>/ when the run ends ok")

    /// The transformer models' entries, appended to `entries`.
    static let transformerEntries: [ModelEntry] = [
        ModelEntry(name: "transformer_lm",
                   summary: "GPT-style decoder LM: learned positions, pre-LN blocks (causal attention, GELU FFN), LM head tied to the embedding",
                   settings: [transformerLayers, transformerHeads, transformerWidth, transformerContext, transformerDropout, saveWeights],
                   data: "a token corpus"),
        ModelEntry(name: "roberta_lm",
                   summary: "RoBERTa as a causal LM (transformers' RobertaForCausalLM, is_decoder): post-LN, position ids from padding_idx, tied LM head",
                   settings: [robertaCheckpoint, robertaLayers, robertaHeads, robertaWidth, robertaContext, robertaDropout, saveWeights],
                   data: "a token corpus (RoBERTa token ids when loading a checkpoint)"),
    ]

    /// Names of the transformer models.
    static var transformerNames: Set<String> { Set(transformerEntries.map(\.name)) }

    /// Whether transformer `model` can learn from `dataset` of `shape`.
    static func transformerCompatibility(model: String, dataset: String, shape: DatasetShape) -> String? {
        if case .tokens = shape { return nil }
        return "\(model) is a language model and needs a token corpus (ptb, wikitext2, synthetic_text), not \(dataset)"
    }

    /// Builds transformer `name` for a corpus of `vocabulary` tokens.
    static func buildTransformer(_ name: String, _ settings: Settings, _ vocabulary: Int?, _ seed: UInt64) throws -> any Network {
        guard let vocabulary, vocabulary >= 1 else {
            throw ModelError.unsupportedData(model: name, "needs a token corpus (a vocabulary), got samples")
        }
        let model = name == "roberta_lm" ? try buildRoberta(settings, vocabulary, seed) : try buildDecoder(name, settings, vocabulary, seed)
        model.savesWeights = try settings.bool(saveWeights)
        return model
    }

    /// transformer_lm at the size keys.
    static func buildDecoder(_ name: String, _ settings: Settings, _ vocabulary: Int, _ seed: UInt64) throws -> TransformerLanguageModel {
        let p = try settings.number(transformerDropout)
        let width = try settings.integer(transformerWidth), heads = try settings.integer(transformerHeads)
        guard width % heads == 0 else {
            throw SettingError(key: transformerHeads.name, "heads \(heads) must divide width \(width)")
        }
        let context = try settings.integer(transformerContext)
        let shape = TransformerShape(vocabulary: vocabulary, width: width, layers: try settings.integer(transformerLayers), heads: heads,
                                     ffn: 4 * width, positions: context, context: context, layout: .preNorm,
                                     dropout: Float(p), attentionDropout: Float(p))
        return try TransformerLanguageModel(name: name, shape: shape, seed: seed)
    }

    /// roberta_lm: from the `checkpoint` folder (sizes from its config.json; the corpus's ids must be the
    /// checkpoint tokenizer's), or seeded at the size keys with the corpus's vocabulary (then no token is
    /// a pad: a word corpus has none; positions start at 2 as in RoBERTa).
    static func buildRoberta(_ settings: Settings, _ vocabulary: Int, _ seed: UInt64) throws -> TransformerLanguageModel {
        let p = try settings.given(robertaDropout)?.number
        let context = try settings.integer(robertaContext)
        if case let .string(folder)? = try settings.given(robertaCheckpoint) {
            for spec in [robertaLayers, robertaHeads, robertaWidth] where settings.isGiven(spec) {
                throw SettingError(key: spec.name, "comes from the checkpoint's config.json; do not set it with checkpoint")
            }
            let model: TransformerLanguageModel
            do {
                model = try TransformerLanguageModel.roberta(checkpoint: URL(fileURLWithPath: folder), context: context,
                                                             dropout: p.map { Float($0) }, seed: seed)
            } catch let error as CheckpointError {
                throw ModelError.unsupportedData(model: "roberta_lm", "checkpoint \(folder): \(error.description)")
            }
            guard vocabulary <= model.shape.vocabulary else {
                throw ModelError.unsupportedData(model: "roberta_lm",
                                                 "the corpus has \(vocabulary) token ids, the checkpoint's vocabulary only \(model.shape.vocabulary)")
            }
            return model
        }
        let width = try settings.integer(robertaWidth), heads = try settings.integer(robertaHeads)
        guard width % heads == 0 else { throw SettingError(key: robertaHeads.name, "heads \(heads) must divide width \(width)") }
        let dropout = Float(p ?? 0.1)
        let shape = TransformerShape(vocabulary: vocabulary, width: width, layers: try settings.integer(robertaLayers), heads: heads,
                                     ffn: 4 * width, positions: context + 2, context: context, layout: .postNorm,
                                     dropout: dropout, attentionDropout: dropout, paddingIndex: 1, padsInTokens: false)
        return try TransformerLanguageModel(name: "roberta_lm", shape: shape, seed: seed)
    }
}
