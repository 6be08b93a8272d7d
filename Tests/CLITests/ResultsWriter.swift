import Foundation
import SweepCore

/// Writes records for a grid's configurations as the worker does, one shard per writer, so CLI tests
/// need no training. The grid is parsed but not validated: these grids name optimizers whatever the
/// catalog holds, as status and report read them.
final class ResultsWriter {
    let configurations: [(index: Int, id: String, config: JSONValue)]
    let sweep: String
    let shard: ShardWriter
    private var clock = 0.0

    init(gridPath: String, parent: String, shard name: String = "task0") throws {
        let grid = try GridParser.load(path: gridPath)
        configurations = (0..<grid.count).map { index in
            let configuration = grid.configuration(index)
            return (index, configuration.id, configuration.value)
        }
        sweep = grid.name
        let folder = ResultsFolder(sweepName: sweep, parent: parent, environment: [:])
        try folder.create()
        shard = try ShardWriter(path: folder.path("shards/\(name).jsonl"))
    }

    func write(_ event: RecordEvent, _ index: Int, status: RunStatus? = nil, epoch: Int = 0,
               metrics: [(name: String, value: Double)] = [], best: BestEpoch? = nil, message: String? = nil,
               details: [(name: String, value: JSONValue)] = []) throws {
        clock += 1
        let configuration = configurations[index]
        try shard.append(ResultRecord(event: event, id: configuration.id, index: index, sweep: sweep, status: status, epoch: epoch,
                                      metrics: metrics, elapsedSeconds: Double(epoch), time: isoTimestamp(Date(timeIntervalSince1970: 1_790_000_000 + clock)),
                                      origin: RecordOrigin(host: "node1", task: 0, tasks: 1, attempt: 1),
                                      config: configuration.config, best: best, message: message, details: details))
    }
}
