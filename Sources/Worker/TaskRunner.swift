// `sweep run`: the configurations of one task, one after another. Finished ones (ok or diverged) are
// skipped, preempted ones resume from their checkpoints, failed ones are rerun only when asked. A stop
// signal ends the current step, checkpoints it and stops the task; the requeue signal also requeues it.
import Foundation
import Models
import SweepCore

/// Runs a task's share of a grid.
public struct TaskRunner {
    public struct Options {
        /// Parent of the results folder (`--results`); nil for `SWEEP_RESULTS` or `results/`.
        public var resultsParent: String?
        /// Run configurations whose last run failed again (`--retry failed`).
        public var retryFailed = false
        /// Go on when the grid file differs from the frozen manifest, freezing it anew.
        public var acceptGridChange = false
        /// The signal that means "checkpoint and requeue" (SLURM's `--signal`); TERM and INT checkpoint and stop.
        public var requeueSignal = SIGUSR1
        /// Seconds between periodic checkpoints at epoch ends (0: after every epoch). A stop signal
        /// always checkpoints; the interval bounds what a SIGKILL or a crash can lose.
        public var checkpointInterval = 60.0

        public init(resultsParent: String? = nil) { self.resultsParent = resultsParent }
    }

    /// What a task did.
    public struct Summary: Equatable {
        public var assigned = 0
        /// Already ok or diverged before this task started.
        public var alreadyDone = 0
        /// Failed before and not retried.
        public var failedBefore = 0
        public var ok = 0, diverged = 0, failed = 0
        /// The signal that stopped the task, if one did.
        public var stoppedBy: Int32?
        /// Why the task stopped when a checkpoint or record could not be written (its configuration runs again).
        public var storageFailure: String?

    }

    public let grid: Grid
    public let environment: TaskEnvironment
    public let options: Options
    /// The process environment (for `SWEEP_RESULTS`, `SWEEP_DATA` and `SWEEP_KERNELS`).
    public let processEnvironment: [String: String]

    public init(grid: Grid, environment: TaskEnvironment, options: Options, processEnvironment: [String: String]) {
        self.grid = grid
        self.environment = environment
        self.options = options
        self.processEnvironment = processEnvironment
    }

    /// Runs the task. Throws only for problems found before any run starts (results folder, manifest).
    public func run() throws -> Summary {
        let results = ResultsFolder(sweepName: grid.name, parent: options.resultsParent, environment: processEnvironment)
        let check = try results.freezeOrCompare(grid, acceptChanges: options.acceptGridChange)
        let lock = try TaskLock(results: results, task: environment.task, tasks: environment.tasks)
        defer { lock.release() }
        let searchPaths = (processEnvironment["SWEEP_DATA"] ?? "").split(separator: ":").map(String.init)
        let context = RunContext(grid: grid, results: results, environment: environment, dataSearchPaths: searchPaths,
                                 requeueSignal: options.requeueSignal, checkpointInterval: options.checkpointInterval)
        if case let .changed(summary, _) = check { context.log("the grid changed; manifest frozen anew:\n\(summary)") }
        Interruption.install([SIGTERM, SIGINT, options.requeueSignal], secondInterruptKills: true)
        LauncherWatch.follow(processEnvironment)
        Compute.threads = max(1, environment.cpus)
        if let kernels = processEnvironment["SWEEP_KERNELS"], !kernels.isEmpty { try Kernels.select(kernels) }

        let index = RunIndex(shardsFolder: results.shards)
        for problem in index.problems { context.log("note: \(problem)") }
        var summary = Summary()
        let cache = DataCache()
        for position in grid.indices(task: environment.task, tasks: environment.tasks) {
            summary.assigned += 1
            if let signo = Interruption.received {
                summary.stoppedBy = signo
                break
            }
            let configuration = grid.configuration(position)
            switch index[configuration.id]?.status {
            case .ok?, .diverged?:
                summary.alreadyDone += 1
                continue
            case .failed? where !options.retryFailed:
                summary.failedBefore += 1
                continue
            default:
                break
            }
            switch TrainingRun(configuration, context: context, cache: cache).execute() {
            case .finished(.ok): summary.ok += 1
            case .finished(.diverged): summary.diverged += 1
            case .finished: summary.failed += 1
            case let .stopped(signo): summary.stoppedBy = signo
            case let .storageFailed(reason): summary.storageFailure = reason
            }
            // A full disk or a read-only folder would fail every following configuration too.
            if summary.stoppedBy != nil || summary.storageFailure != nil { break }
        }
        if let signo = summary.stoppedBy {
            context.log("stopped by SIG\(Interruption.name(signo)) after checkpointing; running the task again resumes it")
            if signo == options.requeueSignal, environment.jobID != nil {
                // The next attempt may start while this process is still exiting: it must find the task free.
                lock.release()
                Requeue.task(environment, log: context.log)
            }
        } else {
            context.log(describe(summary, results: results))
        }
        return summary
    }

    private func describe(_ summary: Summary, results: ResultsFolder) -> String {
        var parts = ["\(summary.assigned) configurations assigned", "\(summary.ok) ok", "\(summary.diverged) diverged",
                     "\(summary.failed) failed"]
        if summary.alreadyDone > 0 { parts.append("\(summary.alreadyDone) already done") }
        if summary.failedBefore > 0 { parts.append("\(summary.failedBefore) failed earlier (--retry failed reruns them)") }
        if let reason = summary.storageFailure { parts.append("stopped early, as results cannot be saved (\(reason))") }
        return parts.joined(separator: ", ") + "; results in \(results.root)"
    }
}
