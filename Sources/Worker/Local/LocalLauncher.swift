// `sweep local`: the whole sweep on this machine, as N worker processes that each get what a SLURM array
// task gets (task id, task count, cores per task), with a live progress line. Ctrl-C reaches every
// worker, which checkpoints and stops; running `sweep local` again resumes. A second Ctrl-C kills the
// workers at once (they resume from their last checkpoint).
import Foundation
import SweepCore

public struct LocalLauncher {
    public let gridPath: String
    public let grid: Grid
    public let workers: Int
    /// Options passed on to every `sweep run`.
    public let runOptions: [String]
    public let results: ResultsFolder
    /// The `sweep` binary to start the workers with.
    public let executable: String

    public init(gridPath: String, grid: Grid, workers: Int, runOptions: [String], results: ResultsFolder, executable: String) {
        self.gridPath = gridPath
        self.grid = grid
        self.workers = workers
        self.runOptions = runOptions
        self.results = results
        self.executable = executable
    }

    /// The environment of worker `task`: SLURM's array variables, as an array task would see them.
    public static func environment(task: Int, workers: Int, cores: Int, base: [String: String]) -> [String: String] {
        var environment = base.filter { !$0.key.hasPrefix("SLURM_") && !$0.key.hasPrefix("SWEEP_TASK") }
        environment["SLURM_ARRAY_TASK_ID"] = String(task)
        environment["SLURM_ARRAY_TASK_MIN"] = "0"
        environment["SLURM_ARRAY_TASK_COUNT"] = String(workers)
        environment["SLURM_CPUS_PER_TASK"] = String(max(1, cores / workers))
        return environment
    }

    /// Runs the workers to completion (or until interrupted) and returns the worst exit status.
    public func run(progress: (String) -> Void) throws -> Int32 {
        // Freeze the manifest once here, so the workers find it rather than race to write it.
        _ = try results.freezeOrCompare(grid, acceptChanges: runOptions.contains("--accept-grid-change"))
        try results.create()
        Interruption.install([SIGINT, SIGTERM], secondInterruptKills: false)
        let cores = ProcessInfo.processInfo.activeProcessorCount
        var processes: [Process] = []
        // Each worker's exit wakes the progress loop at once (it otherwise redraws every quarter second).
        let exited = DispatchSemaphore(value: 0)
        for task in 0..<workers {
            let process = Process()
            process.terminationHandler = { _ in exited.signal() }
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = ["run", gridPath] + runOptions
            process.environment = LocalLauncher.environment(task: task, workers: workers, cores: cores,
                                                            base: ProcessInfo.processInfo.environment)
            process.environment?[LauncherWatch.variable] = String(ProcessInfo.processInfo.processIdentifier)
            // Appended to, never emptied: errors of earlier runs stay readable.
            let log = results.path("logs/local-task\(task).out")
            if !FileManager.default.fileExists(atPath: log) { _ = FileManager.default.createFile(atPath: log, contents: nil) }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
            handle.seekToEndOfFile()
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
            processes.append(process)
        }

        let started = Date()
        var tail = ShardTail(folder: results.shards)
        tail.update()
        let doneBefore = tail.count(.done) + tail.count(.diverged)
        var forwarded = false, killed = false
        while processes.contains(where: \.isRunning) {
            if let signo = Interruption.received, !forwarded {
                for process in processes where process.isRunning { kill(process.processIdentifier, signo) }
                forwarded = true
            }
            if Interruption.interruptCount >= 2, !killed {
                for process in processes where process.isRunning { kill(process.processIdentifier, SIGKILL) }
                killed = true
            }
            tail.update()
            progress(line(tail, doneBefore: doneBefore, since: started, stopping: forwarded))
            _ = exited.wait(timeout: .now() + 0.25)
        }
        tail.update()
        progress(line(tail, doneBefore: doneBefore, since: started, stopping: forwarded))
        // A worker killed by a signal reports the signal's number as its status; name it, and count it
        // as 128 + n, as a shell does (SIGINT's 2 is not "bad input").
        let statuses = processes.enumerated().map { task, process -> Int32 in
            guard process.terminationReason == .uncaughtSignal else { return process.terminationStatus }
            let signo = process.terminationStatus
            FileHandle.standardError.write(Data(("\nsweep local: worker \(task) was killed by SIG\(Interruption.name(signo)); "
                + "its log: \(results.path("logs/local-task\(task).out"))\n").utf8))
            return 128 + signo
        }
        return statuses.max() ?? 0
    }

    /// "done 12 / running 2 / failed 0 / diverged 1 of 24 · 3.1/min · ETA 3m20s".
    private func line(_ tail: ShardTail, doneBefore: Int, since start: Date, stopping: Bool) -> String {
        let ok = tail.count(.done), diverged = tail.count(.diverged), failed = tail.count(.failed)
        let done = ok + diverged
        let elapsed = Date().timeIntervalSince(start)
        let rate = Double(done - doneBefore) / max(elapsed, 1e-9) * 60
        var text = "done \(done) / running \(tail.count(.running)) / failed \(failed) / diverged \(diverged) of \(grid.count)"
        text += String(format: " · %.1f/min", rate)
        let left = grid.count - done - failed
        if rate > 0, left > 0 { text += " · ETA " + duration(Double(left) / rate * 60) }
        if stopping { text += " · stopping (workers checkpoint)" }
        return text
    }

    private func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(s % 3600 / 60)m" : s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s"
    }
}
