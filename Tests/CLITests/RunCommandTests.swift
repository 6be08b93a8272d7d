import Testing
import Foundation
import TestSupport

/// `sweep run` as SLURM array tasks run it: interrupted at any instant, it loses nothing and its results
/// are the numbers of an uninterrupted run, bit for bit.
@Suite(.serialized) struct RunCommandTests {
    /// Four configurations of six epochs, about 1.5 s each: long enough to be killed many times mid-run.
    static let grid = #"""
    {
      "name": "interrupted",
      "fixed": {"dataset": "blobs", "features": 64, "classes": 4, "samples": 12000, "separation": 2,
                "model": "fc", "hidden": [128, 64], "epochs": 6, "batch_size": 32},
      "grid": {"optimizer": ["sgd_c", "adam_c"], "lr": [0.05, 0.005]}
    }
    """#

    /// Results of an uninterrupted run of `grid`, for comparison.
    static func reference(_ folder: TemporaryFolder, grid: String) throws -> SweepResults {
        let path = try folder.write("reference.json", grid)
        let result = try runSweep(["run", path, "--results", folder.path + "/reference"])
        #expect(result.status == 0, "\(result.stderr)")
        return try SweepResults(folder.path + "/reference/interrupted")
    }

    @Test func killedAtTwentyRandomMomentsItLosesNothingAndMatchesAnUninterruptedRun() throws {
        let folder = try TemporaryFolder("kill")
        let expected = try Self.reference(folder, grid: Self.grid)
        let path = try folder.write("grid.json", Self.grid)
        // Checkpoints after every epoch, so that killed attempts make progress and resume from them.
        let arguments = ["run", path, "--results", folder.path + "/killed", "--checkpoint-every", "0"]
        var generator = SystemRandomNumberGenerator()
        var kills = 0
        for attempt in 0..<20 {
            let process = try startSweep(arguments, log: folder.path + "/log-\(attempt).txt")
            // A random moment in the first 0.8 s: during set-up, mid-epoch, around checkpoints and records.
            usleep(UInt32.random(in: 20_000...800_000, using: &generator))
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                kills += 1
            }
            process.waitUntilExit()
        }
        let finish = try runSweep(arguments)
        #expect(finish.status == 0, "\(finish.stderr)")
        #expect(kills >= 10, "only \(kills) of 20 attempts were still running when killed")

        let results = try SweepResults(folder.path + "/killed/interrupted")
        // Every line parses, except at most one incomplete last line per shard.
        let onlyTornLastLines = results.unparsable.allSatisfy { $0.incompleteLast }
        #expect(onlyTornLastLines, "\(results.unparsable)")
        #expect(Set(results.unparsable.map(\.file)).count == results.unparsable.count)
        // Exactly one final record per configuration, with the uninterrupted run's numbers.
        #expect(results.finalRecords.count == 4)
        #expect(results.finalRecords.values.allSatisfy { $0.count == 1 })
        #expect(results.finalMetrics == expected.finalMetrics)
        #expect(results.curves == expected.curves)
    }

    @Test func terminatedMidEpochItCheckpointsAndResumesBitForBit() throws {
        let folder = try TemporaryFolder("term")
        // One configuration with epochs of about a second, so the signal lands inside the second one.
        let single = Self.grid.replacingOccurrences(of: #"["sgd_c", "adam_c"]"#, with: #""adam_c""#)
            .replacingOccurrences(of: "[0.05, 0.005]", with: "0.005")
            .replacingOccurrences(of: #""samples": 12000"#, with: #""samples": 24000"#)
            .replacingOccurrences(of: #""epochs": 6"#, with: #""epochs": 3"#)
            .replacingOccurrences(of: "[128, 64]", with: "[256, 128]")
        let expected = try Self.reference(folder, grid: single)
        let path = try folder.write("grid.json", single)
        let results = folder.path + "/stopped/interrupted"
        let process = try startSweep(["run", path, "--results", folder.path + "/stopped"], log: folder.path + "/log.txt")
        // Wait for the first epoch's record, then stop it during the second epoch.
        #expect(waitUntil(seconds: 60) {
            ((try? SweepResults(results))?.records.contains { ($0["event"] as? String) == "epoch" }) ?? false
        })
        usleep(150_000)
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 128 + SIGTERM)

        let stopped = try SweepResults(results)
        let preempted = try #require(stopped.records.first { ($0["status"] as? String) == "preempted" })
        #expect(preempted["signal"] as? String == "TERM")
        #expect((preempted["step_in_epoch"] as? Int ?? 0) > 0, "not stopped mid-epoch: \(preempted)")
        #expect(FileManager.default.fileExists(atPath: preempted["checkpoint"] as! String))

        let resumed = try runSweep(["run", path, "--results", folder.path + "/stopped"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("resuming at epoch 2"))
        let finished = try SweepResults(results)
        #expect(finished.finalMetrics == expected.finalMetrics)
        #expect(finished.curves == expected.curves)
        #expect(!FileManager.default.fileExists(atPath: preempted["checkpoint"] as! String))
    }

    /// Issue 18 item 7. One epoch of one step: the trainer never stops before an epoch's last step, so a
    /// signal arriving any time after the start record lands in the final epoch's last step or evaluation.
    /// That run is finished: it ends `ok` with its metrics and leaves no checkpoint (it used to end
    /// `preempted` with a checkpoint of a finished run, which the resume turned into an empty `ok`).
    @Test func terminatedDuringTheFinalEpochsLastStepTheRunEndsOk() throws {
        let folder = try TemporaryFolder("term-final")
        let path = try folder.write("grid.json", #"""
        {"name": "final", "fixed": {"dataset": "blobs", "features": 128, "classes": 4, "samples": 16000, "model": "fc",
         "hidden": [512, 512], "optimizer": "adam", "lr": 0.001, "epochs": 1, "batch_size": 16000}, "grid": {"seed": [1, 2]}}
        """#)
        let results = folder.path + "/stopped/final"
        let process = try startSweep(["run", path, "--results", folder.path + "/stopped"], log: folder.path + "/log.txt")
        #expect(waitUntil(seconds: 60) {
            ((try? SweepResults(results))?.records.contains { ($0["event"] as? String) == "start" }) ?? false
        })
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        // The task stopped for the signal before its second configuration: the signal came during the first.
        #expect(process.terminationStatus == 128 + SIGTERM)
        let stopped = try SweepResults(results)
        #expect(stopped.records.filter { ($0["event"] as? String) == "start" }.count == 1)
        let ends = stopped.records.filter { ($0["event"] as? String) == "end" }
        #expect(ends.count == 1)
        let end = try #require(ends.first)
        #expect(end["status"] as? String == "ok", "\(end)")
        let metrics = end["metrics"] as? [String: Any] ?? [:]
        #expect(metrics["test_accuracy"] != nil && metrics["train_loss"] != nil, "\(end)")
        let checkpoints = (try? FileManager.default.contentsOfDirectory(atPath: results + "/checkpoints")) ?? []
        #expect(checkpoints.isEmpty, "\(checkpoints)")

        let resumed = try runSweep(["run", path, "--results", folder.path + "/stopped"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let finished = try SweepResults(results)
        #expect(finished.finalRecords.count == 2)
        #expect(finished.finalRecords.values.allSatisfy { $0.count == 1 && ($0[0]["metrics"] as? [String: Any])?.isEmpty == false })
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: results + "/checkpoints")) ?? []).isEmpty)
    }

    @Test func sixteenWritersLoseAndTearNothing() throws {
        let folder = try TemporaryFolder("writers")
        // 160 tiny configurations of 98 epochs: start, 98 epoch and end records each, so every one of 16
        // tasks writes 10 × 100 = 1,000 records.
        let rates = (1...160).map { String(format: "%.4f", Double($0) * 1e-4) }.joined(separator: ",")
        let path = try folder.write("many.json", #"""
        {"name": "many", "fixed": {"dataset": "blobs", "features": 4, "classes": 2, "samples": 8, "model": "logreg",
         "optimizer": "sgd", "epochs": 98, "batch_size": 8}, "grid": {"lr": [\#(rates)]}}
        """#)
        let processes = try (0..<16).map { task in
            try startSweep(["run", path, "--results", folder.path, "--task", "\(task)", "--tasks", "16"],
                           log: folder.path + "/log-\(task).txt")
        }
        for process in processes { process.waitUntilExit() }
        #expect(processes.allSatisfy { $0.terminationStatus == 0 })
        let results = try SweepResults(folder.path + "/many")
        #expect(results.unparsable.isEmpty)
        #expect(results.records.count == 16_000)
        let byEvent = Dictionary(grouping: results.records, by: { $0["event"] as! String }).mapValues(\.count)
        #expect(byEvent == ["start": 160, "epoch": 160 * 98, "end": 160])
        #expect(Set(results.records.map { $0["id"] as! String }).count == 160)
        let perTask = Dictionary(grouping: results.records, by: { $0["task"] as! Int }).mapValues(\.count)
        #expect(perTask == Dictionary(uniqueKeysWithValues: (0..<16).map { ($0, 1000) }))
        let shards = try FileManager.default.contentsOfDirectory(atPath: folder.path + "/many/shards")
        #expect(shards.count == 16)
    }

    /// (Cross-entropy's gradient is bounded, so logistic regression only drifts at a huge lr; a two-layer
    /// network's weights multiply each other's growth and overflow within a few steps.)
    @Test func aDivergingConfigurationIsARecordAndTheSweepGoesOn() throws {
        let folder = try TemporaryFolder("diverge")
        let path = try folder.write("diverge.json", #"""
        {"name": "diverge", "fixed": {"dataset": "blobs", "features": 16, "classes": 3, "samples": 600, "model": "fc",
         "optimizer": "sgd", "momentum": 0.9, "epochs": 2, "batch_size": 32}, "grid": {"lr": [1000, 0.1]}}
        """#)
        let result = try runSweep(["run", path, "--results", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        let records = try SweepResults(folder.path + "/diverge").records.filter { ($0["event"] as? String) == "end" }
        #expect(records.map { $0["status"] as? String } == ["diverged", "ok"])
        let diverged = records[0]
        #expect((diverged["step"] as? Int ?? 0) >= 1)
        #expect((diverged["last_finite_loss"] as? Double)?.isFinite == true)
        #expect(result.stderr.contains("diverged"))
    }
}

/// The power-law study's grid as a user runs it: every regime on one problem, then one chart per setting.
@Suite struct PowerLawSweepTests {
    @Test func thePowerLawGridRunsEndToEndAndTheReportPlotsTheRegimesTogether() throws {
        let folder = try TemporaryFolder("powerlaw")
        let run = try runSweep(["local", "grids/powerlaw.json", "--results", folder.path, "--workers", "2"])
        #expect(run.status == 0, "\(run.stderr)")
        let results = try SweepResults(folder.path + "/powerlaw")
        #expect(results.finalRecords.count == 15)
        for records in results.finalRecords.values {
            let curve = try #require(records[0]["curve"] as? [String: Any])
            #expect((curve["step"] as? [Int])?.count == 101 && (curve["loss"] as? [Double])?.count == 101)
        }
        let report = try runSweep(["report", "grids/powerlaw.json", "--results", folder.path, "--out", folder.path + "/site"])
        #expect(report.status == 0, "\(report.stderr)")
        let svg = try String(contentsOfFile: folder.path + "/site/powerlaw-1.svg", encoding: .utf8)
        for series in ["powerlaw_nn runs=10", "linearized runs=100", "averaged", "spectral_diagonal tau=1", "spectral_diagonal tau=-1"] {
            #expect(svg.contains(">\(series) (n=1)<"), "\(series) missing from the chart")
        }
        #expect(svg.contains("loss curves: batch_size=8 lr=0.8 momentum=0"))
    }
}
