// `sweep submit`: which tasks to submit, the script, and the sbatch calls (argument vectors, one per
// array of the plan).
import Foundation
import SweepCore

/// What to submit.
public enum SubmitSelection: String, Sendable {
    /// Every task.
    case all
    /// Configurations without an ok or diverged record, one task each.
    case missing
    /// Configurations whose last run failed, one task each (run with --retry failed).
    case failed
}

/// A planned submission of one sweep.
public struct Submission {
    public let script: SbatchScript
    public let arrays: [ArraySubmission]
    /// Where the script is written.
    public let scriptPath: String

    /// Plans the submission of `grid` (nothing is written or submitted yet).
    public init(grid: Grid, results: ResultsFolder, repository: String, selection: SubmitSelection, tasks requested: Int?,
                maxArraySize: Int) throws {
        let settings = try SlurmSettings(grid: grid)
        let tasks: Int
        let chosen: [Int]
        var runOptions: [String] = []
        switch selection {
        case .all:
            tasks = max(1, min(grid.count, requested ?? settings.tasks ?? grid.count))
            chosen = Array(0..<tasks)
        case .missing, .failed:
            // One configuration per task, so the array lists exactly the configurations to run.
            tasks = grid.count
            let index = RunIndex(shardsFolder: results.shards)
            let ids = ConfigurationIDs(grid, threads: ProcessInfo.processInfo.activeProcessorCount)
            chosen = (0..<grid.count).filter { position in
                let outcome = index[ids.id(position)]
                return selection == .missing ? !(outcome?.status.isFinal ?? false) : outcome?.status == .failed
            }
            if selection == .failed { runOptions = ["--retry", "failed"] }
        }
        let absoluteResults = URL(fileURLWithPath: results.root).standardizedFileURL.path
        // The log path is an #SBATCH value, and `%` in it is one of sbatch's file-name patterns.
        guard SbatchScript.isDirectiveWord(absoluteResults), !absoluteResults.contains("%") else {
            throw SubmitError.unsafeResultsPath(absoluteResults)
        }
        // The job starts in the repository, not here: a relative grid path would name another file.
        let absoluteGrid = URL(fileURLWithPath: grid.source.path).standardizedFileURL.path
        script = SbatchScript(sweep: grid.name, repository: repository, grid: absoluteGrid, results: absoluteResults,
                              settings: settings, tasks: tasks, runOptions: runOptions)
        arrays = ArrayPlan.arrays(for: chosen, maxArraySize: maxArraySize)
        guard arrays.count <= Submission.maxArrays else {
            throw SubmitError.tooManyArrays(arrays: arrays.count, tasks: chosen.count, maxArraySize: maxArraySize)
        }
        scriptPath = results.path("submit/\(grid.name)-\(isoTimestamp().replacingOccurrences(of: ":", with: "")).sbatch")
    }

    /// More arrays than this is a plan nobody meant (10⁷ configurations, one task each, make ten thousand
    /// sbatch calls): the user is asked to pack configurations into fewer tasks instead.
    public static let maxArrays = 100

    /// The sbatch argument vector of array `i`. With a `max_concurrent` throttle, each array after the
    /// first waits for the one before (`previousJob`): the `%` throttle is per array, so arrays running
    /// side by side would exceed it.
    public func command(_ i: Int, previousJob: String?) -> [String] {
        let array = arrays[i]
        var command = ["sbatch", "--parsable", script.arrayOption(array), "--export=ALL,SWEEP_TASK_OFFSET=\(array.offset)"]
        if i > 0, script.settings.maxConcurrent != nil, let previousJob { command.append("--dependency=afterany:\(previousJob)") }
        return command + [scriptPath]
    }

    /// The sbatch commands as a dry run shows them, with `<job of array N>` for ids not known yet.
    public var plannedCommands: [[String]] {
        arrays.indices.map { command($0, previousJob: "<job of array \($0)>") }
    }

    /// Writes the script and submits every array; returns the job ids sbatch printed.
    public func submit() throws -> [String] {
        let folder = (scriptPath as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: script.results + "/logs", withIntermediateDirectories: true)
        try script.text.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        var ids: [String] = []
        do {
            for i in arrays.indices { ids.append(try Self.sbatch(command(i, previousJob: ids.last))) }
        } catch let error as SubmitError where !ids.isEmpty {
            throw SubmitError.partlySubmitted(queued: ids, arrays: arrays.count, error)
        }
        return ids
    }

    /// Runs one sbatch command; returns the job id it printed.
    private static func sbatch(_ command: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch { throw SubmitError.noSbatch }
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            if process.terminationStatus == 127 { throw SubmitError.noSbatch }
            throw SubmitError.commandFailed(command.joined(separator: " "), process.terminationStatus,
                                            String(decoding: err, as: UTF8.self))
        }
        return String(decoding: out, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A submission that did not happen.
public enum SubmitError: Error, CustomStringConvertible {
    case noSbatch
    case commandFailed(String, Int32, String)
    case notARepository(String)
    case unsafeResultsPath(String)
    case tooManyArrays(arrays: Int, tasks: Int, maxArraySize: Int)
    /// Some arrays were queued before one could not be: their job ids, the number of arrays planned, why.
    indirect case partlySubmitted(queued: [String], arrays: Int, SubmitError)

    public var description: String {
        switch self {
        case .noSbatch: return "sbatch is not on PATH: run on a SLURM login node, or use --dry-run to see the script"
        case let .commandFailed(command, status, stderr):
            return "\(command) failed (exit \(status))" + (stderr.isEmpty ? "" : ": " + stderr.trimmingCharacters(in: .whitespacesAndNewlines))
        case let .notARepository(path):
            return "\(path) is not the sweep repository (no scripts/array.sh): run from its top folder or set SWEEP_HOME"
        case let .partlySubmitted(queued, arrays, error):
            return "\(error)\nqueued \(queued.count) of \(arrays) arrays before that, as job \(queued.joined(separator: ", ")): "
                + "submitting again would run those twice; scancel them first, or let them run and then "
                + "`sweep submit --only missing` submits what is left"
        case let .tooManyArrays(arrays, tasks, maxArraySize):
            return "\(tasks) tasks would take \(arrays) job arrays (MaxArraySize \(maxArraySize)), more than the \(Submission.maxArrays) "
                + "sweep submits at once: give fewer tasks with --tasks T or slurm.tasks (task N of T runs every T-th configuration)"
        case let .unsafeResultsPath(path):
            return "the results folder \(path.debugDescription) cannot go into an #SBATCH line (it holds a blank, a quote, a backslash, "
                + "a control character or %): choose another with --results"
        }
    }
}
