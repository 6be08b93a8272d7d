// A configuration's values handed to their owners (the registry's ownership rule), with the run's own
// keys typed: the training loop reads `batchSize` and `clip` on every step.
import Models
import Optim
import SweepCore
import Vocabulary

/// Typed access to one configuration.
struct ConfigurationValues {
    let resolved: ResolvedConfiguration
    let seed: UInt64
    let epochs: Int
    let batchSize: Int
    let clip: Double?

    /// Resolves `configuration` against the registry; throws what the grid validator would have said.
    init(_ configuration: Configuration) throws {
        resolved = try Registry.catalog.resolve(configuration)
        let run = resolved.settings(.run)
        seed = UInt64(try run.integer(Registry.seed))
        epochs = try run.integer(Registry.epochs)
        batchSize = try run.integer(Registry.batchSize)
        clip = try run.given(GradientClipping.hyperparameter)?.number
    }

    var model: String { resolved.name(.model) }
    var dataset: String { resolved.name(.dataset) }
    var optimizer: String { resolved.name(.optimizer) }
    var schedule: String { resolved.name(.schedule) }

    /// The values given to `owner`.
    func settings(_ owner: Owner) -> Settings { resolved.settings(owner) }
}
