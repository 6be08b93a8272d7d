import Testing
import Foundation
import SweepCore

/// `sweep status` as a user runs it: the counts, and the one squeue call (present, failing, absent).
@Suite struct StatusCommandTests {
    static let grid = #"{"name": "cli-status", "fixed": {"epochs": 2}, "grid": {"optimizer": ["sgd", "adam"]}, "seed": [0, 1]}"#

    /// A results folder for `grid`: sgd seed 0 done, sgd seed 1 failed, adam seed 0 running, adam seed 1 pending.
    static func sweep() throws -> (TemporaryFolder, String) {
        let folder = try TemporaryFolder("status-cli")
        let gridPath = try folder.write("grid.json", grid)
        let writer = try ResultsWriter(gridPath: gridPath, parent: folder.path)
        try writer.write(.start, 0)
        try writer.write(.epoch, 0, epoch: 1, metrics: [("valid_accuracy", 0.5)])
        try writer.write(.epoch, 0, epoch: 2, metrics: [("valid_accuracy", 0.6)])
        try writer.write(.end, 0, status: .ok, epoch: 2)
        try writer.write(.start, 1)
        try writer.write(.end, 1, status: .failed, details: [("message", .string("dataset \"mnist\" not found under /data"))])
        try writer.write(.start, 2)
        try writer.write(.epoch, 2, epoch: 1, metrics: [("train_loss", 0.25)])
        return (folder, gridPath)
    }

    /// A `squeue` that records its arguments, one per line, and prints `output` (or fails).
    static func fakeSqueue(in folder: TemporaryFolder, output: String, exitCode: Int = 0) throws -> (bin: String, calls: String) {
        let calls = folder.path + "/squeue-calls"
        let script = try folder.write("bin/squeue", """
            #!/bin/sh
            for argument in "$@"; do printf '%s\\n' "$argument" >> '\(calls)'; done
            echo ---- >> '\(calls)'
            printf '%s' '\(output)'
            \(exitCode == 0 ? "" : "echo 'slurm_load_jobs error: Unable to contact slurm controller' >&2")
            exit \(exitCode)
            """)
        chmod(script, 0o755)
        return (folder.path + "/bin", calls)
    }

