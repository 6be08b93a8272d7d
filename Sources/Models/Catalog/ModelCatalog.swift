// The models a grid can name, their configuration keys, and how each is built. Grid validation reads
// the keys from here (through Worker); Worker builds networks with `ModelCatalog.make`. The power-law
// network is not here: `powerlaw_nn` names a regime of `PowerLawCatalog`, which trains `PowerLawNetwork`
// by steps on N points rather than by epochs.
import Vocabulary

/// One model a grid can name.
public struct ModelEntry: Sendable {
    /// The grid's name for it (`"model": "convnet"`).
    public var name: String
    /// One line for help and listings.
    public var summary: String
    /// The keys it reads, with kind, range, default and summary.
    public var settings: [KeySpec]
    /// What the data must be: `"samples with class labels"`, `"a token corpus"`, …
    public var data: String
}

/// The model catalog.
public enum ModelCatalog {
    // MARK: - Keys

    static let hidden = KeySpec("hidden", .integers(1...100_000, count: 0...16), .numbers([32]),
                                    "widths of the hidden layers, input side first")
    static let activation = KeySpec("activation", .choice(MLP.Activation.allCases.map(\.rawValue)), .string("relu"),
                                        "activation after each hidden layer")
    static let variant = KeySpec("variant", .choice(["auto"] + ConvNet.Variant.allCases.map(\.rawValue)), .string("auto"),
                                     "auto: mnist for 1-channel input, cifar100 for 3-channel input with 100 classes, else cifar10")
    static let depth = KeySpec("depth", .integer(8...1202), .number(20), "layers, 6n + 2: 20, 32, 44, 56, 110")
    static let emsize = KeySpec("emsize", .integer(1...65_536), .number(64), "embedding size")
    static let nhid = KeySpec("nhid", .integer(1...65_536), .number(128), "LSTM hidden units per layer")
    static let nlayers = KeySpec("nlayers", .integer(1...16), .number(1), "LSTM layers")
    static let dropout = KeySpec("dropout", .probability, .number(0),
                                     "dropout on embeddings, between LSTM layers and on the output")
    static let bptt = KeySpec("bptt", .integer(1...100_000), .number(35), "truncated-BPTT window length (time steps)")
    static let widths = KeySpec("widths", .integers(1...100_000, count: 1...16), .numbers([1000, 500, 250, 30]),
                                    "encoder widths, the last one the code; the decoder mirrors them")
    static let loss = KeySpec("loss", .choice(["bce", "mse"]), .string("bce"), "reconstruction loss (sigmoid output)")

    /// Every model, in the order listings show them.
    public static let entries: [ModelEntry] = [
        ModelEntry(name: "logreg", summary: "logistic regression: one linear layer", settings: [],
                   data: "samples with class labels (or scalar targets: ½·MSE regression)"),
        ModelEntry(name: "fc", summary: "fully connected network (the seeds' MNIST net: 784→32→10, ReLU)",
                   settings: [hidden, activation], data: "samples with class labels (or scalar targets: ½·MSE regression)"),
        ModelEntry(name: "convnet", summary: "the seeds' ConvNets: MNIST form, CIFAR-10 LeNet-5, CIFAR-100 with BatchNorm",
                   settings: [variant], data: "images (channels, height, width) with class labels"),
        ModelEntry(name: "resnet", summary: "CIFAR ResNet (basic blocks, 16/32/64 channels, depth 6n + 2)",
                   settings: [depth], data: "images (channels, height, width) with class labels"),
        ModelEntry(name: "lstm", summary: "LSTM word language model (embedding → LSTM → decoder)",
                   settings: [emsize, nhid, nlayers, dropout, bptt], data: "a token corpus"),
        ModelEntry(name: "autoencoder", summary: "the AggMo MNIST autoencoder 784→1000→500→250→30 and back, sigmoid output",
                   settings: [widths, loss], data: "samples (reconstructed; labels unused)"),
        ModelEntry(name: "qrnn_lm", summary: "tied QRNN word language model with AWD regularisation and optional DNI synthetic gradients (alternate_sg)",
                   settings: AltSGKeys.all, data: "a token corpus"),
        ModelEntry(name: "awd_lstm", summary: "the qrnn_lm recipe with one-layer LSTMs per layer and optional DNI on their (h, c) (alternate_sg --model LSTM)",
                   settings: AltSGKeys.all, data: "a token corpus"),
        ModelEntry(name: "awd_gru", summary: "the qrnn_lm recipe with one-layer GRUs per layer and optional DNI on their h (alternate_sg --model GRU)",
                   settings: AltSGKeys.all, data: "a token corpus"),
        nliEntry,
        seq2seqEntry,
    ] + transformerEntries

