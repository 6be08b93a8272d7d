// The member names of a results record (SPEC §3), written once: ResultRecord writes them and every
// reader (RecordScanner users, RunIndex, the report) looks them up by these constants.

/// Top-level member names of a record line.
public enum RecordKey {
    public static let event: StaticString = "event"
    public static let id: StaticString = "id"
    public static let index: StaticString = "index"
    public static let status: StaticString = "status"
    public static let sweep: StaticString = "sweep"
    public static let epoch: StaticString = "epoch"
    public static let metrics: StaticString = "metrics"
    /// End records of finished runs: the best epoch by the selection metric (BestEpoch).
    public static let best: StaticString = "best"
    /// End records of `failed` runs: what went wrong.
    public static let message: StaticString = "message"
    /// End records of the power-law regimes: the loss curve, `{"step": […], "loss": […]}`.
    public static let curve: StaticString = "curve"
    public static let elapsedSeconds: StaticString = "elapsed_s"
    public static let time: StaticString = "time"
    public static let host: StaticString = "host"
    public static let task: StaticString = "task"
    public static let tasks: StaticString = "tasks"
    public static let attempt: StaticString = "attempt"
    public static let slurmJobID: StaticString = "slurm_job_id"
    public static let slurmArrayJobID: StaticString = "slurm_array_job_id"
    public static let slurmArrayTaskID: StaticString = "slurm_array_task_id"
    public static let config: StaticString = "config"
}
