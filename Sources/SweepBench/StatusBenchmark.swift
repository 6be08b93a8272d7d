// `sweep-bench status`: how long `sweep status` takes on a results folder of a million records. It
// writes the folder itself (a 48,000-configuration grid, 64 task shards written with ShardWriter in
// the worker's record format, every state represented), then times the phases in-process and, when
// the `sweep` binary sits next to this one, the whole command as a user runs it. The report's
// aggregation over the same folder is timed too, for comparison. Before all that, a real sweep of 10⁶
// configurations (FrozenSweepBenchmark.swift): `sweep status` and the changed-grid check, with peak memory.
import Foundation
import SweepCore

/// Runs the status benchmark. Options: `--records N` (default 1,000,000), `--keep DIR` (write the
/// folder under DIR and keep it; an existing one of the same size is reused), `--samples N` (default 5).
func statusBenchmark(_ arguments: [String]) throws {
    let (records, samples, keep) = try recordsOptions(arguments, samples: 5)
    // First, while this process is small (see FrozenSweepBenchmark.swift).
    try frozenSweepBenchmark(samples: samples, keep: keep)
    let parent = keep ?? FileManager.default.temporaryDirectory.appendingPathComponent("sweep-bench-status-\(getpid())").path
    defer { if keep == nil { try? FileManager.default.removeItem(atPath: parent) } }
    let (grid, gridPath, folder, bytes) = try syntheticFolder(parent: parent, records: records)
    print("status benchmark: \(records) records, \(grid.count) configurations, 64 shards, "
          + String(format: "%.0f MB", Double(bytes) / 1e6) + "; median of \(samples) runs (best in brackets)")
    print("machine: \(ProcessInfo.processInfo.activeProcessorCount) active processors\n")
    print("| phase | seconds |")
    print("|---|---|")
    let threads = ProcessInfo.processInfo.activeProcessorCount
    row("configuration ids (\(grid.count), \(threads) threads)", measure(samples) { _ = ConfigurationIDs(grid, threads: threads) })
    let ids = ConfigurationIDs(grid, threads: threads)
    row("scan: map shards, read heads, fold traces", measure(samples) { _ = ResultsScan(shardsFolder: folder.shards, ids: ids) })
    var status: SweepStatus?
    row("SweepStatus (scan hashing the ids it meets, counts, lists)", measure(samples) { status = SweepStatus(grid: grid, folder: folder, limit: 20) })
    row("render", measure(samples) { _ = status!.render(now: Date().timeIntervalSince1970, queue: nil, queueNote: nil) })
    // For comparison: the report reads every epoch record's metrics and every final end record in full.
    row("(report: SweepResults + SweepReport, for comparison)", measure(max(1, samples / 2)) { _ = SweepReport(SweepResults(grid: grid, folder: folder)) })

    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("sweep").path
    if FileManager.default.isExecutableFile(atPath: binary) {
        let command = [binary, "status", gridPath, "--results", parent, "--no-squeue"]
        row("`sweep status` process, end to end", try measure(samples) { try runQuietly(command) })
        print("\ncommand: \(command.joined(separator: " "))")
    } else {
        print("\n(no `sweep` binary next to sweep-bench: build both with `swift build -c release` to time the command)")
    }
    let counts = status!.overall
    print("states: " + RunState.allCases.map { "\($0.rawValue) \(counts[$0])" }.joined(separator: ", ")
          + "; records read: \(status!.recordCount)")
}

/// The grid: critical-gradient optimizers over lr × topC × decay × momentum and their bases over
/// lr × momentum, 200 seeds each: 48,000 configurations of 23 epochs.
private let benchmarkGrid = """
    {
      "name": "bench-status",
      "fixed": {"dataset": "cifar10", "model": "convnet", "epochs": 23, "batch_size": 64},
      "grid": [
        {"optimizer": ["sgd_c", "adam_c"], "lr": [0.1, 0.01, 0.001, 0.0001], "topC": [5, 10, 20], "decay": [0.7, 0.9, 0.99], "momentum": [0, 0.5, 0.9]},
        {"optimizer": ["sgd", "adam"], "lr": [0.1, 0.01, 0.001, 0.0001], "momentum": [0, 0.5, 0.9]}
      ],
      "seed": [\((0..<200).map(String.init).joined(separator: ", "))]
    }
    """

