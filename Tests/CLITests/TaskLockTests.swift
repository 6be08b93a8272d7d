// One process per task: a second `sweep run` of a task that is running stops at once and says who runs
// it, so nothing is trained twice; the lock goes with its holder.
import Foundation
import Testing
import TestSupport

@Suite struct TaskLockTests {
    @Test func aSecondRunOfTheSameTaskStopsAndNothingIsTrainedTwice() throws {
        let folder = try TemporaryFolder("tasklock")
        let grid = try folder.write("g.json", #"""
            {"name": "locked", "fixed": {"dataset": "blobs", "features": 64, "classes": 4, "samples": 12000, "separation": 2,
             "model": "fc", "hidden": [128, 64], "epochs": 5, "batch_size": 32}, "grid": {"optimizer": ["sgd", "adam"]}}
            """#)
        let arguments = ["run", grid, "--results", folder.path]
        let first = try startSweep(arguments, log: folder.path + "/first.txt")
        #expect(waitUntil(seconds: 60) { FileManager.default.fileExists(atPath: folder.path + "/locked/locks/task0-of1.lock") })
        let second = try runSweep(arguments)
        #expect(second.status == 2, "\(second.stderr)")
        #expect(second.stderr.contains("task 0 of 1 of \(folder.path)/locked is already being run by pid \(first.processIdentifier)"),
                "\(second.stderr)")
        first.waitUntilExit()
        #expect(first.terminationStatus == 0)
        let results = try SweepResults(folder.path + "/locked")
        #expect(results.records.filter { $0["event"] as? String == "start" }.count == 2)
        // The holder is gone, and so is its lock: running again finds everything done.
        let again = try runSweep(arguments)
        #expect(again.status == 0 && again.stderr.contains("2 already done"), "\(again.stderr)")
    }
}
