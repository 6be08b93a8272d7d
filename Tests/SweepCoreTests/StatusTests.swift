import Testing
import Foundation
@testable import SweepCore

@Suite struct StatusTests {
    static let grid = #"""
    {"name": "st", "fixed": {"epochs": 3}, "grid": {"optimizer": ["sgd", "adam"], "lr": [0.1, 0.01]}, "seed": [0, 1]}
    """#

    static func metrics(_ epoch: Int) -> [(String, Double)] {
        [("train_loss", 1.0 / Double(epoch)), ("valid_accuracy", 0.5 + 0.1 * Double(epoch)), ("lr", 0.1)]
    }

    /// Every state once: sgd runs 0–3, adam runs 4–7 (optimizer varies slowest, seed fastest).
    static func everyState() throws -> SyntheticSweep {
        let sweep = try SyntheticSweep(grid)
        try sweep.run(0, epochs: 3, metrics: metrics)
        try sweep.run(1, status: .diverged, epochs: 2, metrics: metrics,
                      details: [("step", .number(17)), ("last_finite_loss", .number(3.5))])
        try sweep.run(2, status: .failed, epochs: 0, metrics: metrics, details: [("message", .string("cannot read \"mnist\": no such file"))])
        try sweep.run(3, status: .preempted, epochs: 1, metrics: metrics, details: [("checkpoint", .string("x.ckpt"))])
        try sweep.write(.start, 4, epoch: 0)
        try sweep.write(.epoch, 4, epoch: 1, metrics: metrics(1))
        try sweep.write(.epoch, 4, epoch: 2, metrics: metrics(2), host: "node7")
        // Preempted in one task, resumed by the requeued task in another shard: running again.
        try sweep.run(5, status: .preempted, epochs: 1, metrics: metrics)
        try sweep.write(.start, 5, shard: "task0-requeued", epoch: 1, attempt: 2)
        // Failed, then re-run to the end elsewhere: done.
        try sweep.run(6, status: .failed, epochs: 0, metrics: metrics, details: [("message", .string("out of memory"))])
        try sweep.run(6, shard: "rerun", epochs: 3, metrics: metrics)
        return sweep
    }

    @Test func countsEveryStatePerOptimizer() throws {
        let sweep = try Self.everyState()
        let status = SweepStatus(grid: sweep.grid, folder: sweep.folder, limit: 10)
        #expect(status.groups.map(\.name) == ["sgd", "adam"])
        let sgd = status.groups[0].counts, adam = status.groups[1].counts
        #expect(sgd.values == [1, 0, 1, 1, 1, 0])
        #expect(adam.values == [1, 2, 0, 0, 0, 1])
        #expect(sgd[.diverged] == 1 && adam[.running] == 2)
        #expect(status.overall.total == 8)
        #expect(status.recordCount == 5 + 4 + 2 + 3 + 3 + (3 + 1) + (2 + 5))
        #expect(status.failed.map(\.index) == [2])
        #expect(status.failed[0].message == #"cannot read "mnist": no such file"#)
        #expect(status.failed[0].setting == "optimizer=sgd lr=0.01 seed=0")
        #expect(status.failureMessages.map(\.message) == [#"cannot read "mnist": no such file"#])
        #expect(status.running.map(\.index) == [4, 5])
        #expect(status.running[0].epoch == 2)
        #expect(status.running[0].epochs == 3)
        #expect(status.running[0].host == "node7")
        #expect(status.running[0].metrics.map(\.name) == ["train_loss", "valid_accuracy", "lr"])
        #expect(status.running[0].metrics[1].value == 0.7)
        // Run 5's epoch record belongs to the preempted attempt; the resumed one has only started,
        // from epoch 1's checkpoint.
        #expect(status.running[1].epoch == 1)
        #expect(status.running[1].metrics.isEmpty)
        #expect(status.problems.isEmpty)
        #expect(status.foreignRecords == 0)
    }

    @Test func acrossShardsTheLaterRecordWinsWhateverTheShardNames() throws {
        let sweep = try SyntheticSweep(Self.grid)
        // "z" is read last but written first: its start is older than the failure in "a".
        try sweep.write(.start, 0, shard: "z", epoch: 0)
        try sweep.write(.end, 0, shard: "a", status: .failed, epoch: 0, details: [("message", .string("late failure"))])
        // And the other way round: the failure is older than the retry's start.
        try sweep.write(.end, 1, shard: "y", status: .failed, epoch: 0)
        try sweep.write(.start, 1, shard: "b", epoch: 0)
        let status = SweepStatus(grid: sweep.grid, folder: sweep.folder, limit: 10)
        #expect(status.failed.map(\.index) == [0])
        #expect(status.running.map(\.index) == [1])
    }

    @Test func limitsListsAndReportsForeignAndTornRecords() throws {
        let sweep = try Self.everyState()
        let foreign = ResultRecord(event: .start, id: String(repeating: "ab", count: 32), index: 0, sweep: "st", epoch: 0,
                                   elapsedSeconds: 0, time: sweep.tick(), origin: RecordOrigin(host: "h", task: 0, tasks: 1, attempt: 1),
                                   config: .object(["lr": .number(5)]))
        try sweep.writer("old").append(foreign)
        // Status reads heads only: a line is "not a record" when its head is damaged.
        try sweep.writer("old").append(line: Array(#"{"event":"finish","id":"x"}"#.utf8) + [UInt8(ascii: "\n")])
        let torn = Array(foreign.line.dropLast(20))
        let handle = try #require(FileHandle(forWritingAtPath: sweep.folder.path("shards/old.jsonl")))
        handle.seekToEndOfFile()
        handle.write(Data(torn))
        try handle.close()

        try sweep.run(7, status: .failed, epochs: 0, metrics: Self.metrics, details: [("message", .string("out of memory"))])
        let status = SweepStatus(grid: sweep.grid, folder: sweep.folder, limit: 1)
        #expect(status.running.map(\.index) == [4])
        #expect(status.failed.map(\.index) == [2])
        #expect(status.failureMessages.map(\.count) == [1, 1])
        #expect(status.failureMessages.map(\.message) == [#"cannot read "mnist": no such file"#, "out of memory"])
        #expect(status.foreignRecords == 1)
        #expect(status.foreignConfigurations == 1)
        #expect(status.problems.map(\.kind) == [.corruptLine, .incompleteLastLine])
        #expect(status.problems.map(\.line) == [2, 3])

        let text = status.render(now: 1_800_000_060, queue: nil, queueNote: nil)
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= 80 })
        #expect(text.contains("running (2, first 1 by index; --limit N shows more):"))
        #expect(text.contains("errors of all 2 failed, most frequent first:\n  1 × cannot read \"mnist\": no such file\n  1 × out of memory\n"))
        #expect(normalized(text).contains("note: 1 record of 1 configuration that is not in this grid (edited since?) not counted"))
        #expect(normalized(text).contains("warning: shards/old.jsonl:2: not a record, ignored: not one JSON object with a known event"))
        #expect(normalized(text).contains("warning: shards/old.jsonl:3: incomplete last line ignored"))
    }

    @Test func rendersTheTableFailuresAndProgress() throws {
        let sweep = try Self.everyState()
        let status = SweepStatus(grid: sweep.grid, folder: sweep.folder, limit: 10)
        let queue = QueueSnapshot(squeueOutput: "900|3|RUNNING|st\n900|4|PENDING|st\n900|5|PENDING|st\n", sweep: "st", arrayJobIDs: [])
        let text = status.render(now: 1_800_000_060, queue: queue, queueNote: nil)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.allSatisfy { $0.count <= 80 })
        #expect(normalized(lines[0] + lines[1]) == "st: 8 configurations, 28 records in \(sweep.folder.root)")
        let table = try #require(lines.firstIndex { $0.hasPrefix("optimizer") })
        #expect(lines[table] == "optimizer  done  running  failed  diverged  preempted  pending  total")
        #expect(lines[table + 2] == "sgd           1        0       1         1          1        0      4")
        #expect(lines[table + 3] == "adam          1        2       0         0          0        1      4")
        #expect(lines[table + 4] == "all           2        2       1         1          1        1      8")
        #expect(text.contains("""
            failed (1):
              #2  optimizer=sgd lr=0.01 seed=0
                  error: cannot read "mnist": no such file (node1, attempt 1,
            """))
        #expect(text.contains("""
              #4  optimizer=adam lr=0.1 seed=0
                  epoch 2/3, train_loss 0.5, valid_accuracy 0.7, node7, last record 59s ago
            """))
        #expect(text.contains("squeue:\n  job 900: 1 running (task 3), 2 pending (tasks 4-5)\n"))
    }

    @Test func queueSnapshotKeepsThisSweepsJobs() {
        let output = """
            900|0|RUNNING|st
            900|1|RUNNING|st
            900|7|PENDING|st
            901|N/A|RUNNING|other
            902|2|RUNNING|sweep-st
            903|4|COMPLETING|array.sh
            garbage line
            """
        let snapshot = QueueSnapshot(squeueOutput: output, sweep: "st", arrayJobIDs: ["903"])
        #expect(snapshot.jobs.map(\.arrayJobID) == ["900", "902", "903"])
        #expect(snapshot.lines == ["job 900: 2 running (tasks 0-1), 1 pending (task 7)", "job 902: 1 running (task 2)",
                                   "job 903: 1 completing (task 4)"])
        #expect(QueueSnapshot.ranges([0, 1, 2, 5, 7, 8]) == "0-2,5,7-8")
        #expect(QueueSnapshot.arguments(user: "ana") == ["--noheader", "--array", "--user=ana", "--format=%F|%K|%T|%j"])
    }
}

/// Text with every run of spaces and newlines made one space: compares wrapped output with what it says.
func normalized(_ text: String) -> String {
    text.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
}
