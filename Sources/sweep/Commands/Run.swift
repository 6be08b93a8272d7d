// `sweep run`: the worker, as each SLURM array task (or `sweep local`'s processes) runs it.
import Foundation
import SweepCore
import Worker

struct Run: Command {
    static let name = "run"
    static let abstract = "train this task's share of a grid (SLURM array task, --task/--tasks, or everything)"
    static let usage = """
        sweep run GRID [--task N --tasks T] [--results DIR] [--retry failed] [--accept-grid-change] [--signal USR1]
                       [--checkpoint-every SECONDS]
          --task N --tasks T    run the configurations whose index i has i mod T == N (default: from
                                SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN of SLURM_ARRAY_TASK_COUNT, else all)
          --results DIR         parent folder of the sweep's results (default: $SWEEP_RESULTS, else results/)
          --retry failed        run configurations whose last run failed again
          --accept-grid-change  go on when the grid file differs from the frozen manifest (results stay keyed by id)
          --signal NAME         the signal that means checkpoint and requeue (default USR1); TERM and INT
                                checkpoint and stop
          --checkpoint-every S  checkpoint at the end of an epoch when S seconds have passed since the last
                                (default 60; 0: every epoch); a stop signal always checkpoints
        Configurations that already have an ok or diverged record are skipped; a preempted one resumes from
        its checkpoint. Exit 0: all assigned work done; 1: some run failed; 2: bad input; 128+n: stopped by
        signal n after checkpointing.
        """

    let path: String
    let share: (task: Int, tasks: Int)?
    let options: TaskRunner.Options

    init(_ arguments: inout Arguments) throws {
        share = try taskShare(&arguments)
        var options = TaskRunner.Options(resultsParent: try arguments.option("results"))
        if let retry = try arguments.choice("retry", ["failed"]) { options.retryFailed = retry == "failed" }
        options.acceptGridChange = try arguments.flag("accept-grid-change")
        if let name = try arguments.option("signal") {
            guard let signo = Interruption.signal(named: name) else {
                throw UsageError("--signal \(name): expected one of USR1, USR2, TERM, INT, HUP")
            }
            options.requeueSignal = signo
        }
        if let seconds = try arguments.integer("checkpoint-every", in: 0...Int.max) { options.checkpointInterval = Double(seconds) }
        self.options = options
        path = try arguments.positional("GRID (a grid file such as grids/mnist.json)")
    }

    func run() throws -> ExitStatus {
        // Before anything slow (a large grid, the manifest): a signal sent early is noted, not fatal.
        Interruption.install([SIGTERM, SIGINT, options.requeueSignal], secondInterruptKills: true)
        let grid = try loadGrid(path)
        let environment = try TaskEnvironment.resolve(environment: ProcessInfo.processInfo.environment,
                                                      task: share?.task, tasks: share?.tasks)
        let summary = try TaskRunner(grid: grid, environment: environment, options: options,
                                     processEnvironment: ProcessInfo.processInfo.environment).run()
        if let signal = summary.stoppedBy { return .stopped(signal: signal) }
        return summary.failed + summary.failedBefore > 0 || summary.storageFailure != nil ? .someRunFailed : .success
    }
}
