// How `sweep submit` plans its sbatch calls, against a fake SLURM on PATH (a MaxArraySize of 2, and an
// sbatch that records its arguments and prints job ids 701, 702, …).
import Foundation
import Testing
import TestSupport

@Suite struct SubmitPlanTests {
    /// A folder with the fake `scontrol` and `sbatch`, and the PATH that finds them first.
    static func fakeSlurm(_ folder: TemporaryFolder) throws -> [String: String] {
        try folder.write("bin/scontrol", "#!/bin/sh\necho 'MaxArraySize            = 2'\n")
        try folder.write("bin/sbatch", """
            #!/bin/sh
            n=$(cat \(folder.path)/count 2>/dev/null || echo 0); n=$((n + 1)); echo $n > \(folder.path)/count
            echo "$@" >> \(folder.path)/calls
            echo 70$n

            """)
        for tool in ["scontrol", "sbatch"] { chmod(folder.path + "/bin/" + tool, 0o755) }
        return ["PATH": folder.path + "/bin:" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
                "SWEEP_HOME": Repository.root.path]
    }

    static func grid(_ folder: TemporaryFolder, values: Int, slurm: String = "{}") throws {
        try folder.write("g.json", #"""
            {"name": "plan", "fixed": {"dataset": "blobs", "model": "logreg", "optimizer": "sgd", "epochs": 1},
             "grid": {"lr": [\#((1...values).map { "0.\($0)" }.joined(separator: ", "))]}, "slurm": \#(slurm)}
            """#)
    }

    /// The `%` throttle is per array, so with max_concurrent each array waits for the one before.
    @Test func throttledArraysRunOneAfterAnother() throws {
        let folder = try TemporaryFolder("plan")
        let environment = try Self.fakeSlurm(folder)
        try Self.grid(folder, values: 5, slurm: #"{"max_concurrent": 2}"#)
        let result = try runSweep(["submit", "g.json", "--results", folder.path + "/results"], in: folder.path, environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        let calls = try String(contentsOfFile: folder.path + "/calls", encoding: .utf8).split(separator: "\n")
        #expect(calls.count == 3)
        #expect(!calls[0].contains("--dependency"))
        #expect(calls[1].contains("--array=0-1%2 --export=ALL,SWEEP_TASK_OFFSET=2 --dependency=afterany:701"))
        #expect(calls[2].contains("--array=0%1 --export=ALL,SWEEP_TASK_OFFSET=4 --dependency=afterany:702"))
    }

    /// The job starts in SWEEP_HOME, so a grid path relative to here goes into the script made absolute.
    @Test func aRelativeGridPathIsMadeAbsolute() throws {
        let folder = try TemporaryFolder("plan")
        let environment = try Self.fakeSlurm(folder)
        try Self.grid(folder, values: 2)
        let result = try runSweep(["submit", "g.json", "--dry-run", "--results", folder.path + "/results"], in: folder.path,
                                  environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        let exec = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("exec ") })
        #expect(exec.contains(" \(URL(fileURLWithPath: folder.path).standardizedFileURL.path)/g.json --results "), "\(exec)")
    }

    @Test func aPlanOfMoreThanAHundredArraysIsRefusedWithAHint() throws {
        let folder = try TemporaryFolder("plan")
        let environment = try Self.fakeSlurm(folder)
        try Self.grid(folder, values: 300)
        let result = try runSweep(["submit", "g.json", "--results", folder.path + "/results"], in: folder.path, environment: environment)
        #expect(result.status == 2)
        #expect(result.stderr.contains("300 tasks would take 150 job arrays (MaxArraySize 2)") && result.stderr.contains("--tasks T"),
                "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/calls"), "nothing was submitted")
    }
}
