import Testing
import Foundation
@testable import SweepCore

/// A fresh results folder under the temporary directory.
func temporaryResults() -> ResultsFolder {
    ResultsFolder(root: FileManager.default.temporaryDirectory.appendingPathComponent("results-\(UUID().uuidString)").path)
}

let origin = RecordOrigin(host: "node1.cluster", task: 2, tasks: 4, attempt: 1, slurmJobID: "77", slurmArrayJobID: "70", slurmArrayTaskID: 2)

func record(_ event: RecordEvent, id: String, status: RunStatus? = nil, time: String, message: String? = nil) -> ResultRecord {
    ResultRecord(event: event, id: id, index: 3, sweep: "s", status: status, epoch: 1,
                 metrics: [("train_loss", 0.5), ("valid_accuracy", .nan)], elapsedSeconds: 1.23456, time: time,
                 origin: origin, config: .object(["lr": .number(0.1)]),
                 details: message.map { [("message", JSONValue.string($0))] } ?? [])
}

@Suite struct ResultsTests {
    @Test func recordsAreOneLineWithTheDocumentedFields() throws {
        let line = String(decoding: record(.end, id: "abc", status: .ok, time: "2026-11-22T00:00:00.000Z").line, as: UTF8.self)
        #expect(line == #"{"event":"end","id":"abc","index":3,"status":"ok","sweep":"s","epoch":1,"metrics":{"train_loss":0.5,"valid_accuracy":null},"elapsed_s":1.235,"time":"2026-11-22T00:00:00.000Z","host":"node1.cluster","task":2,"tasks":4,"attempt":1,"slurm_job_id":"77","slurm_array_job_id":"70","slurm_array_task_id":2,"config":{"lr":0.1}}"# + "\n")
        // Checked with Python: datetime.fromtimestamp(1795000000.5, UTC).
        #expect(isoTimestamp(Date(timeIntervalSince1970: 1_795_000_000.5)) == "2026-11-18T11:06:40.500Z")
    }

    @Test func bestAndMessageAreTypedMembersReadBackByTheSameSchema() throws {
        var end = record(.end, id: "abc", status: .ok, time: "2026-11-22T00:00:00.000Z")
        end.best = BestEpoch(metric: "valid_loss", epoch: 3, value: 0.25, test: ["test_loss": 0.5, "test_accuracy": .nan])
        end.message = "disk \"full\""
        let line = end.line
        let (best, message) = line.withUnsafeBytes { raw in
            (RecordScanner.member(RecordKey.best, of: raw).flatMap(RecordScanner.json).flatMap(BestEpoch.init(json:)),
             RecordScanner.member(RecordKey.message, of: raw).flatMap(RecordScanner.string))
        }
        #expect(best?.metric == "valid_loss" && best?.epoch == 3 && best?.value == 0.25 && best?.test["test_loss"] == 0.5)
        #expect(best?.test["test_accuracy"]?.isNaN == true)
        #expect(message == "disk \"full\"")
        #expect(BestEpoch(json: .object(["metric": .string("m"), "epoch": .number(1.5), "value": .number(1)])) == nil)
    }

    @Test func readerReportsAnIncompleteLastLineAndCorruptLines() throws {
        let folder = temporaryResults()
        try folder.create()
        let writer = try ShardWriter(path: folder.shardPath(origin: origin, processID: 1))
        try writer.append(record(.start, id: "a", time: "t1"))
        try writer.append(line: Array("not json\n".utf8))
        try writer.append(record(.end, id: "a", status: .ok, time: "t2"), durable: true)
        // A writer killed mid-write leaves a line without its newline.
        let torn = Array(record(.end, id: "b", status: .ok, time: "t3").line.dropLast(10))
        let handle = try #require(FileHandle(forWritingAtPath: writer.path))
        handle.seekToEndOfFile()
        handle.write(Data(torn))
        try handle.close()

        let (records, problems) = ShardReader(folder: folder.shards).records()
        #expect(records.count == 2)
        #expect(problems.map(\.kind) == [.corruptLine, .incompleteLastLine])
        #expect(problems.map(\.line) == [2, 4])
        #expect(problems[1].description.contains("incomplete last line ignored"))
        let index = RunIndex(shardsFolder: folder.shards)
        #expect(index["a"]?.status == .ok)
        #expect(index["b"] == nil)
    }

