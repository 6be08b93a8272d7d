// transformers' `config.json` for RoBERTa, read into a `TransformerShape` (only the keys the
// architecture needs; unknown keys are ignored, as transformers does).
import Foundation

extension TransformerShape {
    /// The shape a RoBERTa `config.json` describes (post-norm, exact GELU, position ids from
    /// `pad_token_id`), with `context` positions per window (default: every position the table allows,
    /// `max_position_embeddings − pad_token_id − 1`, 512 for roberta-base).
    ///
    /// Throws `CheckpointError.badConfig` naming a missing or unsupported key (only `hidden_act` "gelu"
    /// and one token type are supported: what RoBERTa uses).
    public static func roberta(config data: Data, context: Int? = nil, dropout: Float? = nil) throws -> TransformerShape {
        guard let object = try? JSONSerialization.jsonObject(with: data), let json = object as? [String: Any] else {
            throw CheckpointError.badConfig("config.json is not a JSON object")
        }
        func int(_ key: String, default value: Int? = nil) throws -> Int {
            if let number = json[key] as? NSNumber { return number.intValue }
            if let value { return value }
            throw CheckpointError.badConfig("config.json has no integer \(key)")
        }
        func number(_ key: String, default value: Double) -> Double { (json[key] as? NSNumber)?.doubleValue ?? value }
        if let act = json["hidden_act"] as? String, act != "gelu" {
            throw CheckpointError.badConfig("hidden_act \(act) is not supported (RoBERTa uses gelu, the exact erf form)")
        }
        if let types = json["type_vocab_size"] as? NSNumber, types.intValue != 1 {
            throw CheckpointError.badConfig("type_vocab_size \(types) is not supported (RoBERTa has 1)")
        }
        let pad = try int("pad_token_id", default: 1)
        let positions = try int("max_position_embeddings")
        let hiddenDropout = Float(number("hidden_dropout_prob", default: 0.1))
        return TransformerShape(vocabulary: try int("vocab_size"), width: try int("hidden_size"), layers: try int("num_hidden_layers"),
                                heads: try int("num_attention_heads"), ffn: try int("intermediate_size"), positions: positions,
                                context: context ?? (positions - pad - 1), layout: .postNorm,
                                eps: Float(number("layer_norm_eps", default: 1e-5)), dropout: dropout ?? hiddenDropout,
                                attentionDropout: dropout ?? Float(number("attention_probs_dropout_prob", default: 0.1)),
                                paddingIndex: Int32(pad))
    }
}
