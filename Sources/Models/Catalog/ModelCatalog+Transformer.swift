// The transformer language models of the catalog: `transformer_lm`, a small GPT-style decoder for the
// token corpora, and its keys (declared once, here).
import Vocabulary

extension ModelCatalog {
    // MARK: - Keys

    static let transformerLayers = KeySpec("layers", .integer(1...64), .number(2), "transformer blocks")
    static let transformerHeads = KeySpec("heads", .integer(1...128), .number(4), "attention heads per block; must divide width")
    static let transformerWidth = KeySpec("width", .integer(1...16_384), .number(128), "model width (embedding and residual stream); FFN is 4·width")
    static let transformerContext = KeySpec("context", .integer(1...8192), .number(64),
                                            "window length in tokens (the worker cuts the streams into windows of this many; positions 0..<context)")
    static let transformerDropout = KeySpec("dropout", .number(0...1), .number(0.1),
                                            "dropout on embeddings, attention probabilities and each sub-block's output; < 1")

    /// The transformer models' entries, appended to `entries`.
    static let transformerEntries: [ModelEntry] = [
        ModelEntry(name: "transformer_lm",
                   summary: "GPT-style decoder LM: learned positions, pre-LN blocks (causal attention, GELU FFN), LM head tied to the embedding",
                   settings: [transformerLayers, transformerHeads, transformerWidth, transformerContext, transformerDropout],
                   data: "a token corpus"),
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
        let p = try settings.number(transformerDropout)
        guard p < 1 else { throw SettingError(key: transformerDropout.name, "expected a number in [0, 1), got \(KeyValue.number(p).text)") }
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
}