    @Test func finalOutcomesOutrankLaterNonFinalOnes() throws {
        let folder = temporaryResults()
        try folder.create()
        let one = try ShardWriter(path: folder.path("shards/one.jsonl"))
        let two = try ShardWriter(path: folder.path("shards/two.jsonl"))
        try one.append(record(.end, id: "x", status: .preempted, time: "2026-01-01T00:00:01.000Z"))
        try two.append(record(.end, id: "x", status: .ok, time: "2026-01-01T00:00:02.000Z"))
        try one.append(record(.end, id: "x", status: .failed, time: "2026-01-01T00:00:03.000Z", message: "late"))
        try two.append(record(.end, id: "y", status: .failed, time: "2026-01-01T00:00:01.000Z", message: "first"))
        try one.append(record(.end, id: "y", status: .preempted, time: "2026-01-01T00:00:02.000Z"))
        let index = RunIndex(shardsFolder: folder.shards)
        #expect(index["x"]?.status == .ok)
        #expect(index["y"]?.status == .preempted)
    }

    @Test func manifestFreezesOnceAndRefusesAChangedGrid() throws {
        let folder = temporaryResults()
        let gridPath = folder.root + "-grid.json"
        try #"{"name": "m", "grid": {"a": [1, 2, 3]}}"#.write(toFile: gridPath, atomically: true, encoding: .utf8)
        #expect(try folder.freezeOrCompare(GridParser.load(path: gridPath), acceptChanges: false) == .frozen)
        #expect(try folder.freezeOrCompare(GridParser.load(path: gridPath), acceptChanges: false) == .unchanged)
        let expansion = try String(contentsOfFile: folder.configurations, encoding: .utf8)
        #expect(expansion.split(separator: "\n").count == 3)
        let manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: folder.manifest)))
        #expect(manifest.configurations == 3 && manifest.configurationsSHA256 == SHA256.hex(Array(expansion.utf8)))

        try #"{"name": "m", "grid": {"a": [1, 3, 4, 5]}}"#.write(toFile: gridPath, atomically: true, encoding: .utf8)
        let edited = try GridParser.load(path: gridPath)
        #expect(throws: ResultsError.self) { try folder.freezeOrCompare(edited, acceptChanges: false) }
        do {
            _ = try folder.freezeOrCompare(edited, acceptChanges: false)
        } catch let ResultsError.manifestMismatch(message) {
            #expect(message.contains("3 configurations then, 4 now: 2 added, 1 removed, 2 kept"))
            #expect(message.contains(#"added: index 2 {"a":4}"#))
            #expect(message.contains(#"removed: {"a":2}"#))
            #expect(message.contains("--accept-grid-change"))
        }
        guard case let .changed(_, accepted) = try folder.freezeOrCompare(edited, acceptChanges: true) else {
            Issue.record("expected a changed manifest")
            return
        }
        #expect(accepted)
        #expect(try folder.freezeOrCompare(edited, acceptChanges: false) == .unchanged)
    }

    @Test func aChangedGridIsItemisedAlikeFromTheFrozenExpansionOrByHashingTheFrozenGrid() throws {
        let folder = temporaryResults()
        let gridPath = folder.root + "-grid.json"
        try #"{"name": "m", "grid": {"a": [1, 2, 3], "b": [1, 2]}, "seed": [0, 1]}"#.write(toFile: gridPath, atomically: true, encoding: .utf8)
        #expect(try folder.freezeOrCompare(GridParser.load(path: gridPath), acceptChanges: false) == .frozen)
        // The seeds shifted: seed 0 goes, seed 2 comes, for each of the 6 settings.
        try #"{"name": "m", "grid": {"a": [1, 2, 3], "b": [1, 2]}, "seed": [1, 2]}"#.write(toFile: gridPath, atomically: true, encoding: .utf8)
        let edited = try GridParser.load(path: gridPath)
        func message() -> String? {
            do {
                _ = try folder.freezeOrCompare(edited, acceptChanges: false)
            } catch let ResultsError.manifestMismatch(message) {
                return message
            } catch {}
            return nil
        }
        let fromExpansion = try #require(message())
        #expect(fromExpansion.contains("12 configurations then, 12 now: 6 added, 6 removed, 6 kept"))
        #expect(fromExpansion.contains(#"added: index 1 {"a":1,"b":1,"seed":2}"#))
        #expect(fromExpansion.contains(#"added: index 3 {"a":1,"b":2,"seed":2}"#))
        #expect(fromExpansion.contains(#"removed: {"a":1,"b":2,"seed":0}"#))
        // A damaged expansion (the frozen grid is hashed instead) or none at all says the same.
        let expansion = try Data(contentsOf: URL(fileURLWithPath: folder.configurations))
        try expansion.prefix(expansion.count - 5).write(to: URL(fileURLWithPath: folder.configurations))
        #expect(message() == fromExpansion)
        try FileManager.default.removeItem(atPath: folder.configurations)
        #expect(message() == fromExpansion)
    }

    @Test func anUnchangedGridFileIsRecognisedByItsDigestAlone() throws {
        let folder = temporaryResults()
        let gridPath = folder.root + "-grid.json"
        try #"{"name": "m", "grid": {"a": [1, 2, 3]}}"#.write(toFile: gridPath, atomically: true, encoding: .utf8)
        let grid = try GridParser.load(path: gridPath)
        #expect(try folder.freezeOrCompare(grid, acceptChanges: false) == .frozen)
        // Neither the frozen copy nor the expansion is read to find the grid file unchanged.
        try FileManager.default.removeItem(atPath: folder.frozenGrid)
        try FileManager.default.removeItem(atPath: folder.configurations)
        #expect(try folder.freezeOrCompare(grid, acceptChanges: false) == .unchanged)
    }

    @Test func concurrentFreezersAgreeOnOneManifest() async throws {
        let folder = temporaryResults()
        let gridPath = folder.root + "-grid.json"
        try #"{"grid": {"a": [1, 2, 3]}, "seed": [1, 2]}"#.write(toFile: gridPath, atomically: true, encoding: .utf8)
        let grid = try GridParser.load(path: gridPath)
        let outcomes = try await withThrowingTaskGroup(of: ManifestCheck.self) { group in
            for _ in 0..<8 { group.addTask { try folder.freezeOrCompare(grid, acceptChanges: false) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.allSatisfy { $0 == .frozen || $0 == .unchanged })
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.root).filter { $0.contains(".tmp") }
        #expect(leftovers.isEmpty)
    }

    /// Two grid files under one sweep name, frozen at once: one wins, the other is told the grid changed,
    /// and the manifest, the grid copy and the expansion all describe the winner.
    @Test func concurrentFreezersOfDifferentGridsDoNotBothGoOn() async throws {
        let folder = temporaryResults()
        let grids = try [#"{"name": "race", "grid": {"a": [1, 2, 3]}}"#, #"{"name": "race", "grid": {"a": [4, 5]}}"#].enumerated().map {
            let path = folder.root + "-grid\($0.offset).json"
            try $0.element.write(toFile: path, atomically: true, encoding: .utf8)
            return try GridParser.load(path: path)
        }
        let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
            for i in 0..<8 {
                group.addTask { (i % 2, (try? folder.freezeOrCompare(grids[i % 2], acceptChanges: false)) != nil) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let winners = Set(outcomes.filter(\.1).map(\.0))
        #expect(winners.count == 1)
        #expect(outcomes.filter { !$0.1 }.allSatisfy { !winners.contains($0.0) })
        let manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: folder.manifest)))
        let frozen = try Data(contentsOf: URL(fileURLWithPath: folder.frozenGrid))
        let expansion = try Data(contentsOf: URL(fileURLWithPath: folder.configurations))
        #expect(SHA256.hex(Array(frozen)) == manifest.gridSHA256 && SHA256.hex(Array(expansion)) == manifest.configurationsSHA256)
        #expect(manifest.configurations == grids[winners.first ?? 0].count)
    }
}
