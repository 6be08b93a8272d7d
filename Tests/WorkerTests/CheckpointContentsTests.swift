// A checkpoint whose checksum is right but whose contents no run could have written (a huge count, a
// short generator state, a negative or out-of-range epoch) is set aside, and the run starts over and
// finishes: it never crashes the worker, on this attempt or the next.
import Foundation
import Testing
import SweepCore
@testable import Worker

@Suite(.serialized) struct CheckpointContentsTests {
    static let text = #"{"name": "ckpt", "fixed": {"dataset": "blobs", "model": "logreg", "optimizer": "sgd", "lr": 0.1, "epochs": 2}}"#

    /// A genuine checkpoint of configuration 0 after its first epoch, written by the worker's own code
    /// and then changed by `edit` (the checksum is made right again by writing it anew).
    static func checkpoint(_ grid: Grid, _ results: ResultsFolder, at path: String, _ edit: (inout CheckpointFile) -> Void) throws {
        let context = RunContext(grid: grid, results: results, environment: try TaskEnvironment.resolve(environment: [:]),
                                 dataSearchPaths: [], requeueSignal: SIGUSR1, checkpointInterval: 60)
        let values = try ConfigurationValues(grid.configuration(0))
        let setup = try RunSetup(values, context: context, cache: DataCache())
        var progress = RunProgress(seed: values.seed)
        progress.epoch = 1
        try RunCheckpoint(path: path, configurationID: grid.configuration(0).id).save(progress, setup: setup, secondsNow: 0)
        var file = try CheckpointFile.read(from: path)
        edit(&file)
        try file.write(to: path)
    }

    /// The checkpoint with one entry's count raised to 2^60 and the checksum made right again.
    static func hugeCount(at path: String) throws {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))).dropLast(64)
        let name = Array("progress.shuffle".utf8)
        let at = try #require((0...(bytes.count - name.count)).first { Array(bytes[$0..<($0 + name.count)]) == name }) + name.count + 1
        for k in 0..<8 { bytes[at + k] = k == 7 ? 0x10 : 0 }
        try Data(Array(bytes) + Array(SHA256.hex(Array(bytes)).utf8)).write(to: URL(fileURLWithPath: path))
    }

    @Test(arguments: ["none", "huge count", "short generator", "negative epoch", "epoch past the end", "best epoch in the future"])
    func anImpossibleCheckpointIsSetAsideAndTheRunFinishes(_ fault: String) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ckpt-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let grid = try GridParser.parse(SourceText(path: "ckpt.json", text: Self.text))
        let results = ResultsFolder(sweepName: "ckpt", parent: root, environment: [:])
        try results.create()
        let path = results.checkpointPath(id: grid.configuration(0).id)
        switch fault {
        case "none": try Self.checkpoint(grid, results, at: path) { _ in }
        case "huge count":
            try Self.checkpoint(grid, results, at: path) { _ in }
            try Self.hugeCount(at: path)
        case "short generator": try Self.checkpoint(grid, results, at: path) { $0.words["progress.shuffle"] = [7] }
        case "negative epoch": try Self.checkpoint(grid, results, at: path) { $0.integers["progress"]![0] = -3 }
        case "epoch past the end": try Self.checkpoint(grid, results, at: path) { $0.integers["progress"]![0] = 2 }
        default:
            try Self.checkpoint(grid, results, at: path) {
                $0.texts["best.metric"] = "valid_accuracy"
                $0.texts["best.test"] = ""
                $0.integers["best.epoch"] = [9]
                $0.doubles["best"] = [0.5]
            }
        }
        let environment = try TaskEnvironment.resolve(environment: [:])
        for _ in 0..<2 {
            let summary = try TaskRunner(grid: grid, environment: environment, options: .init(resultsParent: root),
                                         processEnvironment: [:]).run()
            #expect(summary.failed == 0 && summary.ok + summary.alreadyDone == 1)
        }
        // The control case resumes from its checkpoint, which the finished run removes.
        #expect(FileManager.default.fileExists(atPath: path + ".damaged") == (fault != "none"))
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
