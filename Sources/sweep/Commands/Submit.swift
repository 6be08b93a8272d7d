// `sweep submit`: the sweep as SLURM job arrays sized to the grid and the cluster.
import Foundation
import SweepCore
import Worker

struct Submit: Command {
    static let name = "submit"
    static let abstract = "write the sweep's sbatch script and submit it as job arrays (--dry-run prints it)"
    static let usage = """
        sweep submit GRID [--dry-run] [--only missing|failed] [--tasks T] [--results DIR]
          --dry-run          print the script and the sbatch commands; submit nothing
          --only missing     submit only configurations without an ok or diverged record (one task each)
          --only failed      submit only configurations whose last run failed (and rerun them)
          --tasks T          spread the configurations over T tasks (default: the grid's slurm.tasks, else one
                             task per configuration)
          --results DIR      parent folder of the sweep's results (default: $SWEEP_RESULTS, else results/)
        Resources come from the grid's "slurm" block (partition, time, cpus_per_task, mem, max_concurrent, …).
        Arrays are split at the cluster's MaxArraySize. Run from the repository's top folder (or set SWEEP_HOME).
        """

    let path: String
    let dryRun: Bool
    let selection: SubmitSelection
    let tasks: Int?
    let resultsParent: String?

    init(_ arguments: inout Arguments) throws {
        dryRun = try arguments.flag("dry-run")
        selection = try arguments.choice("only", ["missing", "failed"]).flatMap(SubmitSelection.init(rawValue:)) ?? .all
        tasks = try arguments.integer("tasks", in: 1...Int.max)
        resultsParent = try arguments.option("results")
        path = try arguments.positional("GRID (a grid file such as grids/cifar.json)")
    }

    func run() throws -> ExitStatus {
        let grid = try loadGrid(path)
        let environment = ProcessInfo.processInfo.environment
        let repository = environment["SWEEP_HOME"] ?? FileManager.default.currentDirectoryPath
        guard FileManager.default.isExecutableFile(atPath: repository + "/scripts/array.sh") else {
            throw SubmitError.notARepository(repository)
        }
        let results = ResultsFolder(sweepName: grid.name, parent: resultsParent, environment: environment)
        let submission = try Submission(grid: grid, results: results, repository: repository, selection: selection,
                                        tasks: tasks, maxArraySize: ClusterLimits.maxArraySize())
        guard !submission.arrays.isEmpty else {
            print("nothing to submit: every configuration of \(grid.name) is \(selection == .failed ? "free of failures" : "done")")
            return .success
        }
        if dryRun {
            print(submission.script.text)
            for command in submission.plannedCommands { print("# " + command.joined(separator: " ")) }
            return .success
        }
        _ = try results.freezeOrCompare(grid, acceptChanges: false)
        let ids: [String]
        do {
            ids = try submission.submit()
        } catch let error as SubmitError {
            // Arrays already queued make it an error after work started (exit 1), not bad input.
            if case .partlySubmitted = error { throw AfterWorkStarted(error: error) }
            throw error
        }
        let count = submission.arrays.map(\.count).reduce(0, +)
        print("submitted \(count) tasks of \(grid.name) as job \(ids.joined(separator: ", ")); script \(submission.scriptPath)")
        print("logs: \(results.root)/logs/   progress: swift run sweep status \(path)")
        return .success
    }
}
