// Builds what a configuration trains: the data, the network, the optimizer and its schedule. Every
// failure here is a clear error naming the key or file, and fails this run only.
import Foundation
import Models
import Optim
import SweepCore
import Vocabulary

/// The parts of one run, built from its configuration.
struct RunSetup {
    let data: LoadedDataset
    let network: any Network
    let optimizer: any Optimizer
    let schedule: LearningRateSchedule
    /// alternate_sg's recipe when the model is `qrnn_lm` (variable windows, epoch schedule, synthesizer).
    let altsg: AltSGRecipe?

    init(_ values: ConfigurationValues, context: RunContext, cache: DataCache) throws {
        let modelSettings = values.settings(.model)
        data = try cache.load(name: values.dataset, settings: values.settings(.dataset), seed: values.seed,
                              searchPaths: context.dataSearchPaths)
        switch data {
        case let .samples(splits):
            network = try ModelCatalog.make(name: values.model, settings: modelSettings, inputShape: splits.train.sampleShape,
                                            classes: splits.classes, vocabulary: nil, seed: values.seed)
        case let .tokens(corpus):
            network = try ModelCatalog.make(name: values.model, settings: modelSettings, inputShape: [], classes: 0,
                                            vocabulary: corpus.vocabulary.count, seed: values.seed)
        case .sentencePairs, .dialogues:
            network = try ModelCatalog.makeForSentences(name: values.model, settings: modelSettings, data: data, seed: values.seed)
        }
        optimizer = try OptimizerCatalog.make(name: values.optimizer, hyperparameters: values.settings(.optimizer).values,
                                              tensors: network.parameters.ranges)
        schedule = try ScheduleCatalog.make(name: values.schedule, values.settings(.schedule).values, lr: optimizer.lr,
                                            epochs: values.epochs)
        if let languageModel = network as? QRNNLanguageModel {
            altsg = try AltSGRecipe(languageModel, values: values, lr: optimizer.lr)
        } else {
            altsg = nil
        }
    }
}

/// The last dataset loaded, kept for the next configuration of the task (seeds of one setting sit side
/// by side, but the split depends on the seed, so the key includes it).
final class DataCache {
    private var key: String?
    private var value: LoadedDataset?

    func load(name: String, settings: Settings, seed: UInt64, searchPaths: [String]) throws -> LoadedDataset {
        // Only the dataset's own keys matter: configurations differing in lr share their data.
        let wanted = "\(name)|\(seed)|" + settings.values.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.text)" }
            .joined(separator: ",")
        if wanted == key, let value { return value }
        value = nil
        let loaded = try DatasetCatalog.load(name: name, settings: settings, seed: seed, searchPaths: searchPaths)
        (key, value) = (wanted, loaded)
        return loaded
    }
}

/// A run that cannot start or continue; recorded as `failed` with this message.
enum RunError: Error, CustomStringConvertible {
    case emptyTrainingSet(String)
    case notSamples(String)
    case tooFewTurns(String, turns: Int, batchSize: Int)

    var description: String {
        switch self {
        case let .emptyTrainingSet(dataset): return "the training set of \(dataset) is empty"
        case let .notSamples(dataset): return "\(dataset) is a token corpus; the power-law regimes need samples with targets"
        case let .tooFewTurns(dataset, turns, batchSize):
            return "the training set of \(dataset) has \(turns) turns: a batch needs more than batch_size = \(batchSize) (use a smaller batch_size)"

        }
    }
}