/// Writes (or reuses) the synthetic results folder under `parent`: configurations in index order, each
/// in the shard of task `index mod 64`, until `records` records are written; the rest stay pending.
/// Of the runs, 1 in 40 diverges at epoch 5, 1 in 50 fails at start, 1 in 50 is preempted at epoch 9,
/// 1 in 30 is still running at epoch 12, the others finish. The report benchmark reads the same folder.
func syntheticFolder(parent: String, records: Int) throws -> (Grid, String, ResultsFolder, Int) {
    try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
    let gridPath = (parent as NSString).appendingPathComponent("bench-status.json")
    try benchmarkGrid.write(toFile: gridPath, atomically: true, encoding: .utf8)
    let grid = try GridParser.load(path: gridPath)
    let folder = ResultsFolder(sweepName: grid.name, parent: parent, environment: [:])
    let marker = folder.path("records-\(records)")
    if FileManager.default.fileExists(atPath: marker) { return (grid, gridPath, folder, shardBytes(folder)) }
    try? FileManager.default.removeItem(atPath: folder.root)
    try folder.create()

    let shards = 64
    let writers = try (0..<shards).map { task in
        try ShardWriter(path: folder.shardPath(origin: RecordOrigin(host: "node\(task % 8)", task: task, tasks: shards, attempt: 1,
                                                                   slurmJobID: "\(5000 + task)", slurmArrayJobID: "5000",
                                                                   slurmArrayTaskID: task), processID: 1000 + Int32(task)))
    }
    var written = 0
    var clock = 1_800_000_000.0
    var index = 0
    while written < records && index < grid.count {
        let configuration = grid.configuration(index)
        let task = index % shards
        let origin = RecordOrigin(host: "node\(task % 8)", task: task, tasks: shards, attempt: 1, slurmJobID: "\(5000 + task)",
                                  slurmArrayJobID: "5000", slurmArrayTaskID: task)
        let (status, epochs): (RunStatus?, Int) =
            index % 40 == 7 ? (.diverged, 5) : index % 50 == 3 ? (.failed, 0) : index % 50 == 11 ? (.preempted, 9)
            : index % 30 == 13 ? (nil, 12) : (.ok, 23)
        func emit(_ event: RecordEvent, epoch: Int, status: RunStatus? = nil, metrics: [(name: String, value: Double)] = [],
                  best: BestEpoch? = nil, message: String? = nil, details: [(name: String, value: JSONValue)] = []) throws {
            guard written < records else { return }
            clock += 0.001
            let record = ResultRecord(event: event, id: configuration.id, index: index, sweep: grid.name, status: status, epoch: epoch,
                                      metrics: metrics, elapsedSeconds: Double(epoch) * 31.7, time: isoTimestamp(Date(timeIntervalSince1970: clock)),
                                      origin: origin, config: configuration.value, best: best, message: message, details: details)
            try writers[task].append(record, durable: false)
            written += 1
        }
        func metrics(_ epoch: Int) -> [(name: String, value: Double)] {
            let e = Double(epoch), jitter = Double(index % 97) / 9700
            return [("train_loss", 2.3 / (1 + e) + jitter), ("train_accuracy", 1 - 0.9 / (1 + e)), ("valid_loss", 2.4 / (1 + e) + jitter),
                    ("valid_accuracy", 1 - 0.95 / (1 + e) - jitter), ("test_loss", 2.45 / (1 + e) + jitter),
                    ("test_accuracy", 1 - 0.96 / (1 + e) - jitter), ("lr", 0.01), ("admitted_share", 0.25 + jitter)]
        }
        try emit(.start, epoch: 0)
        for epoch in stride(from: 1, through: epochs, by: 1) { try emit(.epoch, epoch: epoch, metrics: metrics(epoch)) }
        switch status {
        case .ok?:
            try emit(.end, epoch: epochs, status: .ok, metrics: metrics(epochs), best: BestEpoch(
                metric: "valid_accuracy", epoch: epochs, value: metrics(epochs)[3].value,
                test: ["test_accuracy": metrics(epochs)[5].value, "test_loss": metrics(epochs)[4].value]))
        case .diverged?:
            try emit(.end, epoch: epochs, status: .diverged, details: [("step", .number(Double(epochs * 780 + 13))), ("last_finite_loss", .number(41.5))])
        case .failed?:
            try emit(.end, epoch: 0, status: .failed, message: "cannot read /data/cifar10/data_batch_1.bin: no such file")
        case .preempted?:
            try emit(.end, epoch: epochs, status: .preempted, details: [("checkpoint", .string(folder.checkpointPath(id: configuration.id)))])
        default:
            break
        }
        index += 1
    }
    _ = FileManager.default.createFile(atPath: marker, contents: nil)
    return (grid, gridPath, folder, shardBytes(folder))
}

private func shardBytes(_ folder: ResultsFolder) -> Int {
    ShardReader(folder: folder.shards).shardPaths().reduce(0) { total, path in
        total + ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
    }
}
