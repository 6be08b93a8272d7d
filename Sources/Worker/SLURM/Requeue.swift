// Puts this array task back in the queue: `scontrol requeue <array job>_<task>` (the task, not the whole
// array), run with an argument vector. Used when the requeue signal (SLURM's `--signal=B:USR1@…`, sent
// before the time limit) stopped the task after checkpointing.
import Foundation

enum Requeue {
    /// The job id SLURM knows this task by: `<array job>_<array task>` for array tasks.
    static func jobID(_ environment: TaskEnvironment) -> String? {
        if let array = environment.arrayJobID, let task = environment.arrayTaskID { return "\(array)_\(task)" }
        return environment.jobID
    }

    /// Requeues the task; failures are logged (the checkpoint is there, a later submission resumes it).
    static func task(_ environment: TaskEnvironment, log: (String) -> Void) {
        guard let id = jobID(environment) else { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["scontrol", "requeue", id]
        do {
            try process.run()
            process.waitUntilExit()
            log(process.terminationStatus == 0 ? "requeued \(id)" : "scontrol requeue \(id) failed (exit \(process.terminationStatus)); resubmit to resume")
        } catch {
            log("cannot run scontrol to requeue \(id): \(error); resubmit to resume")
        }
    }
}
