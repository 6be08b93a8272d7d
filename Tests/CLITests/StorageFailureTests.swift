// A checkpoint that cannot be written (here: a file-size limit, as a full disk or quota would) is not the
// configuration's failure: it is not marked failed, the task stops with exit 1, and the next run trains it.
import Foundation
import Testing
import TestSupport

@Suite struct StorageFailureTests {
    @Test func aCheckpointThatCannotBeWrittenIsRetriedNotFailed() throws {
        let folder = try TemporaryFolder("storage")
        let grid = try folder.write("g.json", #"""
            {"name": "store", "fixed": {"dataset": "blobs", "features": 64, "classes": 4, "samples": 2000, "separation": 2,
             "model": "fc", "hidden": [128, 64], "epochs": 2, "batch_size": 32, "optimizer": "sgd", "lr": 0.05}}
            """#)
        // Files may not grow past 20 KB (the checkpoint is about 70 KB); SIGXFSZ ignored, so write(2) fails with EFBIG.
        let limited = "import os, resource, signal, sys; resource.setrlimit(resource.RLIMIT_FSIZE, (20000, 20000)); "
            + "signal.signal(signal.SIGXFSZ, signal.SIG_IGN); os.execv(sys.argv[1], sys.argv[1:])"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", limited, sweepBinary.path, "run", grid, "--results", folder.path, "--checkpoint-every", "0"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1, "\(stderr)")
        #expect(stderr.contains("File too large") && stderr.contains("not marked failed"), "\(stderr)")
        let before = try SweepResults(folder.path + "/store")
        #expect(!before.records.contains { $0["status"] as? String == "failed" })

        let again = try runSweep(["run", grid, "--results", folder.path])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try SweepResults(folder.path + "/store").finalRecords.values.allSatisfy { $0.count == 1 && $0[0]["status"] as? String == "ok" })
    }

    /// Issue 18 item 23: a results folder that cannot be made says which folder and why, in the system's
    /// words, not Foundation's "The operation could not be completed". (A file in the way and /proc fail
    /// for root too, where permission bits are not enforced.)
    @Test func aResultsFolderThatCannotBeMadeIsNamedWithItsReason() throws {
        let folder = try TemporaryFolder("storage-folder")
        let grid = try folder.write("g.json", #"""
            {"name": "store", "fixed": {"dataset": "blobs", "features": 4, "classes": 2, "samples": 8, "model": "logreg",
             "optimizer": "sgd", "lr": 0.1, "epochs": 1, "batch_size": 8}}
            """#)
        let blocker = try folder.write("a-file", "not a folder\n")
        let inTheWay = try runSweep(["run", grid, "--results", blocker + "/results"])
        #expect(inTheWay.status == 2)
        #expect(inTheWay.stderr.contains("cannot write \(blocker): a file of this name is in the way"), "\(inTheWay.stderr)")
        #expect(!inTheWay.stderr.contains("could not be completed"), "\(inTheWay.stderr)")

        let unwritable = try runSweep(["run", grid, "--results", "/proc/sweep-results"])
        #expect(unwritable.status == 2)
        #expect(unwritable.stderr.contains("cannot write /proc/sweep-results: cannot create this folder ("), "\(unwritable.stderr)")
        #expect(unwritable.stderr.contains("give --results or SWEEP_RESULTS a folder this user can write"), "\(unwritable.stderr)")
        #expect(!unwritable.stderr.contains("could not be completed"), "\(unwritable.stderr)")
    }
}
