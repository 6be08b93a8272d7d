// `sweep status`: how many configurations are done, running, failed, diverged, preempted and pending,
// per optimizer; which failed and why; how far the running ones are; what SLURM's queue holds.
import Foundation
import SweepCore

struct Status: Command {
    static let name = "status"
    static let abstract = "counts of done/running/failed/diverged/preempted/pending runs, failures and progress"
    static let usage = """
        sweep status GRID [--results DIR] [--limit N] [--no-squeue]
          --results DIR  the folder holding the sweep's results folder (default: $SWEEP_RESULTS, else results)
          --limit N      list at most N failed and N running configurations (default 20; 0 lists none)
          --no-squeue    do not ask SLURM's queue (by default squeue is called once when it is on PATH)
        """

    let path: String
    let results: String?
    let limit: Int
    let asksQueue: Bool

    init(_ arguments: inout Arguments) throws {
        results = try arguments.option("results")
        limit = try arguments.integer("limit", in: 0...Int.max) ?? 20
        asksQueue = !(try arguments.flag("no-squeue"))
        path = try arguments.positional("GRID (a grid file such as grids/mnist.json)")
    }

    func run() throws -> ExitStatus {
        let grid = try readGrid(path)
        let folder = ResultsFolder(sweepName: grid.name, parent: results, environment: ProcessInfo.processInfo.environment)
        let status = SweepStatus(grid: grid, folder: folder, limit: limit)
        var queue: QueueSnapshot?
        var note: String?
        if asksQueue {
            switch querySqueue(sweep: grid.name, arrayJobIDs: Set(status.running.compactMap(\.arrayJobID))) {
            case .unavailable: break
            case let .failed(message): note = "not available (\(message))"
            case let .listed(snapshot): queue = snapshot
            }
        }
        print(status.render(now: Date().timeIntervalSince1970, queue: queue, queueNote: note), terminator: "")
        return .success
    }
}
