// What `sweep status` knows about a sweep: how many configurations are in each state, per optimizer;
// which failed and why; how far the running ones have got. Built from one head-only scan of the
// shards; only the lines it lists (failed ends, last epochs of running runs) are read in full.
import Foundation

/// The state of a sweep's configurations.
public struct SweepStatus {
    /// Configurations per state.
    public struct Counts: Equatable, Sendable {
        public private(set) var values = [Int](repeating: 0, count: RunState.allCases.count)
        public init() {}
        public subscript(state: RunState) -> Int {
            get { values[state.ordinal] }
            set { values[state.ordinal] = newValue }
        }
        public var total: Int { values.reduce(0, +) }
    }

    /// The configurations of one optimizer (the grid's `optimizer` value; "(none)" where there is none).
    public struct Group: Sendable {
        public var name: String
        public var counts: Counts
    }

    /// A configuration whose last run failed.
    public struct FailedRun: Sendable {
        public var index: Int
        /// The grid keys that vary, as `key=value` words.
        public var setting: String
        public var message: String
        public var host: String?
        public var attempt: Int?
        public var time: String?
    }

    /// A configuration being trained, and its last epoch record.
    public struct RunningRun: Sendable {
        public var index: Int
        public var setting: String
        /// Epochs completed: the last epoch record's, or where the current attempt started (0 for a
        /// fresh run, the checkpoint's epoch for a resumed one); nil if the record has none.
        public var epoch: Int?
        /// The configuration's `epochs`, when it has one.
        public var epochs: Int?
        /// The last epoch record's metrics, in the order written.
        public var metrics: [(name: String, value: Double)]
        public var host: String?
        /// The SLURM array job the run is part of, when it runs in one.
        public var arrayJobID: String?
        /// Seconds since 1970 of the latest record (start or epoch).
        public var lastRecord: Double?
    }

    public let sweep: String
    public let folder: ResultsFolder
    /// Whether the results folder exists (a sweep that never ran has none).
    public let folderExists: Bool
    public let groups: [Group]
    public let overall: Counts
    /// Failed configurations by index, at most `limit` of them.
    public let failed: [FailedRun]
    /// Every failed configuration's error message with how many share it, most frequent first.
    public let failureMessages: [(message: String, count: Int)]
    /// Running configurations by index, at most `limit` of them.
    public let running: [RunningRun]
    public let recordCount: Int
    public let foreignRecords: Int
    public let foreignConfigurations: Int
    public let problems: [ShardProblem]

    static let noMessage = "no message recorded"

    /// Reads `folder` for `grid`; lists at most `limit` failed and `limit` running configurations.
    public init(grid: Grid, folder: ResultsFolder, limit: Int) {
        // Only the ids records name are hashed: a large grid that has run a little costs little.
        let scan = ResultsScan(shardsFolder: folder.shards, ids: ConfigurationIDs(grid))
        sweep = grid.name
        self.folder = folder
        folderExists = FileManager.default.fileExists(atPath: folder.root)

        var groupNames: [String] = []
        var groupOf: [JSONValue?: Int] = [:]
        var groupCounts: [Counts] = []
        var overall = Counts()
        var failedIndices: [Int] = [], runningIndices: [Int] = []
        var messageCounts: [String: Int] = [:]
        for index in 0..<grid.count {
            let optimizer = grid.value(of: "optimizer", at: index)
            let group: Int
            if let known = groupOf[optimizer] {
                group = known
            } else {
                group = groupNames.count
                groupOf[optimizer] = group
                groupNames.append(optimizer.map(display) ?? noOptimizer)
                groupCounts.append(Counts())
            }
            let state = scan.traces[index].state
            groupCounts[group][state] += 1
            overall[state] += 1
            if state == .failed {
                if failedIndices.count < limit { failedIndices.append(index) }
                let message = RecordScanner.member("message", of: scan.line(at: scan.traces[index].lastEnd!))
                    .flatMap(RecordScanner.string) ?? Self.noMessage
                messageCounts[message, default: 0] += 1
            }
            if state == .running && runningIndices.count < limit { runningIndices.append(index) }
        }
        groups = zip(groupNames, groupCounts).map { Group(name: $0, counts: $1) }
        self.overall = overall
        failureMessages = messageCounts.map { ($0.key, $0.value) }.sorted { ($1.count, $0.message) < ($0.count, $1.message) }

        let describer = SettingDescriber(grid: grid)
        failed = failedIndices.map { index in
            let line = scan.line(at: scan.traces[index].lastEnd!)
            var run = FailedRun(index: index, setting: describer.describe(index), message: Self.noMessage)
            RecordScanner.forEachMember(line) { key, value in
                if RecordScanner.equals(key, "message") { run.message = RecordScanner.string(value) ?? run.message }
                else if RecordScanner.equals(key, "host") { run.host = RecordScanner.string(value) }
                else if RecordScanner.equals(key, "attempt") { run.attempt = RecordScanner.integer(value) }
                else if RecordScanner.equals(key, "time") { run.time = RecordScanner.string(value) }
                return !RecordScanner.equals(key, "config")
            }
            return run
        }
        running = runningIndices.map { index in
            let trace = scan.traces[index]
            var run = RunningRun(index: index, setting: describer.describe(index), epoch: nil,
                                 epochs: grid.value(of: "epochs", at: index)?.number.map { Int($0) }, metrics: [])
            // The epoch record counts only if it belongs to the current attempt (written after its start).
            let epochLocation = trace.lastEpoch.flatMap { epoch in
                trace.lastStart.map { scan.isLater(epoch, than: $0) } ?? true ? epoch : nil
            }
            if let location = epochLocation ?? trace.lastStart {
                RecordScanner.forEachMember(scan.line(at: location)) { key, value in
                    if RecordScanner.equals(key, "metrics") {
                        RecordScanner.forEachMember(value) { name, number in
                            run.metrics.append((String(decoding: name, as: UTF8.self), RecordScanner.number(number) ?? .nan))
                            return true
                        }
                    } else if RecordScanner.equals(key, "epoch") {
                        // A start record's epoch is where the attempt begins: 0, or the checkpoint's epoch.
                        run.epoch = RecordScanner.integer(value)
                    } else if RecordScanner.equals(key, "host") {
                        run.host = RecordScanner.string(value)
                    } else if RecordScanner.equals(key, "slurm_array_job_id") {
                        run.arrayJobID = RecordScanner.string(value)
                    } else if RecordScanner.equals(key, "time") {
                        run.lastRecord = RecordScanner.string(value).flatMap(parseISOTimestamp)
                    }
                    return !RecordScanner.equals(key, "config")
                }
            }
            return run
        }
        recordCount = scan.recordCount
        foreignRecords = scan.foreignRecords
        foreignConfigurations = scan.foreignIDs.count
        problems = scan.problems
    }
}
