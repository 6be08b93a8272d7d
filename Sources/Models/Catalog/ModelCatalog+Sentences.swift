// The sentence models of the catalog: `nli` (SNLI's NLINet with its three encoders) and `seq2seq` (the
// MultiWoZ attention model). Their sizes come from the data (vocabularies, word vectors, db/bs sizes)
// and from these keys, whose defaults are the study's (experiments/snli/train.py and
// experiments/multiwoz_lstm/train.py).
import Vocabulary

extension ModelCatalog {
    // MARK: - nli keys

    static let encoder = KeySpec("encoder", .choice(NLINet.Encoder.allCases.map(\.rawValue)), .string("infersent"),
                                 "sentence encoder: lstm (last hidden state), convnet (4 conv layers, max over time), infersent (BiLSTM, max over time)")
    static let encLSTMDim = KeySpec("enc_lstm_dim", .integer(1...65_536), .number(200), "encoder width H (the LSTM's hidden size; 2H conv channels)")
    static let fcDim = KeySpec("fc_dim", .integer(1...65_536), .number(200), "classifier hidden width")
    static let dpoutFC = KeySpec("dpout_fc", .probability, .number(0.2), "classifier dropout before each linear (training only)")
    static let nliStep = KeySpec("step", .choice(["study", "plain"]), .string("study"),
                                 "study: two optimizer steps per batch as the study's train.py (the mean gradient, then the gradient / batch size "
                                     + "with the lr shrunk so its norm is at most max_norm); plain: one step on the mean gradient")
    static let maxNorm = KeySpec("max_norm", .number(0...1e12), .number(5), "norm bound of the study step's second update")
    static let lrShrink = KeySpec("lr_shrink", .number(1...1e6), .number(5),
                                  "study step, sgd-family optimizers: lr ÷ this whenever the validation accuracy does not improve (the study's lrshrink); 1: off")

    // MARK: - seq2seq keys

    static let embSize = KeySpec("emb_size", .integer(1...65_536), .number(50), "word embedding size (encoder and decoder)")
    static let hidSize = KeySpec("hid_size", .integer(1...65_536), .number(150), "hidden size of encoder, policy and decoder (the study's hid_size_enc = _pol = _dec)")
    static let bidirectional = KeySpec("bidirectional", .bool, .bool(false),
                                       "bidirectional encoder (the study's --model bilstm, which crashes there; here the directions are summed and the policy reads the forward state)")
    static let maxLen = KeySpec("max_len", .integer(1...10_000), .number(50), "tokens generated per turn by greedy decoding (BLEU)")

    static let nliEntry = ModelEntry(name: "nli", summary: "the study's SNLI NLINet: shared sentence encoder, [u, v, |u−v|, u·v], 3-layer classifier",
                                     settings: [encoder, encLSTMDim, fcDim, dpoutFC, nliStep, maxNorm, lrShrink], data: "sentence pairs (snli, synthetic_nli)")
    static let seq2seqEntry = ModelEntry(name: "seq2seq", summary: "the study's MultiWoZ LSTM encoder, db/bs policy and attention decoder",
                                         settings: [embSize, hidSize, bidirectional, maxLen], data: "dialogue turns (multiwoz, synthetic_dialogue)")

    /// Whether `model` and a sentence dataset fit; nil when neither is a sentence model or dataset.
    static func sentenceCompatibility(model: String, dataset: String, shape: DatasetShape) -> String?? {
        switch (model, shape) {
        case ("nli", .sentencePairs), ("seq2seq", .dialogues): return .some(nil)
        case ("nli", _): return "the nli model needs sentence pairs (snli, synthetic_nli), not \(dataset)"
        case ("seq2seq", _): return "the seq2seq model needs dialogue turns (multiwoz, synthetic_dialogue), not \(dataset)"
        case (_, .sentencePairs): return "\(model) cannot read the sentence pairs of \(dataset) (use model nli)"
        case (_, .dialogues): return "\(model) cannot read the dialogues of \(dataset) (use model seq2seq)"
        default: return nil
        }
    }

    /// Builds `nli` for sentence pairs or `seq2seq` for dialogues. Throws `ModelError` like `make`.
    public static func makeForSentences(name: String, settings: Settings, data: LoadedDataset, seed: UInt64) throws -> any Network {
        _ = try entry(name)
        do {
            switch (name, data) {
            case let ("nli", .sentencePairs(pairs)):
                let p = try settings.number(dpoutFC)
                let network = try NLINet(encoder: NLINet.Encoder(rawValue: try settings.string(encoder)) ?? .infersent, vectors: pairs.vectors,
                                         vocabulary: pairs.vocabulary.count, embeddingSize: pairs.vectorSize,
                                         hiddenSize: try settings.integer(encLSTMDim), fcSize: try settings.integer(fcDim),
                                         classes: pairs.classes, dropout: Float(p), seed: seed)
                network.studyStep = try settings.string(nliStep) == "study"
                network.maxNorm = try settings.number(maxNorm)
                network.lrShrink = try settings.number(lrShrink)
                return network
            case let ("seq2seq", .dialogues(dialogues)):
                return try Seq2Seq(inputVocabulary: dialogues.inputVocabulary.count, outputVocabulary: dialogues.outputVocabulary.count,
                                   embeddingSize: try settings.integer(embSize), hiddenSize: try settings.integer(hidSize),
                                   dbSize: dialogues.dbSize, bsSize: dialogues.bsSize, bidirectional: try settings.bool(bidirectional),
                                   maxLength: try settings.integer(maxLen), seed: seed)
            default:
                throw ModelError.unsupportedData(model: name, "needs \(name == "nli" ? "sentence pairs" : name == "seq2seq" ? "dialogue turns" : "samples or a token corpus")")
            }
        } catch let error as SettingError {
            throw ModelError.invalidSetting(model: name, error)
        } catch let error as ArchitectureError {
            throw ModelError.unsupportedData(model: name, error.description)
        }
    }
}
