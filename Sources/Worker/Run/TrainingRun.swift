// One configuration, trained from start (or from its checkpoint) to its `end` record. Whatever happens —
// a finished run, a NaN loss, an error, a stop signal — the run ends with exactly one `end` record, and
// a stop signal leaves a checkpoint the next attempt continues from, bit for bit.
import Foundation
import Models
import Optim
import SweepCore

/// How one run ended, for the task's exit code.
enum RunEnding: Equatable {
    case finished(RunStatus)
    /// Stopped by this signal after checkpointing; the task must stop too.
    case stopped(Int32)
    /// Its checkpoint or records could not be written (a full disk, a read-only folder): not the
    /// configuration's fault, so it is not marked failed and runs again next time; the task stops.
    case storageFailed(String)
}

final class TrainingRun {
    let configuration: Configuration
    let context: RunContext
    let cache: DataCache
    private let started = Date()

    init(_ configuration: Configuration, context: RunContext, cache: DataCache) {
        self.configuration = configuration
        self.context = context
        self.cache = cache
    }

    /// Trains the configuration and writes its records. Never throws: failures are `failed` records.
    func execute() -> RunEnding {
        let values: ConfigurationValues
        do {
            values = try ConfigurationValues(configuration)
        } catch {
            return recordFailure(error, epoch: 0)
        }
        return PowerLawCatalog.names.contains(values.model) ? executePowerLaw(values) : train(values)
    }

    /// Trains by epochs, from the checkpoint if there is one.
    private func train(_ values: ConfigurationValues) -> RunEnding {
        var progress = RunProgress(seed: values.seed)
        do {
            var setup = try RunSetup(values, context: context, cache: cache)
            let checkpoint = RunCheckpoint(path: context.results.checkpointPath(id: configuration.id), configurationID: configuration.id)
            do {
                if let restored = try checkpoint.restore(into: setup, epochs: values.epochs) {
                    progress = restored
                    context.log("config \(configuration.index) (\(configuration.id.prefix(10))): resuming at epoch \(progress.epoch + 1), step \(progress.stepInEpoch)")
                }
            } catch {
                // Whatever does not fit (a damaged file, another shape) is set aside, not retried forever;
                // a failed restore may have loaded part of the state, so start over from a fresh setup.
                checkpoint.setAside(because: error as? CheckpointError ?? .mismatch(checkpoint.path, "\(error)"), log: context.log)
                setup = try RunSetup(values, context: context, cache: cache)
            }
            try write(.start, epoch: progress.epoch, details: [("kernels", .string(Kernels.selected.name))])
            var trainer = Trainer(setup: setup, values: values)
            var lastCheckpoint = Date()
            // Checkpoints are only written before the last epoch ends, so a restored run always has one to train.
            while true {
                let epochStarted = Date()
                switch try trainer.trainEpoch(&progress) {
                case let .diverged(step, loss):
                    return try end(.diverged, epoch: progress.epoch, metrics: [("train_loss", loss)], details: [
                        ("step", .number(Double(step))), ("last_finite_loss", progress.lastFiniteLoss.isFinite ? .number(progress.lastFiniteLoss) : .null),
                    ])
                case let .stopped(signo):
                    return try preempt(signo, progress, setup, checkpoint, metrics: [],
                                       details: [("step_in_epoch", .number(Double(progress.stepInEpoch)))])
                case .completed:
                    break
                }
                let metrics = try trainer.epochMetrics(progress)
                progress.epoch += 1
                progress.stepInEpoch = 0
                progress.totals = MetricTotals()
                progress.admissionsBefore = AdmissionCounts()
                if metrics.contains(where: { $0.name.hasSuffix("_loss") && !$0.value.isFinite }) {
                    return try end(.diverged, epoch: progress.epoch, metrics: metrics, details: [
                        ("step", .number(Double(progress.globalStep))), ("last_finite_loss", .number(progress.lastFiniteLoss)),
                    ])
                }
                progress.best = Trainer.better(progress.best, metrics: metrics, epoch: progress.epoch)
                try write(.epoch, epoch: progress.epoch, metrics: metrics)
                context.log(progressLine(progress.epoch, of: values.epochs, metrics, Date().timeIntervalSince(epochStarted)))
                // A run whose last epoch is done is finished, even if a stop signal came meanwhile.
                if progress.epoch == values.epochs {
                    // Transformers with save_weights leave their weights in safetensors, loadable in PyTorch.
                    var weights: [(name: String, value: JSONValue)] = []
                    if let model = setup.network as? TransformerLanguageModel, model.savesWeights {
                        let folder = context.results.path("models/\(configuration.id)")
                        try model.saveCheckpoint(to: URL(fileURLWithPath: folder))
                        weights = [("weights", .string(folder))]
                    }
                    let ending = try end(.ok, epoch: progress.epoch, metrics: metrics, best: progress.best.map(\.record),
                                         details: [("train_seconds", .number(progress.secondsBefore + seconds))] + weights)
                    checkpoint.remove()
                    return ending
                }
                if let signo = Interruption.received {
                    return try preempt(signo, progress, setup, checkpoint, metrics: metrics, details: [])
                }
                // Periodic checkpoints bound the work a SIGKILL can lose.
                if Date().timeIntervalSince(lastCheckpoint) >= context.checkpointInterval {
                    try checkpoint.save(progress, setup: setup, secondsNow: seconds)
                    lastCheckpoint = Date()
                }
            }
        } catch {
            if let reason = Self.storageFailure(error) {
                context.log("config \(configuration.index) (\(configuration.id.prefix(10))): \(reason); "
                            + "not marked failed: it runs again (from its last checkpoint) when the task is run again")
                return .storageFailed(reason)
            }
            return recordFailure(error, epoch: progress.epoch)
        }
    }

