// One process per task: `sweep run` holds an advisory lock on its task (task N of T of one sweep) while
// it runs, so a second `sweep run` of the same task, or the workers of a rerun `sweep local` while the
// killed launcher's workers still train, stop at once instead of training everything twice. The kernel
// releases the lock when the holder dies, so a crash never leaves a stale one.
import Foundation
import SweepCore

/// The held lock of one task.
struct TaskLock {
    private let lock: FileLock

    /// Takes the lock of task `task` of `tasks`; throws `TaskLockError.held` if another process has it.
    init(results: ResultsFolder, task: Int, tasks: Int) throws {
        let path = results.path("locks/task\(task)-of\(tasks).lock")
        try FileManager.default.createDirectory(atPath: results.path("locks"), withIntermediateDirectories: true)
        guard let lock = try FileLock.attempt(path: path) else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            throw TaskLockError.held(task: task, tasks: tasks, sweep: results.root, holder: holder ?? "")
        }
        self.lock = lock
        // Who holds it, for the message another process gets.
        let holder = "pid \(ProcessInfo.processInfo.processIdentifier) on \(ProcessInfo.processInfo.hostName)\n"
        // Written in place: an atomic write would put a new, unlocked file under the name.
        try? holder.write(toFile: path, atomically: false, encoding: .utf8)
    }

    func release() { lock.release() }
}

/// A task that another process is running.
enum TaskLockError: Error, CustomStringConvertible {
    case held(task: Int, tasks: Int, sweep: String, holder: String)

    var description: String {
        switch self {
        case let .held(task, tasks, sweep, holder):
            return "task \(task) of \(tasks) of \(sweep) is already being run" + (holder.isEmpty ? "" : " by \(holder)")
                + "; nothing started (the lock goes when that process ends)"
        }
    }
}
