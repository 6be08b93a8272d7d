// Values from the environment and from records are data, never layout: a SLURM job id with a slash
// still names a shard, and a message with line breaks or escape codes stays on its line in `status`.
import Foundation
import Testing
import SweepCore
import TestSupport

@Suite struct HostileValuesTests {
    @Test func aJobIDWithASlashStillWritesItsShard() throws {
        let folder = try TemporaryFolder("jobid")
        let grid = try folder.write("g.json", #"""
            {"name": "jobid", "fixed": {"dataset": "blobs", "model": "logreg", "optimizer": "sgd", "lr": 0.1, "epochs": 1}}
            """#)
        let run = try runSweep(["run", grid, "--results", folder.path], environment: ["SLURM_JOB_ID": "12/../34\nx"])
        #expect(run.status == 0, "\(run.stderr)")
        let shards = try FileManager.default.contentsOfDirectory(atPath: folder.path + "/jobid/shards")
        #expect(shards.count == 1 && shards[0].hasPrefix("task0-of1_job12_.._34_x_a"), "\(shards)")
        let records = try SweepResults(folder.path + "/jobid").records
        #expect(records.last?["slurm_job_id"] as? String == "12/../34\nx", "the record keeps the value as it was")
    }

    @Test func statusShowsControlCharactersAsEscapes() throws {
        let folder = try TemporaryFolder("status-escapes")
        let grid = try folder.write("g.json", #"{"name": "esc", "fixed": {"dataset": "blobs"}, "grid": {"note": ["a\nb", "c"]}}"#)
        let writer = try ResultsWriter(gridPath: grid, parent: folder.path)
        try writer.write(.start, 0)
        try writer.write(.end, 0, status: .failed, message: "line one\nline two \u{1B}[31mred")
        let status = try runSweep(["status", grid, "--results", folder.path])
        #expect(!status.stdout.contains("\u{1B}"), "\(status.stdout)")
        #expect(status.stdout.contains(#"note=a\nb"#), "\(status.stdout)")
        #expect(status.stdout.contains(#"error: line one\nline two \u{1b}[31mred"#), "\(status.stdout)")
    }
}