    /// What went wrong if `error` is a failure to write the run's own state (checkpoint, records).
    static func storageFailure(_ error: Error) -> String? {
        switch error {
        case let error as CheckpointError: if case .cannotWrite = error { return "\(error)" }
        case let error as ResultsError: if case .cannotWrite = error { return "\(error)" }
        default: break
        }
        return nil
    }

    /// Checkpoints the run and records it `preempted`, for the next attempt to resume.
    private func preempt(_ signo: Int32, _ progress: RunProgress, _ setup: RunSetup, _ checkpoint: RunCheckpoint,
                         metrics: [(name: String, value: Double)], details: [(name: String, value: JSONValue)]) throws -> RunEnding {
        try checkpoint.save(progress, setup: setup, secondsNow: seconds)
        _ = try end(.preempted, epoch: progress.epoch, metrics: metrics, details: [
            ("signal", .string(Interruption.name(signo))), ("checkpoint", .string(checkpoint.path)),
        ] + details)
        return .stopped(signo)
    }

    /// Records a run stopped by an error as `failed`, with the error's message.
    func recordFailure(_ error: Error, epoch: Int) -> RunEnding {
        let message = "\(error)"
        context.log("config \(configuration.index) (\(configuration.id.prefix(10))) failed: \(message)")
        do {
            return try end(.failed, epoch: epoch, metrics: [], message: message, details: [])
        } catch {
            context.log("cannot record the failure: \(error)")
            return .finished(.failed)
        }
    }

    private var seconds: Double { Date().timeIntervalSince(started) }

    func write(_ event: RecordEvent, epoch: Int, metrics: [(name: String, value: Double)] = [],
               status: RunStatus? = nil, best: BestEpoch? = nil, message: String? = nil,
               details: [(name: String, value: JSONValue)] = [], durable: Bool = false) throws {
        try context.write(ResultRecord(event: event, id: configuration.id, index: configuration.index, sweep: context.grid.name,
                                       status: status, epoch: epoch, metrics: metrics, elapsedSeconds: seconds,
                                       time: isoTimestamp(), origin: context.origin, config: configuration.value,
                                       best: best, message: message, details: details), durable: durable)
    }

    func end(_ status: RunStatus, epoch: Int, metrics: [(name: String, value: Double)], best: BestEpoch? = nil,
             message: String? = nil, details: [(name: String, value: JSONValue)]) throws -> RunEnding {
        try write(.end, epoch: epoch, metrics: metrics, status: status, best: best, message: message, details: details, durable: true)
        if status != .ok && status != .failed {
            context.log("config \(configuration.index) (\(configuration.id.prefix(10))): \(status.rawValue) at epoch \(epoch)")
        }
        return .finished(status)
    }

    private func progressLine(_ epoch: Int, of epochs: Int, _ metrics: [(name: String, value: Double)], _ seconds: Double) -> String {
        let shown = metrics.filter { $0.name != MetricNames.learningRate }.map { "\($0.name) \(format($0.value))" }
        return "config \(configuration.index) (\(configuration.id.prefix(10))) epoch \(epoch)/\(epochs): "
            + shown.joined(separator: ", ") + String(format: " (%.1f s)", seconds)
    }

    private func format(_ value: Double) -> String {
        value.isFinite ? String(format: abs(value) >= 1000 || (abs(value) < 0.001 && value != 0) ? "%.3e" : "%.4f", value) : "\(value)"
    }
}
