// A configuration's values in the forms the libraries take: the general keys typed, and every value
// converted to Models' settings and Optim's hyperparameters (each library reads only its own keys).
import Models
import Optim
import SweepCore

/// Typed access to one configuration. The general keys are read once here: the training loop uses
/// `batchSize` and `clip` on every step.
struct ConfigurationValues {
    let configuration: Configuration
    let seed: UInt64
    let epochs: Int
    let batchSize: Int
    let clip: Double?
    let model: String?
    let dataset: String?
    let optimizer: String?

    init(configuration: Configuration) {
        self.configuration = configuration
        seed = UInt64(configuration["seed"]?.number ?? 0)
        epochs = Int(configuration["epochs"]?.number ?? 10)
        batchSize = Int(configuration["batch_size"]?.number ?? 64)
        clip = configuration["clip"]?.number
        model = configuration["model"]?.string
        dataset = configuration["dataset"]?.string
        optimizer = configuration["optimizer"]?.string
    }

    func number(_ key: String) -> Double? { configuration[key]?.number }

    /// Every value a model or dataset could read.
    var settings: Settings {
        var values: [String: SettingValue] = [:]
        for (key, value) in configuration.entries {
            if let converted = Registry.value(value, key: key) { values[key] = converted }
        }
        return Settings(values)
    }

    /// Every value an optimizer or schedule could read.
    var hyperparameters: [String: HyperValue] { settings.values.mapValues(Registry.hyperValue) }
}
