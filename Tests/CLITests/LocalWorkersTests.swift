// `sweep local`'s workers: their logs keep earlier runs, and they do not outlive a killed launcher.
import Foundation
import Testing
import TestSupport

@Suite struct LocalWorkersTests {
    static func grid(_ folder: TemporaryFolder, epochs: Int) throws -> String {
        try folder.write("g.json", #"""
            {"name": "loc", "fixed": {"dataset": "blobs", "features": 64, "classes": 4, "samples": 12000, "separation": 2,
             "model": "fc", "hidden": [128, 64], "epochs": \#(epochs), "batch_size": 32}, "grid": {"optimizer": ["sgd", "adam"]}}
            """#)
    }

    @Test func workerLogsKeepEarlierRuns() throws {
        let folder = try TemporaryFolder("local-logs")
        let grid = try Self.grid(folder, epochs: 1)
        for _ in 0..<2 {
            let run = try runSweep(["local", grid, "--results", folder.path, "--workers", "1"])
            #expect(run.status == 0, "\(run.stderr)")
        }
        let log = try String(contentsOfFile: folder.path + "/loc/logs/local-task0.out", encoding: .utf8)
        #expect(log.contains("2 ok"), "the first run's summary survives the second run\n\(log)")
        #expect(log.contains("2 already done"), "\(log)")
    }

    /// SIGKILL leaves the launcher no chance to stop its workers; they notice and stop themselves.
    @Test func workersStopWhenTheirLauncherIsKilled() throws {
        let folder = try TemporaryFolder("local-kill")
        let grid = try Self.grid(folder, epochs: 40)
        let launcher = try startSweep(["local", grid, "--results", folder.path, "--workers", "2"], log: folder.path + "/launcher.txt")
        let locks = (0..<2).map { folder.path + "/loc/locks/task\($0)-of2.lock" }
        /// The worker process ids, from their task locks ("pid N on host").
        func workers() -> [Int32] {
            locks.compactMap { try? String(contentsOfFile: $0, encoding: .utf8) }
                .compactMap { $0.split(separator: " ").dropFirst().first.flatMap { Int32($0) } }
        }
        #expect(waitUntil(seconds: 60) { workers().count == 2 })
        let pids = workers()
        kill(launcher.processIdentifier, SIGKILL)
        launcher.waitUntilExit()
        // Orphans are reaped by init (or the nearest subreaper), after which kill(pid, 0) fails.
        #expect(waitUntil(seconds: 30) { pids.allSatisfy { kill($0, 0) != 0 } }, "workers \(pids) still running")
        let log = try String(contentsOfFile: folder.path + "/loc/logs/local-task0.out", encoding: .utf8)
        #expect(log.contains("stopped by SIGTERM after checkpointing"), "\(log)")
    }
}
