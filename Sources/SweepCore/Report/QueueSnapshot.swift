// What SLURM's queue says about a sweep's array tasks, from the output of one batched call,
// `squeue --noheader --array --user=U --format=%F|%K|%T|%j` (array job, task, state, job name).
// Running the command is the CLI's business; this file only reads its output.
import Foundation

/// The array tasks of one sweep that `squeue` lists.
public struct QueueSnapshot: Equatable, Sendable {
    /// One array job's tasks by state.
    public struct Job: Equatable, Sendable {
        public var arrayJobID: String
        /// SLURM state (`RUNNING`, `PENDING`, …) → array task ids, ascending; states in first-seen order.
        public var tasks: [(state: String, ids: [Int])]

        public static func == (a: Job, b: Job) -> Bool {
            a.arrayJobID == b.arrayJobID && a.tasks.map(\.state) == b.tasks.map(\.state) && a.tasks.map(\.ids) == b.tasks.map(\.ids)
        }
    }

    /// The sweep's jobs, in the order squeue listed them first.
    public var jobs: [Job]

    /// The `--format` value the parser expects.
    public static let format = "%F|%K|%T|%j"

    /// The squeue arguments: every array task of `user`'s jobs, one line each, no header.
    public static func arguments(user: String) -> [String] {
        ["--noheader", "--array", "--user=\(user)", "--format=\(format)"]
    }

    /// Keeps the lines of jobs named `sweep` or `sweep-<sweep>` (how `sweep submit` names them) or whose
    /// array job id is in `arrayJobIDs` (ids the results mention). Lines that do not have four fields
    /// are ignored (squeue prints nothing else with `--noheader`).
    public init(squeueOutput: String, sweep: String, arrayJobIDs: Set<String>) {
        var jobs: [Job] = []
        for line in squeueOutput.split(separator: "\n") {
            let fields = line.split(separator: "|", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 4 else { continue }
            let (jobID, task, state, name) = (fields[0], fields[1], fields[2], fields[3].trimmingCharacters(in: .whitespaces))
            guard name == sweep || name == "sweep-" + sweep || arrayJobIDs.contains(jobID) else { continue }
            let position = jobs.firstIndex { $0.arrayJobID == jobID } ?? {
                jobs.append(Job(arrayJobID: jobID, tasks: []))
                return jobs.count - 1
            }()
            let taskID = Int(task) ?? -1
            if let s = jobs[position].tasks.firstIndex(where: { $0.state == state }) {
                jobs[position].tasks[s].ids.append(taskID)
            } else {
                jobs[position].tasks.append((state, [taskID]))
            }
        }
        for j in jobs.indices { for s in jobs[j].tasks.indices { jobs[j].tasks[s].ids.sort() } }
        self.jobs = jobs
    }

    /// One line per job: "job 1234: 4 running (tasks 0-3), 16 pending (tasks 4-19)".
    public var lines: [String] {
        jobs.map { job in
            let parts = job.tasks.map { entry in
                let ids = entry.ids.filter { $0 >= 0 }
                let tasks = ids.isEmpty ? "" : " (task\(ids.count == 1 ? "" : "s") \(Self.ranges(ids)))"
                return "\(entry.ids.count) \(entry.state.lowercased())\(tasks)"
            }
            return "job \(job.arrayJobID): " + parts.joined(separator: ", ")
        }
    }

    /// Ascending integers as ranges: [0, 1, 2, 5, 7, 8] → "0-2,5,7-8".
    public static func ranges(_ ids: [Int]) -> String {
        var parts: [String] = []
        var i = 0
        while i < ids.count {
            var j = i
            while j + 1 < ids.count && ids[j + 1] == ids[j] + 1 { j += 1 }
            parts.append(i == j ? "\(ids[i])" : "\(ids[i])-\(ids[j])")
            i = j + 1
        }
        return parts.joined(separator: ",")
    }
}
