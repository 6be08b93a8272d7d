// A power-law regime's run: `steps` steps of the network, the linearisation, the averaged recursion or
// the spectral-diagonal recursion on one problem, with the loss curve in the end record (the report
// plots the regimes of one setting on one chart). The regimes keep no resumable state: a stop signal
// records `preempted` and the next attempt starts the run over.
import Foundation
import Models
import SweepCore
import Vocabulary

extension TrainingRun {
    /// Runs the regime the configuration names as its model and writes its records. Never throws.
    func executePowerLaw(_ values: ConfigurationValues) -> RunEnding {
        do {
            let dataset = values.dataset
            let data: PowerLawData
            if dataset == PowerLawCatalog.syntheticDataset {
                data = .synthetic
            } else {
                guard case let .samples(splits) = try cache.load(name: dataset, settings: values.settings(.dataset), seed: values.seed,
                                                                 searchPaths: context.dataSearchPaths) else {
                    throw RunError.notSamples(dataset)
                }
                data = .samples(dataset: dataset, splits: splits)
            }
            let own: [Owner: [String: KeyValue]] = Dictionary(uniqueKeysWithValues: [Owner.model, .dataset, .schedule, .optimizer].map {
                ($0, values.settings($0).values)
            })
            try write(.start, epoch: 0, details: [("kernels", .string(Kernels.selected.name))])
            let outcome = try PowerLawCatalog.run(regime: values.model, settings: Registry.powerLawSettings(own, schedule: values.schedule),
                                                  optimizer: Registry.powerLawOptimizer(values.optimizer, own[.optimizer]!),
                                                  batchSize: values.batchSize, seed: values.seed, data: data,
                                                  shouldStop: { Interruption.received != nil })
            var curve: [String: JSONValue] = ["step": .array(outcome.steps.map { .number(Double($0)) }),
                                              "loss": .array(outcome.losses.map { $0.isFinite ? .number($0) : .null })]
            if let errors = outcome.standardErrors { curve["stderr"] = .array(errors.map { $0.isFinite ? .number($0) : .null }) }
            var details: [(name: String, value: JSONValue)] = [(RecordKey.curve.description, .object(curve)), ("runs", .number(Double(outcome.runs)))]
            if let lambda = outcome.kernelLargestEigenvalue { details.append(("kernel_lambda_max", .number(lambda))) }
            if let scale = outcome.networkLearningRateScale { details.append(("lr_scale", .number(scale))) }
            let metrics = outcome.finalLoss.map { [(name: "train_loss", value: $0)] } ?? []
            switch outcome.status {
            case .completed:
                return try end(.ok, epoch: 1, metrics: metrics, details: details)
            case let .diverged(divergence):
                return try end(.diverged, epoch: 0, metrics: metrics, details: details + [
                    ("step", .number(Double(divergence.step))), ("last_finite_step", .number(Double(divergence.lastFiniteStep))),
                    ("last_finite_loss", divergence.lastFiniteLoss.isFinite ? .number(divergence.lastFiniteLoss) : .null),
                ])
            case let .interrupted(step):
                let signo = Interruption.received ?? SIGTERM
                _ = try end(.preempted, epoch: 0, metrics: metrics, details: [
                    ("signal", .string(Interruption.name(signo))), ("step", .number(Double(step))),
                ])
                return .stopped(signo)
            }
        } catch {
            return recordFailure(error, epoch: 0)
        }
    }
}
