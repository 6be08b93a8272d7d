// `sweep local`'s workers: their logs keep earlier runs, and they do not outlive a killed launcher.
import Foundation
import Testing
import SweepCore
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

@Suite struct SignalledWorkerTests {
    /// A worker killed outright: `local` names the signal and exits 128 + n, as a shell would.
    @Test func aWorkerKilledByASignalIsNamed() throws {
        let folder = try TemporaryFolder("local-signal")
        let grid = try LocalWorkersTests.grid(folder, epochs: 40)
        let launcher = try startSweep(["local", grid, "--results", folder.path, "--workers", "1"], log: folder.path + "/launcher.txt")
        let lock = folder.path + "/loc/locks/task0-of1.lock"
        var pid: Int32?
        #expect(waitUntil(seconds: 60) {
            pid = (try? String(contentsOfFile: lock, encoding: .utf8)).flatMap { $0.split(separator: " ").dropFirst().first.flatMap { Int32($0) } }
            return pid != nil
        })
        kill(try #require(pid), SIGKILL)
        launcher.waitUntilExit()
        #expect(launcher.terminationStatus == 128 + SIGKILL)
        let output = try String(contentsOfFile: folder.path + "/launcher.txt", encoding: .utf8)
        #expect(output.contains("worker 0 was killed by SIGKILL; its log: "), "\(output)")
    }

    /// USR1 during start-up (here: while the worker waits for the manifest lock this test holds) is noted
    /// by the handler, installed first, and ends the task as a requeue would, instead of killing it silently.
    @Test func aSignalDuringStartUpIsNotFatal() throws {
        let folder = try TemporaryFolder("early-signal")
        let grid = try LocalWorkersTests.grid(folder, epochs: 1)
        let results = ResultsFolder(root: folder.path + "/loc")
        try results.create()
        let lock = try FileLock(path: results.path(".manifest.lock"))
        // Started through python3 with USR1 unblocked, as on a cluster node: the test runner's threads block
        // it, and a child inherits that mask (blocked, it would wait for the handler and prove nothing).
        let unblocked = "import os, signal, sys; signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGUSR1]); "
            + "os.execv(sys.argv[1], sys.argv[1:])"
        let worker = Process()
        worker.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        worker.arguments = ["python3", "-c", unblocked, sweepBinary.path, "run", grid, "--results", folder.path]
        FileManager.default.createFile(atPath: folder.path + "/log.txt", contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: folder.path + "/log.txt"))
        worker.standardOutput = output
        worker.standardError = output
        try worker.run()
        // Wait (at most 20 s) until the process catches USR1 (/proc's SigCgt), so that a slow start of
        // python3 and exec is not mistaken for the worker; then signal it, while it waits for the lock.
        _ = waitUntil(seconds: 20) {
            let status = (try? String(contentsOfFile: "/proc/\(worker.processIdentifier)/status", encoding: .utf8)) ?? ""
            let caught = status.split(separator: "\n").first { $0.hasPrefix("SigCgt:") }?.split(separator: "\t").last
            return caught.flatMap { UInt64($0, radix: 16) }.map { $0 & (1 << UInt64(SIGUSR1 - 1)) != 0 } ?? false
        }
        usleep(200_000)
        kill(worker.processIdentifier, SIGUSR1)
        lock.release()
        worker.waitUntilExit()
        let log = try String(contentsOfFile: folder.path + "/log.txt", encoding: .utf8)
        #expect(worker.terminationReason == .exit && worker.terminationStatus == 128 + SIGUSR1, "\(log)")
        #expect(log.contains("stopped by SIGUSR1"), "\(log)")
    }
}
