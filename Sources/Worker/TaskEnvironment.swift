// Who this worker is: built once, from SLURM's variables, the command line or the local launcher.
// Nothing else in the project reads the process environment for these facts.
import Foundation

/// The identity of one worker process: which share of the grid it runs and where its records go.
public struct TaskEnvironment: Equatable, Sendable {
    /// This task's number N (0-based); it runs the configurations with `index % tasks == task`.
    public var task: Int
    /// The number of tasks T the sweep is split into.
    public var tasks: Int
    /// Restarts of this task so far (`SLURM_RESTART_COUNT`); 0 on the first attempt.
    public var attempt: Int
    /// `SLURM_JOB_ID` of this task, when under SLURM.
    public var jobID: String?
    /// `SLURM_ARRAY_JOB_ID`, when under SLURM.
    public var arrayJobID: String?
    /// `SLURM_ARRAY_TASK_ID`, when under SLURM.
    public var arrayTaskID: Int?
    /// The machine's host name.
    public var host: String
    /// Cores this task may use (`SLURM_CPUS_PER_TASK`, else every core of the machine).
    public var cpus: Int

    public init(task: Int, tasks: Int, attempt: Int = 0, jobID: String? = nil, arrayJobID: String? = nil,
                arrayTaskID: Int? = nil, host: String = ProcessInfo.processInfo.hostName,
                cpus: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.task = task
        self.tasks = tasks
        self.attempt = attempt
        self.jobID = jobID
        self.arrayJobID = arrayJobID
        self.arrayTaskID = arrayTaskID
        self.host = host
        self.cpus = cpus
    }

    /// The variables read, in one table (submitit's `_env`). `SWEEP_TASKS` and `SWEEP_TASK_OFFSET` are
    /// set by `sweep submit` when the tasks of one sweep span several arrays or an explicit index list:
    /// then the task is `offset + SLURM_ARRAY_TASK_ID` of `SWEEP_TASKS`, not a position in this array.
    public enum Variable: String, CaseIterable, Sendable {
        case arrayTaskID = "SLURM_ARRAY_TASK_ID"
        case arrayTaskMin = "SLURM_ARRAY_TASK_MIN"
        case arrayTaskCount = "SLURM_ARRAY_TASK_COUNT"
        case arrayJobID = "SLURM_ARRAY_JOB_ID"
        case jobID = "SLURM_JOB_ID"
        case restartCount = "SLURM_RESTART_COUNT"
        case cpusPerTask = "SLURM_CPUS_PER_TASK"
        case sweepTasks = "SWEEP_TASKS"
        case sweepTaskOffset = "SWEEP_TASK_OFFSET"
    }

    /// Reads the task from the environment, with `--task/--tasks` (given together) taking precedence.
    /// Without either, one task runs everything.
    public static func resolve(environment: [String: String], task explicitTask: Int? = nil,
                               tasks explicitTasks: Int? = nil) throws -> TaskEnvironment {
        func value(_ variable: Variable) -> String? {
            guard let text = environment[variable.rawValue]?.trimmingCharacters(in: .whitespaces),
                  !text.isEmpty else { return nil }
            return text
        }
        func integer(_ variable: Variable) throws -> Int? {
            guard let text = value(variable) else { return nil }
            guard let number = Int(text) else {
                throw TaskEnvironmentError.notAnInteger(variable: variable.rawValue, value: text)
            }
            return number
        }

        var environmentTask: (task: Int, tasks: Int)?
        if let id = try integer(.arrayTaskID) {
            if let total = try integer(.sweepTasks) {
                environmentTask = ((try integer(.sweepTaskOffset) ?? 0) + id, total)
            } else {
                let minimum = try integer(.arrayTaskMin) ?? 0
                guard let count = try integer(.arrayTaskCount) else {
                    throw TaskEnvironmentError.missing(variable: Variable.arrayTaskCount.rawValue,
                                                       because: "SLURM_ARRAY_TASK_ID is set")
                }
                environmentTask = (id - minimum, count)
            }
        }

        let chosen: (task: Int, tasks: Int)
        switch (explicitTask, explicitTasks) {
        case let (task?, tasks?): chosen = (task, tasks)
        case (nil, nil): chosen = environmentTask ?? (0, 1)
        default: throw TaskEnvironmentError.taskWithoutTasks
        }
        guard chosen.tasks >= 1, (0..<chosen.tasks).contains(chosen.task) else {
            throw TaskEnvironmentError.outOfRange(task: chosen.task, tasks: chosen.tasks)
        }

        var environmentResult = TaskEnvironment(task: chosen.task, tasks: chosen.tasks)
        environmentResult.attempt = try integer(.restartCount) ?? 0
        environmentResult.jobID = value(.jobID)
        environmentResult.arrayJobID = value(.arrayJobID)
        environmentResult.arrayTaskID = try integer(.arrayTaskID)
        if let cpus = try integer(.cpusPerTask), cpus > 0 { environmentResult.cpus = cpus }
        return environmentResult
    }
}

/// A task environment that cannot be used; nothing has started.
public enum TaskEnvironmentError: Error, Equatable, CustomStringConvertible {
    case notAnInteger(variable: String, value: String)
    case missing(variable: String, because: String)
    case taskWithoutTasks
    case outOfRange(task: Int, tasks: Int)

    public var description: String {
        switch self {
        case let .notAnInteger(variable, value):
            return "\(variable)=\(value) is not an integer"
        case let .missing(variable, reason):
            return "\(variable) is not set although \(reason)"
        case .taskWithoutTasks:
            return "--task and --tasks go together (task N of T)"
        case let .outOfRange(task, tasks):
            return "task \(task) of \(tasks) does not exist (tasks are numbered 0 to T−1, T ≥ 1)"
        }
    }
}
