// Writes runs into a results folder in the worker's format (start, one epoch record per epoch, end), so
// status and report tests have real shards to read without training anything.
import Foundation
@testable import SweepCore

/// A grid and a results folder under the temporary directory, and writers for its runs.
final class SyntheticSweep {
    let grid: Grid
    let ids: [String]
    let folder: ResultsFolder
    private var clock = 0
    private var writers: [String: ShardWriter] = [:]

    /// Parses `gridText` (its `name` names the results folder) and creates an empty results folder.
    init(_ gridText: String) throws {
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        let path = (parent as NSString).appendingPathComponent("grid.json")
        try gridText.write(toFile: path, atomically: true, encoding: .utf8)
        grid = try GridParser.load(path: path)
        let parsed = grid
        ids = (0..<parsed.count).map { parsed.configuration($0).id }
        folder = ResultsFolder(sweepName: grid.name, parent: parent, environment: [:])
        try folder.create()
    }

    var gridPath: String { ((folder.root as NSString).deletingLastPathComponent as NSString).appendingPathComponent("grid.json") }
    var parent: String { (folder.root as NSString).deletingLastPathComponent }

    deinit { try? FileManager.default.removeItem(atPath: parent) }

    /// A record time one millisecond after the previous one, so that records written later sort later.
    func tick() -> String {
        clock += 1
        return isoTimestamp(Date(timeIntervalSince1970: 1_800_000_000 + Double(clock) / 1000))
    }

    func writer(_ shard: String) throws -> ShardWriter {
        if let known = writers[shard] { return known }
        let made = try ShardWriter(path: folder.path("shards/\(shard).jsonl"))
        writers[shard] = made
        return made
    }

    /// Appends one record of configuration `index` to `shard`.
    func write(_ event: RecordEvent, _ index: Int, shard: String = "task0", status: RunStatus? = nil, epoch: Int,
               metrics: [(String, Double)] = [], best: BestEpoch? = nil, details: [(String, JSONValue)] = [],
               host: String = "node1", attempt: Int = 1) throws {
        let configuration = grid.configuration(index)
        let record = ResultRecord(event: event, id: configuration.id, index: index, sweep: grid.name, status: status,
                                  epoch: epoch, metrics: metrics, elapsedSeconds: Double(epoch), time: tick(),
                                  origin: RecordOrigin(host: host, task: 0, tasks: 1, attempt: attempt, slurmJobID: "900",
                                                       slurmArrayJobID: "900", slurmArrayTaskID: 0),
                                  config: configuration.value, best: best, details: details)
        try writer(shard).append(record)
    }

    /// A whole run: start, `curve.count` epoch records with `metrics(epoch)`, and an end record with
    /// `status`, the last epoch's metrics and, for an ok run, the best epoch by `selection` (unless
    /// `recordBest` is false: the report must then find it in the epoch records).
    func run(_ index: Int, shard: String = "task0", status: RunStatus = .ok, epochs: Int,
             metrics: (Int) -> [(String, Double)], selection: String = "valid_accuracy",
             details: [(String, JSONValue)] = [], attempt: Int = 1, recordBest: Bool = true) throws {
        try write(.start, index, shard: shard, epoch: 0, attempt: attempt)
        for epoch in 1...max(1, epochs) where epochs > 0 {
            try write(.epoch, index, shard: shard, epoch: epoch, metrics: metrics(epoch), attempt: attempt)
        }
        var best: BestEpoch?
        if recordBest, status == .ok, epochs > 0, let higher = MetricNames.higherIsBetter(selection) {
            let values = (1...epochs).map { e in (e, metrics(e).first { $0.0 == selection }!.1) }
            let top = values.dropFirst().reduce(values[0]) { (higher ? $1.1 > $0.1 : $1.1 < $0.1) ? $1 : $0 }
            let test = metrics(top.0).filter { $0.0.hasPrefix("test_") }
            best = BestEpoch(metric: selection, epoch: top.0, value: top.1, test: Dictionary(uniqueKeysWithValues: test))
        }
        try write(.end, index, shard: shard, status: status, epoch: epochs, metrics: epochs > 0 ? metrics(epochs) : [],
                  best: best, details: details, attempt: attempt)
    }
}
