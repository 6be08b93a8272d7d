// Reading and writing a transformer language model as a transformers-style folder: `config.json` and
// `model.safetensors` with the state dict's names, so a RoBERTa checkpoint from the hub loads here and a
// fine-tuned model loads back in PyTorch (`RobertaForCausalLM.from_pretrained(folder)`).
import Foundation

extension TransformerLanguageModel {
    /// The file of a checkpoint folder holding the weights.
    public static let weightsFile = "model.safetensors"

    /// Builds RoBERTa from the checkpoint folder `folder` (`config.json`, `model.safetensors`), with
    /// `context` positions per window and the given dropout (nil: the config's). Keys a RobertaForCausalLM
    /// checkpoint may carry beyond the parameters are ignored: `roberta.embeddings.position_ids`, a
    /// `roberta.pooler.*` pair, the tied `lm_head.decoder.*` aliases (and anything else, as transformers
    /// ignores unexpected keys); a missing parameter or a wrong shape throws.
    public static func roberta(checkpoint folder: URL, name: String = "roberta_lm", context: Int?, dropout: Float?,
                               seed: UInt64) throws -> TransformerLanguageModel {
        let configURL = folder.appendingPathComponent("config.json")
        let config: Data
        do { config = try Data(contentsOf: configURL) } catch {
            throw CheckpointError.badConfig("cannot read \(configURL.path): \(error.localizedDescription)")
        }
        let shape = try TransformerShape.roberta(config: config, context: context, dropout: dropout)
        let model = try TransformerLanguageModel(name: name, shape: shape, seed: seed)
        try model.load(SafetensorsFile(contentsOf: folder.appendingPathComponent(weightsFile)))
        return model
    }

    /// Sets every parameter from the tensor of the same name in `file` (F32, F16, BF16 or F64). A name
    /// not found is also looked up without the `roberta.` prefix (a base-model checkpoint) and, for
    /// `lm_head.bias`, as `lm_head.decoder.bias`. Returns the names in the file that were not used.
    @discardableResult
    public func load(_ file: SafetensorsFile) throws -> [String] {
        var used = Set<String>()
        for slot in parameters.slots {
            var candidates = [slot.name]
            if slot.name.hasPrefix("roberta.") { candidates.append(String(slot.name.dropFirst("roberta.".count))) }
            if slot.name == "lm_head.bias" { candidates.append("lm_head.decoder.bias") }
            guard let entry = candidates.lazy.compactMap({ file.entry($0) }).first else {
                throw CheckpointError.missingTensor(file: file.file, name: slot.name)
            }
            // A [n] tensor may be stored as [1, n] and the other way round; sizes must agree exactly.
            guard entry.shape.filter({ $0 != 1 }) == slot.shape.filter({ $0 != 1 }) else {
                throw CheckpointError.shapeMismatch(name: entry.name, got: entry.shape, expected: slot.shape)
            }
            try parameters.setValues(slot.name, try file.floats(entry))
            used.insert(entry.name)
        }
        return file.entries.map(\.name).filter { !used.contains($0) }
    }

    /// The parameters as safetensors tensors, by their names, in model order.
    public func tensors() -> [SafetensorsFile.Tensor] {
        parameters.slots.map { SafetensorsFile.Tensor(name: $0.name, shape: $0.shape, floats: parameters.valueArray($0)) }
    }

    /// Writes `model.safetensors` (F32, `{"format": "pt"}` metadata, the tied decoder left to the loader
    /// as transformers saves it) and, for the RoBERTa layout, a `config.json` transformers reads as
    /// RobertaForCausalLM, into `folder` (created if needed).
    public func saveCheckpoint(to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try SafetensorsFile.write(tensors(), metadata: ["format": "pt"], to: folder.appendingPathComponent(Self.weightsFile))
        guard shape.layout == .postNorm else { return }
        let config: [String: Any] = [
            "architectures": ["RobertaForCausalLM"], "model_type": "roberta", "is_decoder": true,
            "vocab_size": shape.vocabulary, "hidden_size": shape.width, "num_hidden_layers": shape.layers,
            "num_attention_heads": shape.heads, "intermediate_size": shape.ffn, "max_position_embeddings": shape.positions,
            "type_vocab_size": 1, "layer_norm_eps": Double(shape.eps), "hidden_act": "gelu",
            "hidden_dropout_prob": Double(shape.dropout), "attention_probs_dropout_prob": Double(shape.attentionDropout),
            "pad_token_id": Int(shape.paddingIndex ?? 1), "bos_token_id": 0, "eos_token_id": 2, "tie_word_embeddings": true,
        ]
        let data = try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: folder.appendingPathComponent("config.json"), options: .atomic)
    }
}
