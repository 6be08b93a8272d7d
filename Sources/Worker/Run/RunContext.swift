// What every run of one worker process shares: where records go, who is writing them, where data is
// found, and how progress is shown.
import Foundation
import SweepCore

/// The per-process surroundings of the runs a worker executes.
final class RunContext {
    let grid: Grid
    let results: ResultsFolder
    let environment: TaskEnvironment
    let origin: RecordOrigin
    /// Folders holding dataset folders (`SWEEP_DATA`, colon-separated), searched after `data_path`.
    let dataSearchPaths: [String]
    /// The signal that means "checkpoint, requeue and stop" (besides SIGTERM and SIGINT).
    let requeueSignal: Int32
    /// Seconds between periodic checkpoints at epoch ends (0: every epoch).
    let checkpointInterval: Double
    private var shard: ShardWriter?

    init(grid: Grid, results: ResultsFolder, environment: TaskEnvironment, dataSearchPaths: [String], requeueSignal: Int32,
         checkpointInterval: Double) {
        self.grid = grid
        self.results = results
        self.environment = environment
        self.dataSearchPaths = dataSearchPaths
        self.requeueSignal = requeueSignal
        self.checkpointInterval = checkpointInterval
        origin = RecordOrigin(host: environment.host, task: environment.task, tasks: environment.tasks,
                              attempt: environment.attempt, slurmJobID: environment.jobID,
                              slurmArrayJobID: environment.arrayJobID, slurmArrayTaskID: environment.arrayTaskID)
    }

    /// Appends a record to this process's shard, opening it on first use (a task with nothing to do
    /// leaves no empty shard behind).
    func write(_ record: ResultRecord, durable: Bool = false) throws {
        if shard == nil {
            shard = try ShardWriter(creating: results.shardPath(origin: origin, processID: ProcessInfo.processInfo.processIdentifier))
        }
        try shard!.append(record, durable: durable)
    }

    /// A line on standard error, prefixed with the task.
    func log(_ message: String) {
        let prefix = environment.tasks > 1 ? "[task \(environment.task)/\(environment.tasks)] " : ""
        FileHandle.standardError.write(Data((prefix + message + "\n").utf8))
    }
}
