// Errors after a command's work has started exit 1, not 2 (SPEC §2: 2 means nothing started), and say
// what was already done.
import Testing
import Foundation
import TestSupport

@Suite struct ExitAfterStartTests {
    @Test func reportToAFolderThatCannotBeWrittenExitsOne() throws {
        let (folder, gridPath) = try ReportCommandTests.sweep()
        let file = try folder.write("plain-file", "x")
        let result = try runSweep(["report", gridPath, "--results", folder.path, "--out", file + "/report"])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stdout.contains("cli-report:"), "the report itself was printed")
        #expect(result.stderr.contains("sweep report: error:"))
    }

    /// A fake SLURM on PATH: MaxArraySize 2 (so 5 tasks make 3 arrays) and an sbatch that queues two
    /// arrays and then fails.
    @Test func aSubmissionThatFailsPartWayExitsOneAndListsTheQueuedJobs() throws {
        let folder = try TemporaryFolder("submit-partial")
        let bin = folder.path + "/bin"
        try folder.write("bin/scontrol", "#!/bin/sh\necho 'MaxArraySize            = 2'\n")
        try folder.write("bin/sbatch", """
            #!/bin/sh
            n=$(cat \(folder.path)/count 2>/dev/null || echo 0); n=$((n + 1)); echo $n > \(folder.path)/count
            if [ $n -ge 3 ]; then echo 'sbatch: error: QOSMaxSubmitJobPerUserLimit' >&2; exit 1; fi
            echo 70$n

            """)
        for tool in ["scontrol", "sbatch"] { chmod(bin + "/" + tool, 0o755) }
        let grid = try folder.write("five.json", #"""
            {"name": "five", "fixed": {"dataset": "blobs", "model": "logreg", "optimizer": "sgd", "epochs": 1},
             "grid": {"lr": [0.1, 0.2, 0.3, 0.4, 0.5]}}
            """#)
        let path = bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let result = try runSweep(["submit", grid, "--results", folder.path], environment: ["PATH": path])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("QOSMaxSubmitJobPerUserLimit"), "\(result.stderr)")
        #expect(result.stderr.contains("queued 2 of 3 arrays before that, as job 701, 702"), "\(result.stderr)")
    }
}
