// Issue 18 item 24: the first Ctrl-C lets a worker finish its step and checkpoint; a second one means
// "now". Real processes, with training steps of about half a second so that a second SIGINT sent 50 ms
// after the first arrives before the checkpoint (the first alone would end in a `preempted` record).
import Foundation
import Testing
import TestSupport

@Suite(.serialized) struct SecondInterruptTests {
    static func grid(_ folder: TemporaryFolder) throws -> String {
        try folder.write("g.json", #"""
            {"name": "twice", "fixed": {"dataset": "blobs", "features": 64, "classes": 4, "samples": 8000, "model": "fc",
             "hidden": [512, 512], "optimizer": "adam", "lr": 0.001, "epochs": 3, "batch_size": 2000}}
            """#)
    }

    /// Waits for the start record, then sends SIGINT twice, 50 ms apart.
    static func interruptTwice(_ process: Process, results: String) {
        #expect(waitUntil(seconds: 60) {
            ((try? SweepResults(results))?.records.contains { ($0["event"] as? String) == "start" }) ?? false
        })
        kill(process.processIdentifier, SIGINT)
        usleep(50_000)
        kill(process.processIdentifier, SIGINT)
    }

    @Test func runDiesOfTheSecondInterrupt() throws {
        let folder = try TemporaryFolder("int-run")
        let grid = try Self.grid(folder)
        let process = try startSweep(["run", grid, "--results", folder.path], log: folder.path + "/log.txt")
        Self.interruptTwice(process, results: folder.path + "/twice")
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGINT,
                "\(process.terminationReason) \(process.terminationStatus)")
        let records = try SweepResults(folder.path + "/twice").records
        #expect(!records.contains { ($0["event"] as? String) == "end" }, "\(records)")

        // Nothing was lost that a rerun cannot redo.
        let again = try runSweep(["run", grid, "--results", folder.path])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try SweepResults(folder.path + "/twice").finalRecords.count == 1)
    }

    @Test func localKillsItsWorkersAtTheSecondInterrupt() throws {
        let folder = try TemporaryFolder("int-local")
        let grid = try Self.grid(folder)
        let launcher = try startSweep(["local", grid, "--results", folder.path, "--workers", "1"], log: folder.path + "/launcher.txt")
        Self.interruptTwice(launcher, results: folder.path + "/twice")
        launcher.waitUntilExit()
        let output = try String(contentsOfFile: folder.path + "/launcher.txt", encoding: .utf8)
        #expect(launcher.terminationStatus == 128 + SIGKILL, "\(output)")
        #expect(output.contains("worker 0 was killed by SIGKILL"), "\(output)")
        let records = try SweepResults(folder.path + "/twice").records
        #expect(!records.contains { ($0["event"] as? String) == "end" }, "\(records)")
    }
}