    /// The recurrent layer of each model of the alternating synthetic-gradient recipe (alternate_sg `--model`).
    static let recurrentCells: [String: RecurrentCell] = ["qrnn_lm": .qrnn, "awd_lstm": .lstm, "awd_gru": .gru]

    /// The model names, in listing order.
    public static var names: [String] { entries.map(\.name) }

    /// The entry named `name`, or `ModelError.unknownModel` listing the valid names.
    public static func entry(_ name: String) throws -> ModelEntry {
        guard let entry = entries.first(where: { $0.name == name }) else { throw ModelError.unknownModel(name, valid: names) }
        return entry
    }

    /// Whether `model` can learn from `dataset` of `shape` (a language model needs a corpus; convolutional
    /// models need images), or what is wrong. Grid validation asks before any file is read.
    public static func compatibility(model: String, dataset: String, shape: DatasetShape) -> String? {
        if transformerNames.contains(model) { return transformerCompatibility(model: model, dataset: dataset, shape: shape) }
        if model == "lstm" && dataset == "multiwoz_roberta" { return "multiwoz_roberta is whole padded conversations, not a stream for the lstm's windows; use roberta_lm or transformer_lm" }
        if let sentences = sentenceCompatibility(model: model, dataset: dataset, shape: shape) { return sentences }
        switch (model, shape) {
        case ("lstm", .tokens), ("qrnn_lm", .tokens), ("awd_lstm", .tokens), ("awd_gru", .tokens): return nil
        case ("qrnn_lm", _), ("awd_lstm", _), ("awd_gru", _): return "the \(model) language model needs a token corpus (ptb, wikitext2, synthetic_text), not \(dataset)"
        case ("lstm", _): return "the lstm language model needs a token corpus (ptb, wikitext2, synthetic_text), not \(dataset)"
        case (_, .tokens): return "\(model) learns from samples; \(dataset) is a token corpus (use model lstm)"
        case ("convnet", .classification(let shape, _)), ("resnet", .classification(let shape, _)):
            return shape.count == 3 ? nil : "\(model) needs images (channels, height, width); \(dataset) has samples of shape \(shape)"
        case ("convnet", .regression), ("resnet", .regression):
            return "\(model) is an image classifier; \(dataset) is a regression table"
        default: return nil
        }
    }

    // MARK: - Construction

    /// Builds model `name` configured by `settings` (keys this model does not declare are ignored: the
    /// grid validator rejects unknown keys before a run starts) for samples of `inputShape`
    /// ((features) or (channels, height, width)), `classes` classes (0: one scalar regression output),
    /// or a corpus of `vocabulary` tokens (language models). Parameters are drawn from `seed`.
    ///
    /// Throws `ModelError` for an unknown name, a setting of the wrong kind or range (naming the key), or
    /// data the model cannot take.
    public static func make(name: String, settings: Settings, inputShape: [Int], classes: Int, vocabulary: Int?,
                            seed: UInt64) throws -> any Network {
        _ = try entry(name)
        do {
            return try build(name, settings, inputShape, classes, vocabulary, seed)
        } catch let error as SettingError {
            throw ModelError.invalidSetting(model: name, error)
        } catch let error as ArchitectureError {
            throw ModelError.unsupportedData(model: name, error.description)
        }
    }

