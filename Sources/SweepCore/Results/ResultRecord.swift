// One line of a results shard (SPEC §3). Every record says which sweep, configuration and event it is,
// when and where it was written, and by which task and attempt; epoch and end records carry metrics.

/// What a record marks.
public enum RecordEvent: String, Sendable, CaseIterable {
    case start, epoch, end
}

/// How a configuration's run ended.
public enum RunStatus: String, Sendable, CaseIterable {
    /// Trained for every epoch.
    case ok
    /// The loss became NaN or infinite; the run stopped there. A result, not an error.
    case diverged
    /// An error stopped the run (bad data file, say); `message` says which.
    case failed
    /// Stopped by a signal after writing a checkpoint; the next attempt resumes from it.
    case preempted

    /// Whether a configuration with this status is done (not run again unless asked).
    public var isFinal: Bool { self == .ok || self == .diverged }
}

/// Where a record was written from.
public struct RecordOrigin: Sendable, Equatable {
    public var host: String
    public var task: Int
    public var tasks: Int
    public var attempt: Int
    public var slurmJobID: String?
    public var slurmArrayJobID: String?
    public var slurmArrayTaskID: Int?

    public init(host: String, task: Int, tasks: Int, attempt: Int, slurmJobID: String? = nil,
                slurmArrayJobID: String? = nil, slurmArrayTaskID: Int? = nil) {
        self.host = host
        self.task = task
        self.tasks = tasks
        self.attempt = attempt
        self.slurmJobID = slurmJobID
        self.slurmArrayJobID = slurmArrayJobID
        self.slurmArrayTaskID = slurmArrayTaskID
    }
}

/// A results record, written as one JSON line. Field order puts `event`, `id`, `index` and `status`
/// first so that status scans can read them without parsing whole lines.
public struct ResultRecord: Sendable {
    public var event: RecordEvent
    public var id: String
    public var index: Int
    public var sweep: String
    /// For `end` records.
    public var status: RunStatus?
    /// Epochs completed: 0 in a `start` record, the epoch reported (1-based) in an `epoch` record, the
    /// epochs trained in an `end` record.
    public var epoch: Int
    /// Metric name → value, in the order written (NaN/inf become null).
    public var metrics: [(name: String, value: Double)]
    /// Seconds since the run (this attempt) started.
    public var elapsedSeconds: Double
    /// ISO 8601 UTC time the record was written.
    public var time: String
    public var origin: RecordOrigin
    /// The configuration, on every record, so that any single line can be read on its own.
    public var config: JSONValue
    /// `end` records of finished runs: the best epoch by the selection metric.
    public var best: BestEpoch?
    /// `end` records of `failed` runs: what went wrong.
    public var message: String?
    /// Further members of `end` records, by status: `step` and `last_finite_loss` (diverged), `signal` and
    /// `checkpoint` (preempted), `train_seconds`, `curve` (RecordKey names those readers look up).
    public var details: [(name: String, value: JSONValue)]

    public init(event: RecordEvent, id: String, index: Int, sweep: String, status: RunStatus? = nil, epoch: Int,
                metrics: [(name: String, value: Double)] = [], elapsedSeconds: Double, time: String,
                origin: RecordOrigin, config: JSONValue, best: BestEpoch? = nil, message: String? = nil,
                details: [(name: String, value: JSONValue)] = []) {
        self.event = event
        self.id = id
        self.index = index
        self.sweep = sweep
        self.status = status
        self.epoch = epoch
        self.metrics = metrics
        self.elapsedSeconds = elapsedSeconds
        self.time = time
        self.origin = origin
        self.config = config
        self.best = best
        self.message = message
        self.details = details
    }

    /// The record as one line of JSON, newline included.
    public var line: [UInt8] {
        var writer = JSONObjectWriter()
        writer.add(RecordKey.event.description, event.rawValue)
        writer.add(RecordKey.id.description, id)
        writer.add(RecordKey.index.description, index)
        if let status { writer.add(RecordKey.status.description, status.rawValue) }
        writer.add(RecordKey.sweep.description, sweep)
        writer.add(RecordKey.epoch.description, epoch)
        var metricsWriter = JSONObjectWriter()
        for metric in metrics { metricsWriter.add(metric.name, metric.value) }
        writer.addRaw(RecordKey.metrics.description, metricsWriter.object)
        if let best { writer.add(RecordKey.best.description, best.json) }
        if let message { writer.add(RecordKey.message.description, message) }
        for detail in details { writer.add(detail.name, detail.value) }
        writer.add(RecordKey.elapsedSeconds.description, (elapsedSeconds * 1000).rounded() / 1000)
        writer.add(RecordKey.time.description, time)
        writer.add(RecordKey.host.description, origin.host)
        writer.add(RecordKey.task.description, origin.task)
        writer.add(RecordKey.tasks.description, origin.tasks)
        writer.add(RecordKey.attempt.description, origin.attempt)
        if let job = origin.slurmJobID { writer.add(RecordKey.slurmJobID.description, job) }
        if let array = origin.slurmArrayJobID { writer.add(RecordKey.slurmArrayJobID.description, array) }
        if let arrayTask = origin.slurmArrayTaskID { writer.add(RecordKey.slurmArrayTaskID.description, arrayTask) }
        writer.add(RecordKey.config.description, config)
        return writer.object + [UInt8(ascii: "\n")]
    }
}