    @Test func countsFailuresProgressAndOneBatchedSqueueCall() throws {
        let (folder, gridPath) = try Self.sweep()
        let queue = "77|0|RUNNING|cli-status\n77|1|PENDING|cli-status\n77|2|PENDING|cli-status\n88|0|RUNNING|other\n"
        let fake = try Self.fakeSqueue(in: folder, output: queue)
        let result = try runSweep(["status", gridPath, "--results", folder.path],
                                  environment: ["PATH": fake.bin + ":/usr/bin:/bin", "USER": "ana"])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.allSatisfy { $0.count <= 80 })
        #expect(result.stdout.contains("""
            optimizer  done  running  failed  diverged  preempted  pending  total
            ---------  ----  -------  ------  --------  ---------  -------  -----
            sgd           1        0       1         0          0        0      2
            adam          0        1       0         0          0        1      2
            all           1        1       1         0          0        1      4
            """))
        #expect(result.stdout.contains("#1  optimizer=sgd seed=1\n      error: dataset \"mnist\" not found under /data (node1,"))
        #expect(result.stdout.contains("#2  optimizer=adam seed=0\n      epoch 1/2, train_loss 0.25, node1, last record"))
        #expect(result.stdout.contains("squeue:\n  job 77: 1 running (task 0), 2 pending (tasks 1-2)\n"))
        let calls = try String(contentsOfFile: fake.calls, encoding: .utf8)
        #expect(calls == "--noheader\n--array\n--user=ana\n--format=%F|%K|%T|%j\n----\n")
    }

    @Test func aFailingSqueueIsANoteNotAnError() throws {
        let (folder, gridPath) = try Self.sweep()
        let fake = try Self.fakeSqueue(in: folder, output: "", exitCode: 1)
        let result = try runSweep(["status", gridPath, "--results", folder.path], environment: ["PATH": fake.bin + ":/usr/bin:/bin"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("squeue: not available (exit 1: slurm_load_jobs error: Unable to contact slurm controller)"))
        #expect(result.stdout.contains("all           1        1       1"))
    }

    @Test func withoutSqueueOrWithNoSqueueNothingIsAsked() throws {
        let (folder, gridPath) = try Self.sweep()
        let empty = try TemporaryFolder("no-squeue")
        let absent = try runSweep(["status", gridPath, "--results", folder.path], environment: ["PATH": empty.path])
        #expect(absent.status == 0)
        #expect(!absent.stdout.contains("squeue"))
        #expect(absent.stdout.contains("all           1        1       1"))

        let fake = try Self.fakeSqueue(in: folder, output: "")
        let declined = try runSweep(["status", gridPath, "--results", folder.path, "--no-squeue"],
                                    environment: ["PATH": fake.bin + ":/usr/bin:/bin"])
        #expect(declined.status == 0)
        #expect(!FileManager.default.fileExists(atPath: fake.calls))
    }

    @Test func aSweepThatNeverRanIsAllPendingAndBadArgumentsAreExitTwo() throws {
        let folder = try TemporaryFolder("status-empty")
        let gridPath = try folder.write("grid.json", Self.grid)
        let result = try runSweep(["status", gridPath, "--results", folder.path + "/nothing", "--no-squeue"])
        #expect(result.status == 0)
        #expect(normalizedText(result.stdout).contains("cli-status: 4 configurations, no results yet (\(folder.path)/nothing/cli-status does not exist)"))
        #expect(result.stdout.contains("all           0        0       0         0          0        4      4"))
        let bad = try runSweep(["status", gridPath, "--limit", "-1"])
        #expect(bad.status == 2 && bad.stderr.contains("--limit -1: expected an integer ≥ 0"))
    }
}

/// Text with every run of spaces and newlines made one space (wrapped lines compared with what they say).
func normalizedText(_ text: String) -> String {
    text.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
}

/// A sweep frozen by `sweep run`, then run again with an edited grid, in a results folder named by a
/// one-character relative path.
@Suite struct ChangedGridCommandTests {
    static func grid(seeds: String) -> String {
        #"{"name": "tiny", "fixed": {"dataset": "blobs", "features": 8, "classes": 2, "samples": 200, "separation": 2, "model": "logreg", "#
            + #""optimizer": "sgd", "epochs": 1, "batch_size": 32}, "#
            + #""grid": {"lr": [0.1, 0.01]}, "seed": \#(seeds)}"#
    }

    @Test func anEditedGridIsItemisedAndRefusedAndStatusStillCounts() throws {
        let folder = try TemporaryFolder("changed-grid")
        try folder.write("grid.json", Self.grid(seeds: "[0, 1]"))
        // Task 9 of 10 has no configuration of the 4: it freezes the sweep and trains nothing.
        let frozen = try runSweep(["run", "grid.json", "--task", "9", "--tasks", "10", "--results", "R"], in: folder.path)
        #expect(frozen.status == 0, "\(frozen.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder.path + "/R/tiny/configurations.jsonl"))

        try folder.write("grid.json", Self.grid(seeds: "[1, 2]"))
        let changed = try runSweep(["run", "grid.json", "--task", "9", "--tasks", "10", "--results", "R"], in: folder.path)
        #expect(changed.status == 2)
        #expect(changed.stderr.contains("grid.json has changed since this sweep was frozen"))
        #expect(changed.stderr.contains("4 configurations then, 4 now: 2 added, 2 removed, 2 kept"))
        #expect(changed.stderr.contains(#"added: index 1 {"batch_size":32,"classes":2,"dataset":"blobs","epochs":1,"features":8,"lr":0.1,"model":"logreg","optimizer":"sgd","samples":200,"seed":2,"separation":2}"#))
        #expect(changed.stderr.contains(#"removed: {"batch_size":32,"classes":2,"dataset":"blobs","epochs":1,"features":8,"lr":0.01,"model":"logreg","optimizer":"sgd","samples":200,"seed":0,"separation":2}"#))

        let status = try runSweep(["status", "grid.json", "--results", "R", "--no-squeue"], in: folder.path)
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("tiny: 4 configurations, 0 records"))
    }
}
