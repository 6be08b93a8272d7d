// A configuration's values in the forms the libraries take: the general keys typed, and every value
// converted to Models' settings and Optim's hyperparameters (each library reads only its own keys).
import Models
import Optim
import SweepCore

/// Typed access to one configuration.
struct ConfigurationValues {
    let configuration: Configuration

    var seed: UInt64 { UInt64(number("seed") ?? 0) }
    var epochs: Int { Int(number("epochs") ?? 10) }
    var batchSize: Int { Int(number("batch_size") ?? 64) }
    var clip: Double? { number("clip") }
    var model: String? { configuration["model"]?.string }
    var dataset: String? { configuration["dataset"]?.string }
    var optimizer: String? { configuration["optimizer"]?.string }

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