    private static func build(_ name: String, _ settings: Settings, _ inputShape: [Int], _ classes: Int, _ vocabulary: Int?,
                              _ seed: UInt64) throws -> any Network {
        func needsSamples() throws -> Int {
            guard !inputShape.isEmpty, inputShape.allSatisfy({ $0 >= 1 }) else {
                throw ModelError.unsupportedData(model: name, "needs samples with a shape of positive sizes, got \(inputShape)")
            }
            return inputShape.reduce(1, *)
        }
        func needsClasses() throws {
            guard classes >= 2 else {
                throw ModelError.unsupportedData(model: name, "needs a classification dataset (≥ 2 classes), got \(classes) classes")
            }
        }
        /// Classification when there are classes, else one ½·MSE regression output.
        func classifierHead() throws -> (outputs: Int, head: LossHead) {
            if classes == 0 { return (1, .halfSquaredError) }
            try needsClasses()
            return (classes, .softmaxCrossEntropy)
        }
        switch name {
        case "logreg":
            _ = try needsSamples()
            let (outputs, head) = try classifierHead()
            return try FeedForwardNetwork(name: name, inputShape: inputShape, layers: MLP.logisticRegression(outputs: outputs),
                                          head: head, seed: seed)
        case "fc":
            _ = try needsSamples()
            let widths = try settings.numbers(hidden).map { Int($0) }
            let act = MLP.Activation(rawValue: try settings.string(activation)) ?? .relu
            let (outputs, head) = try classifierHead()
            return try FeedForwardNetwork(name: name, inputShape: inputShape,
                                          layers: MLP.fullyConnected(hidden: widths, activation: act, outputs: outputs),
                                          head: head, seed: seed)
        case "convnet":
            _ = try needsSamples()
            try needsClasses()
            let form = try convNetVariant(try settings.string(variant), inputShape: inputShape, classes: classes)
            return try FeedForwardNetwork(name: "convnet (\(form.rawValue))", inputShape: inputShape,
                                          layers: ConvNet.layers(form, classes: classes), head: .softmaxCrossEntropy, seed: seed)
        case "resnet":
            _ = try needsSamples()
            try needsClasses()
            let layers = try settings.integer(depth)
            guard ResNet.isValidDepth(layers) else {
                throw SettingError(key: depth.name, "expected 6n + 2 (20, 32, 44, 56, 110), got \(layers)")
            }
            return try FeedForwardNetwork(name: "resnet\(layers)", inputShape: inputShape, layers: ResNet.layers(depth: layers, classes: classes),
                                          head: .softmaxCrossEntropy, seed: seed)
        case "lstm":
            guard let vocabulary, vocabulary >= 1 else {
                throw ModelError.unsupportedData(model: name, "needs a token corpus (a vocabulary), got samples")
            }
            let p = try settings.number(dropout)
            return try LanguageModel(name: name, vocabulary: vocabulary, embeddingSize: try settings.integer(emsize),
                                     hiddenSize: try settings.integer(nhid),
                                     layers: try settings.integer(nlayers), dropout: Float(p),
                                     bptt: try settings.integer(bptt), seed: seed)
        case "qrnn_lm", "awd_lstm", "awd_gru":
            guard let vocabulary, vocabulary >= 1 else {
                throw ModelError.unsupportedData(model: name, "needs a token corpus (a vocabulary), got samples")
            }
            return try QRNNLanguageModel(name: name, cell: Self.recurrentCells[name] ?? .qrnn, vocabulary: vocabulary, embeddingSize: try settings.integer(AltSGKeys.emsize),
                                         hiddenSize: try settings.integer(AltSGKeys.nhid), layers: try settings.integer(AltSGKeys.nlayers),
                                         regularization: try AltSGKeys.regularization(settings), bptt: try settings.integer(AltSGKeys.bptt),
                                         seed: seed)
        case "autoencoder":
            let features = try needsSamples()
            let sizes = try settings.numbers(widths).map { Int($0) }
            let head: LossHead = try settings.string(loss) == "mse" ? .sigmoidSquaredError : .sigmoidBinaryCrossEntropy
            return try FeedForwardNetwork(name: name, inputShape: inputShape, layers: Autoencoder.layers(features: features, widths: sizes),
                                          head: head, seed: seed)
        case _ where transformerNames.contains(name):
            return try buildTransformer(name, settings, vocabulary, seed)
        case "nli", "seq2seq":
            throw ModelError.unsupportedData(model: name, "needs \(name == "nli" ? "sentence pairs" : "dialogue turns"), got samples or tokens")
        default:
            throw ModelError.unknownModel(name, valid: names)
        }
    }

    /// The ConvNet form for `requested` ("auto" or a variant name), the input shape and the classes.
    static func convNetVariant(_ requested: String, inputShape: [Int], classes: Int) throws -> ConvNet.Variant {
        if let form = ConvNet.Variant(rawValue: requested) { return form }
        guard inputShape.count == 3 else {
            throw ModelError.unsupportedData(model: "convnet", "needs images (channels, height, width), got samples of shape \(inputShape)")
        }
        switch inputShape[0] {
        case 1: return .mnist
        case 3: return classes == 100 ? .cifar100 : .cifar10
        default:
            throw ModelError.unsupportedData(model: "convnet",
                                             "variant auto knows 1-channel (mnist) and 3-channel (cifar10/cifar100) images, got \(inputShape[0]) channels; set variant")
        }
    }
}

/// A model that cannot be built as configured.
public enum ModelError: Error, Equatable, CustomStringConvertible {
    /// No model has this name.
    case unknownModel(String, valid: [String])
    /// A setting of the wrong kind or out of range.
    case invalidSetting(model: String, SettingError)
    /// The dataset does not fit the model (shape, classes, tokens), or the configured sizes do not fit the data.
    case unsupportedData(model: String, String)

    public var description: String {
        switch self {
        case let .unknownModel(name, valid): return "unknown model \"\(name)\" (valid: \(valid.joined(separator: ", ")))"
        case let .invalidSetting(model, error): return "model \(model): \(error.description)"
        case let .unsupportedData(model, message): return "model \(model): \(message)"
        }
    }
}
