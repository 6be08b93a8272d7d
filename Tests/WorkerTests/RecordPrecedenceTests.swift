// The one rule for which record of a configuration counts (SweepCore/Results/RecordPrecedence.swift),
// tested once against every reader: `sweep run`'s RunIndex, the status and report scan, and the live
// count of `sweep local`. They must agree on every configuration.
import Foundation
import Testing
import SweepCore
@testable import Worker

@Suite struct RecordPrecedenceTests {
    static let text = #"{"name": "prec", "fixed": {"epochs": 1}, "grid": {"lr": [1, 2, 3, 4, 5, 6, 7]}}"#

    @Test func everyReaderAppliesTheSameRule() throws {
        let grid = try GridParser.parse(SourceText(path: "prec.json", text: Self.text))
        let folder = ResultsFolder(root: FileManager.default.temporaryDirectory.appendingPathComponent("prec-\(UUID().uuidString)").path)
        try folder.create()
        defer { try? FileManager.default.removeItem(atPath: folder.root) }
        let a = try ShardWriter(path: folder.path("shards/a.jsonl")), b = try ShardWriter(path: folder.path("shards/b.jsonl"))
        func write(_ shard: ShardWriter, _ event: RecordEvent, _ index: Int, _ status: RunStatus? = nil, second: Int) throws {
            let configuration = grid.configuration(index)
            try shard.append(ResultRecord(event: event, id: configuration.id, index: index, sweep: "prec", status: status, epoch: 0,
                                          elapsedSeconds: 0, time: isoTimestamp(Date(timeIntervalSince1970: 1_790_000_000 + Double(second))),
                                          origin: RecordOrigin(host: "h", task: 0, tasks: 1, attempt: 0), config: configuration.value))
        }
        // 0: a final end outranks a non-final one written later (rule 3).
        try write(a, .start, 0, second: 1); try write(a, .end, 0, .failed, second: 2)
        try write(b, .start, 0, second: 3); try write(b, .end, 0, .ok, second: 4)
        try write(a, .end, 0, .preempted, second: 5)
        // 1: between non-final ends of two shards, the later time wins (rule 2), whatever the shard order.
        try write(a, .end, 1, .failed, second: 10); try write(b, .end, 1, .preempted, second: 6)
        // 2: equal times: the shard whose name sorts later wins (rule 2).
        try write(b, .end, 2, .failed, second: 7); try write(a, .end, 2, .preempted, second: 7)
        // 3: between final ends, the later wins.
        try write(b, .end, 3, .diverged, second: 8); try write(a, .end, 3, .ok, second: 9)
        // 4: within one shard, file order decides even against the record times (rule 1).
        try write(a, .end, 4, .failed, second: 20); try write(a, .end, 4, .preempted, second: 19)
        // 5: a start after a failure is a rerun: running.
        try write(a, .end, 5, .failed, second: 11); try write(b, .start, 5, second: 12)
        // 6: a line that is not one JSON object is not a record for anyone.
        let id6 = grid.configuration(6).id
        try a.append(line: Array(#"{"event":"end","id":"\#(id6)","index":6,"status":"ok"GARBAGE,"time":"2026-01-01T00:00:00Z"}"#.utf8) + [10])

        let expected: [RunState] = [.done, .failed, .failed, .done, .preempted, .running, .pending]
        let expectedStatus: [RunStatus?] = [.ok, .failed, .failed, .ok, .preempted, .failed, nil]

        let scan = ResultsScan(shardsFolder: folder.shards, ids: ConfigurationIDs(grid, threads: 1))
        #expect(scan.traces.map(\.state) == expected)
        #expect(scan.traces.map { $0.settlingEnd?.status } == expectedStatus)
        #expect(scan.problems.map(\.kind) == [.corruptLine])

        let index = RunIndex(shardsFolder: folder.shards)
        #expect((0..<7).map { index[grid.configuration($0).id]?.status } == expectedStatus)
        #expect(index.problems.map(\.kind) == [.corruptLine])

        var tail = ShardTail(folder: folder.shards)
        tail.update()
        // The live count knows only configurations with records, so it has no pending ones.
        for state in RunState.allCases where state != .pending {
            #expect(tail.count(state) == expected.filter { $0 == state }.count, "\(state)")
        }
    }
}
