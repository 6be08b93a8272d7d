// The second part of `sweep-bench status`: `sweep status` and the changed-grid check on a real sweep of
// 10⁶ configurations (100 lr × 100 momentum × 100 seeds of logistic regression on small blobs), frozen
// by `sweep run` as task 0 of 100,000, which trains its 10 configurations. The edited grid shifts the
// seeds by one (1% of the configurations added, 1% removed); `sweep run` given it itemises the change
// and refuses with exit 2. Both commands are timed as processes, with their peak memory, after the
// phases of the check in process.
import Foundation
import SweepCore

/// Freezes (or reuses, under `keep`) the 10⁶-configuration sweep and times status and the changed-grid check.
func frozenSweepBenchmark(samples: Int, keep: String?) throws {
    let parent = try keep.map { ($0 as NSString).appendingPathComponent("frozen-million") } ?? benchmarkFolder("frozen")
    defer { if keep == nil { try? FileManager.default.removeItem(atPath: parent) } }
    try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
    let gridPath = (parent as NSString).appendingPathComponent("million.json")
    let editedPath = (parent as NSString).appendingPathComponent("million-edited.json")
    try millionGrid(seeds: 0..<100).write(toFile: gridPath, atomically: true, encoding: .utf8)
    try millionGrid(seeds: 1..<101).write(toFile: editedPath, atomically: true, encoding: .utf8)
    let results = (parent as NSString).appendingPathComponent("results")
    let grid = try GridParser.load(path: gridPath), edited = try GridParser.load(path: editedPath)
    let folder = ResultsFolder(sweepName: grid.name, parent: results, environment: [:])

    print("10⁶-configuration sweep (\(grid.count) configurations), frozen by "
          + "`sweep run million.json --task 0 --tasks 100000` (10 trained); edited grid: seeds 1…100 instead of 0…99")
    if !FileManager.default.fileExists(atPath: folder.manifest) {
        let freeze = try runSweep(["run", gridPath, "--task", "0", "--tasks", "100000", "--results", results])
        print(String(format: "freezing and training 10: %.2f s, peak %.0f MiB", freeze.seconds, freeze.peakMiB))
    }
    print("\n| command (process, end to end) | seconds | peak MiB |")
    print("|---|---|---|")
    let commands: [(label: String, arguments: [String], exitStatus: Int32)] = [
        ("`sweep status million.json --no-squeue`", ["status", gridPath, "--results", results, "--no-squeue"], 0),
        ("changed-grid check: `sweep run million-edited.json --task 0 --tasks 100000` (exit 2)",
         ["run", editedPath, "--task", "0", "--tasks", "100000", "--results", results], 2),
    ]
    for command in commands {
        var runs: [(seconds: Double, peakMiB: Double)] = []
        for _ in 0..<samples { runs.append(try runSweep(command.arguments, exitStatus: command.exitStatus)) }
        let seconds = runs.map(\.seconds).sorted()
        print("| \(command.label) | " + String(format: "%.3f [%.3f] | %.0f |", seconds[seconds.count / 2], seconds[0],
                                                  runs.map(\.peakMiB).max()!))
    }
    print("\n| phase of the changed-grid check, in process | seconds |")
    print("|---|---|")
    row("frozen ids read back from configurations.jsonl", try measure(samples) {
        guard ConfigurationIDs(grid, expansion: folder.configurations) != nil else { throw BenchmarkError("\(folder.configurations) does not match its grid") }
    })
    let threads = ProcessInfo.processInfo.activeProcessorCount
    row("edited grid's ids hashed (\(threads) threads)", measure(samples) { _ = ConfigurationIDs(edited, threads: threads) })
    let frozenIDs = ConfigurationIDs(grid, expansion: folder.configurations) ?? ConfigurationIDs(grid), editedIDs = ConfigurationIDs(edited, threads: threads)
    var change: GridChange?
    row("frozen ids put in a hash table, edited ids looked up", measure(1) { change = GridChange(from: frozenIDs, to: editedIDs) })
    print("(\(change!.added.count) added, \(change!.removed.count) removed)")

    print("\nresults: \(results)\n")
}

/// The 10⁶-configuration grid with the seeds `seeds`.
private func millionGrid(seeds: Range<Int>) -> String {
    let lrs = (1...100).map { String(format: "%g", Double($0) * 0.001) }, momenta = (0..<100).map { String(format: "%g", Double($0) * 0.009) }
    return """
        {
          "name": "million",
          "fixed": {"dataset": "blobs", "features": 8, "classes": 2, "samples": 200, "separation": 2, "model": "logreg",
                    "optimizer": "sgd", "epochs": 1, "batch_size": 32},
          "grid": {"lr": [\(lrs.joined(separator: ", "))], "momentum": [\(momenta.joined(separator: ", "))]},
          "seed": [\(seeds.map(String.init).joined(separator: ", "))]
        }
        """
}
