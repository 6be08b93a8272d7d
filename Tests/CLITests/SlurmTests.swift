import Testing
import Foundation
import TestSupport

/// Runs a SLURM command (an argument vector) and returns what it printed.
@discardableResult
func slurm(_ arguments: [String], environment: [String: String] = [:]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    process.currentDirectoryURL = Repository.root
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    guard process.terminationStatus == 0 else { throw FixtureError("\(arguments.joined(separator: " ")): \(text)") }
    return text.trimmingCharacters(in: .whitespacesAndNewlines)
}

/// Waits until SLURM no longer lists any task of `job`.
func waitForJob(_ job: String, seconds: Double = 300) -> Bool {
    waitUntil(seconds: seconds) { ((try? slurm(["squeue", "-h", "-j", job])) ?? "x").isEmpty }
}

/// The local one-node SLURM (`scripts/slurm-local.sh`, started by `scripts/setup`), driven as a user does.
/// Jobs run the `sweep` binary these tests were built with (`SWEEP_BINARY`), not a release build.
@Suite(.serialized) struct SlurmTests {
    static let binary = ["SWEEP_BINARY": sweepBinary.path]

    /// Configurations of about a second and a half each, so that jobs can be disturbed mid-run.
    static func grid(_ name: String, optimizers: String, epochs: Int) -> String {
        #"""
        {"name": "\#(name)", "fixed": {"dataset": "blobs", "features": 64, "classes": 4, "samples": 12000, "separation": 2,
         "model": "fc", "hidden": [128, 64], "epochs": \#(epochs), "batch_size": 32},
         "grid": {"optimizer": \#(optimizers), "lr": [0.05, 0.005]}}
        """#
    }

    @Test func theArrayScriptRunsTheSmokeSweepWithLogsInItsResultsFolder() throws {
        let folder = try TemporaryFolder("array")
        // `sbatch scripts/array.sh GRID`, with a smaller array than the script's default 0-99%20 (which
        // works the same, but schedules 64 idle tasks on this two-core cluster).
        let job = try slurm(["sbatch", "--parsable", "--array=0-7%4", "scripts/array.sh", "grids/smoke.json",
                             "--results", folder.path], environment: Self.binary)
        #expect(waitForJob(job))
        let results = try SweepResults(folder.path + "/smoke")
        #expect(results.unparsable.isEmpty)
        #expect(results.finalRecords.count == 36)
        #expect(results.finalRecords.values.allSatisfy { $0.count == 1 && $0[0]["status"] as? String == "ok" })
        #expect(Set(results.records.compactMap { $0["slurm_array_job_id"] as? String }) == [job])
        for task in 0..<8 {
            let log = try String(contentsOfFile: folder.path + "/smoke/logs/task-\(job)_\(task).out", encoding: .utf8)
            #expect(log.contains("array.sh:") && log.contains("worker exited with 0"))
            // The script's own first file is gone once the task log takes over.
            #expect(!FileManager.default.fileExists(atPath: Repository.path("results/sweep-\(job)_\(task).out")))
        }
    }

    @Test func submitSizesTheArraysFromTheGridAndTheCluster() throws {
        let folder = try TemporaryFolder("submit")
        let path = try folder.write("packed.json", Self.grid("packed", optimizers: #"["sgd", "adam"]"#, epochs: 1)
            .replacingOccurrences(of: #""batch_size": 32}"#, with: #""batch_size": 32}, "slurm": {"time": "00:20:00", "mem": "1G", "max_concurrent": 2, "tasks": 3}"#))
        let dryRun = try runSweep(["submit", path, "--results", folder.path, "--dry-run"])
        #expect(dryRun.status == 0, "\(dryRun.stderr)")
        #expect(dryRun.stdout.contains("#SBATCH --time=00:20:00\n#SBATCH --cpus-per-task=1\n#SBATCH --mem=1G"))
        #expect(dryRun.stdout.contains("#SBATCH --signal=B:USR1@120") && dryRun.stdout.contains("export SWEEP_TASKS=3"))
        #expect(dryRun.stdout.contains("--array=0-2%2 --export=ALL,SWEEP_TASK_OFFSET=0"))
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/packed/manifest.json"), "a dry run changes nothing")

        let submitted = try runSweep(["submit", path, "--results", folder.path], environment: Self.binary)
        #expect(submitted.status == 0, "\(submitted.stderr)")
        let job = try #require(submitted.stdout.split(separator: " ").drop { $0 != "job" }.dropFirst().first.map { String($0.dropLast()) })
        #expect(waitForJob(job))
        let results = try SweepResults(folder.path + "/packed")
        #expect(results.finalRecords.count == 4 && results.finalRecords.values.allSatisfy { $0.count == 1 })
        #expect(Set(results.records.map { $0["tasks"] as! Int }) == [3])
        #expect(FileManager.default.fileExists(atPath: folder.path + "/packed/logs/task-\(job)_0.out"))
        let again = try runSweep(["submit", path, "--results", folder.path, "--only", "missing"], environment: Self.binary)
        #expect(again.stdout.contains("nothing to submit"))
    }

    @Test func cancelledTasksAreResubmittedAsMissingAndNothingRunsTwice() throws {
        let folder = try TemporaryFolder("cancel")
        let path = try folder.write("cancel.json", Self.grid("cancel", optimizers: #"["sgd", "adam", "sgd_c"]"#, epochs: 20))
        let submitted = try runSweep(["submit", path, "--results", folder.path], environment: Self.binary)
        #expect(submitted.status == 0, "\(submitted.stderr)")
        let job = try #require(submitted.stdout.split(separator: " ").drop { $0 != "job" }.dropFirst().first.map { String($0.dropLast()) })
        // Once a task is training (one configuration per task, so its index is the task's), cancel it and
        // one task still waiting.
        var training: String?
        #expect(waitUntil(seconds: 120) {
            let epochs = ((try? SweepResults(folder.path + "/cancel"))?.records ?? []).filter { ($0["event"] as? String) == "epoch" }
            let running = ((try? slurm(["squeue", "-h", "-j", job, "-t", "RUNNING", "-o", "%i"])) ?? "").split(separator: "\n")
            training = running.map(String.init).first { task in epochs.contains { "\(job)_\($0["index"] as! Int)" == task } }
            return training != nil
        })
        let pending = try slurm(["squeue", "-h", "-j", job, "-t", "PENDING", "-r", "-o", "%i"]).split(separator: "\n").map(String.init)
        let victims = [try #require(training)] + pending.suffix(1)
        #expect(victims.count == 2, "pending \(pending)")
        try slurm(["scancel"] + victims)
        #expect(waitForJob(job))

        let before = try SweepResults(folder.path + "/cancel")
        #expect(before.finalRecords.count == 6 - victims.count)
        let missing = try runSweep(["submit", path, "--results", folder.path, "--only", "missing", "--dry-run"])
        let cancelledTasks = victims.map { Int($0.split(separator: "_").last!)! }.sorted()
        #expect(missing.stdout.contains("--array=\(cancelledTasks.map(String.init).joined(separator: ","))"), "\(missing.stdout)")
        let resubmitted = try runSweep(["submit", path, "--results", folder.path, "--only", "missing"], environment: Self.binary)
        let second = try #require(resubmitted.stdout.split(separator: " ").drop { $0 != "job" }.dropFirst().first.map { String($0.dropLast()) })
        #expect(waitForJob(second))

        let after = try SweepResults(folder.path + "/cancel")
        #expect(after.unparsable.isEmpty)
        #expect(after.finalRecords.count == 6)
        #expect(after.finalRecords.values.allSatisfy { $0.count == 1 }, "a configuration ran twice to completion")
        // The running task was stopped by SIGTERM: it checkpointed, and its rerun resumed.
        #expect(after.records.contains { ($0["status"] as? String) == "preempted" && ($0["signal"] as? String) == "TERM" })
    }

    @Test func aPreemptedTaskCheckpointsRequeuesItselfAndResumesBitForBit() throws {
        let folder = try TemporaryFolder("preempt")
        let text = Self.grid("preempt", optimizers: #""adam_c""#, epochs: 4).replacingOccurrences(of: "[0.05, 0.005]", with: "0.005")
        let path = try folder.write("preempt.json", text)
        let reference = try runSweep(["run", path, "--results", folder.path + "/reference"])
        #expect(reference.status == 0, "\(reference.stderr)")

        let submitted = try runSweep(["submit", path, "--results", folder.path], environment: Self.binary)
        let job = try #require(submitted.stdout.split(separator: " ").drop { $0 != "job" }.dropFirst().first.map { String($0.dropLast()) })
        let task = job + "_0"
        #expect(waitUntil(seconds: 120) {
            ((try? SweepResults(folder.path + "/preempt"))?.records.contains { ($0["event"] as? String) == "epoch" }) ?? false
        })
        // What SLURM does before a time limit with --signal=B:USR1@…: USR1 to the batch shell only.
        try slurm(["scancel", "--signal=USR1", "--batch", task])
        #expect(waitUntil(seconds: 60) {
            ((try? SweepResults(folder.path + "/preempt"))?.records.contains { ($0["status"] as? String) == "preempted" }) ?? false
        })
        // The worker requeued its own task. SLURM holds a requeued job for about two minutes before it is
        // eligible again; release it now rather than wait.
        #expect(waitUntil(seconds: 30) { ((try? slurm(["squeue", "-h", "-j", task, "-o", "%T"])) ?? "") == "PENDING" })
        try slurm(["scontrol", "update", "JobId=\(task)", "StartTime=now"])
        // squeue can show nothing for a moment while the requeued task changes state, so wait for the
        // resumed attempt's end record itself (SLURM starts the task by the two-minute mark regardless).
        #expect(waitUntil(seconds: 300) {
            ((try? SweepResults(folder.path + "/preempt"))?.finalRecords.isEmpty == false)
        })
        #expect(waitForJob(job))

        let results = try SweepResults(folder.path + "/preempt")
        let expected = try SweepResults(folder.path + "/reference/preempt")
        let log = try String(contentsOfFile: folder.path + "/preempt/logs/task-\(job)_0.out", encoding: .utf8)
        #expect(results.finalMetrics == expected.finalMetrics, "task log:\n\(log)")
        #expect(results.curves == expected.curves)
        let final = try #require(results.finalRecords.values.first?.first)
        #expect(final["attempt"] as? Int == 1)
        #expect(log.contains("requeued \(task)") && log.contains("resuming at epoch"))
    }
}
