// Builds what a configuration trains: the data, the network, the optimizer and its schedule. Every
// failure here is a clear error naming the key or file, and fails this run only.
import Foundation
import Models
import Optim
import SweepCore

/// The parts of one run, built from its configuration.
struct RunSetup {
    let data: LoadedDataset
    let network: any Network
    let optimizer: any Optimizer
    let schedule: LearningRateSchedule

    init(_ values: ConfigurationValues, context: RunContext, cache: DataCache) throws {
        guard let datasetName = values.dataset else { throw RunError.missingKey("dataset") }
        guard let modelName = values.model else { throw RunError.missingKey("model") }
        guard let optimizerName = values.optimizer else { throw RunError.missingKey("optimizer") }
        let settings = values.settings
        data = try cache.load(name: datasetName, settings: settings, seed: values.seed, searchPaths: context.dataSearchPaths)
        switch data {
        case let .samples(splits):
            network = try ModelCatalog.make(name: modelName, settings: settings, inputShape: splits.train.sampleShape,
                                            classes: splits.classes, vocabulary: nil, seed: values.seed)
        case let .tokens(corpus):
            network = try ModelCatalog.make(name: modelName, settings: settings, inputShape: [], classes: 0,
                                            vocabulary: corpus.vocabulary.count, seed: values.seed)
        }
        // Each library reads only its own keys: the optimizer's, then the schedule's.
        let hyperparameters = values.hyperparameters
        let description = try OptimizerCatalog.description(of: optimizerName)
        let own = Set(description.hyperparameters.map(\.name))
        optimizer = try OptimizerCatalog.make(name: optimizerName, hyperparameters: hyperparameters.filter { own.contains($0.key) },
                                              tensors: network.parameters.ranges)
        let scheduleKeys = Set(ScheduleCatalog.hyperparameters.map(\.name))
        schedule = try ScheduleCatalog.make(hyperparameters.filter { scheduleKeys.contains($0.key) }, lr: optimizer.lr,
                                            epochs: values.epochs)
    }
}

/// The last dataset loaded, kept for the next configuration of the task (seeds of one setting sit side
/// by side, but the split depends on the seed, so the key includes it).
final class DataCache {
    private var key: String?
    private var value: LoadedDataset?

    func load(name: String, settings: Settings, seed: UInt64, searchPaths: [String]) throws -> LoadedDataset {
        // Only the dataset's own keys matter: configurations differing in lr share their data.
        let keys = (DatasetCatalog.entry(name)?.settings.map(\.name) ?? []).filter { settings.values[$0] != nil }.sorted()
        let wanted = "\(name)|\(seed)|" + keys.map { "\($0)=\(settings.values[$0]!.text)" }.joined(separator: ",")
        if wanted == key, let value { return value }
        value = nil
        let loaded = try DatasetCatalog.load(name: name, settings: settings, seed: seed, searchPaths: searchPaths)
        (key, value) = (wanted, loaded)
        return loaded
    }
}

/// A run that cannot start or continue; recorded as `failed` with this message.
enum RunError: Error, CustomStringConvertible {
    case missingKey(String)
    case emptyTrainingSet(String)
    case notSamples(String)

    var description: String {
        switch self {
        case let .missingKey(key): return "the configuration has no \"\(key)\""
        case let .emptyTrainingSet(dataset): return "the training set of \(dataset) is empty"
        case let .notSamples(dataset): return "\(dataset) is a token corpus; the power-law regimes need samples with targets"

        }
    }
}
