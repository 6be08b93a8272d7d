// The numbers `sweep report` needs from each configuration's records: its state, its final and best
// metrics, its learning curve (one value per epoch and metric) and, for the power-law regimes, the loss
// curve its end record carries. Built on the same scan as `sweep status`; epoch records are read up to
// their metrics and elapsed time, end records in full only where they settle a run.
import Foundation

/// What the results say about one configuration.
public struct RunResult: Sendable {
    public var state: RunState
    /// Metrics of the run's final record (the end record's, or the last epoch's when it has none).
    public var final: [String: Double] = [:]
    public var best: BestEpoch?
    /// Epoch numbers with one record, ascending, and each metric's value at them (NaN where missing).
    public var epochs: [Int] = []
    public var series: [String: [Double]] = [:]
    /// Each epoch record's `elapsed_s` (seconds since the run started), NaN where missing.
    public var elapsed: [Double] = []
    /// The loss curve of an end record's `curve` member (`step`, `loss`), for the power-law regimes.
    public var lossCurve: (step: [Double], loss: [Double])?

    init(state: RunState) { self.state = state }

    /// The value of `metric` at the run's best epoch, else its final value.
    public func value(_ metric: String, atBestOf selection: String) -> Double? {
        if let best, best.metric == selection {
            if metric == selection { return best.value }
            if let test = best.test[metric] { return test }
            if let position = epochs.firstIndex(of: best.epoch), let values = series[metric], !values[position].isNaN {
                return values[position]
            }
            return nil
        }
        // No recorded best for this metric: find the best epoch in the curve.
        guard let higher = MetricNames.higherIsBetter(selection), let values = series[selection] else {
            return final[metric]
        }
        var bestPosition: Int?
        for (position, value) in values.enumerated() where value.isFinite {
            if let known = bestPosition, !(higher ? value > values[known] : value < values[known]) { continue }
            bestPosition = position
        }
        guard let bestPosition else { return final[metric] }
        let value = series[metric]?[bestPosition]
        return value.flatMap { $0.isNaN ? nil : $0 }
    }
}

/// Every configuration's results, by grid index.
public struct SweepResults {
    public let grid: Grid
    public let runs: [RunResult]
    /// The metric names finished runs report: `<split>_<quantity>` in the order of MetricNames' splits
    /// and quantities (train_loss, train_accuracy, valid_loss, …), then any others by name.
    public let metrics: [String]
    public let recordCount: Int
    public let foreignRecords: Int
    public let problems: [ShardProblem]

    /// Reads `folder` for `grid`: one head-only scan that notes where each configuration's epoch
    /// records are, then the finished runs' epoch and end records read in full, on `threads` threads
    /// (each configuration by one thread, so nothing is shared but the read-only scan).
    public init(grid: Grid, folder: ResultsFolder, threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.grid = grid
        let ids = ConfigurationIDs(grid, threads: threads)
        var epochLines = [[RecordLocation]](repeating: [], count: grid.count)
        let scan = ResultsScan(shardsFolder: folder.shards, ids: ids) { index, head, _, location in
            if head.event == .epoch { epochLines[index].append(location) }
        }

        let count = grid.count
        let chunk = 1024
        let chunks = (count + chunk - 1) / chunk
        let lines = epochLines
        let runs = [RunResult](unsafeUninitializedCapacity: count) { buffer, initialized in
            guard let base = buffer.baseAddress else { return }
            let readChunk = { (c: Int) in
                let names = MetricTable()
                for index in (c * chunk)..<min(count, (c + 1) * chunk) {
                    let trace = scan.traces[index]
                    var run = RunResult(state: trace.state)
                    if let end = trace.final {
                        Self.collectCurve(lines[index].compactMap { Self.epochPoint(scan.line(at: $0), at: $0, names: names) },
                                          names: names, scan: scan, into: &run)
                        Self.readEnd(scan.line(at: end), names: names, into: &run)
                    }
                    (base + index).initialize(to: run)
                }
            }
            if threads <= 1 || chunks <= 1 {
                for c in 0..<chunks { readChunk(c) }
            } else {
                DispatchQueue.concurrentPerform(iterations: chunks, execute: readChunk)
            }
            initialized = count
        }
        self.runs = runs
        metrics = Self.ordered(Set(runs.flatMap { Array($0.final.keys) + Array($0.series.keys) }))
        recordCount = scan.recordCount
        foreignRecords = scan.foreignRecords
        problems = scan.problems
    }

    /// Metric names in reading order: train, valid, test; loss, accuracy, perplexity, mse; then the rest.
    static func ordered(_ names: Set<String>) -> [String] {
        let known = MetricNames.splits.flatMap { split in MetricNames.quantities.map { "\(split)_\($0)" } }
        return known.filter(names.contains) + names.subtracting(known).sorted()
    }

    /// An epoch record's epoch number and metrics; nil when it has no epoch number.
    private static func epochPoint(_ line: UnsafeRawBufferPointer, at location: RecordLocation, names: MetricTable) -> EpochPoint? {
        // Sized for the metrics met so far, so that reading the record rarely grows it.
        var point = EpochPoint(epoch: -1, location: location, elapsed: .nan, values: [Double](repeating: .nan, count: names.names.count))
        RecordScanner.forEachMember(line) { key, value in
            if RecordScanner.equals(key, RecordKey.epoch) {
                point.epoch = RecordScanner.integer(value) ?? -1
            } else if RecordScanner.equals(key, RecordKey.metrics) {
                names.read(value, into: &point.values)
            } else if RecordScanner.equals(key, "elapsed_s") {
                // The writer puts elapsed_s after the metrics; nothing later is needed.
                point.elapsed = RecordScanner.number(value) ?? .nan
                return false
            }
            return !RecordScanner.equals(key, "config")
        }
        return point.epoch >= 0 ? point : nil
    }

    /// One value per epoch: when an epoch was recorded twice (a rerun, a resumed attempt that repeated
    /// it), the record written last counts.
    private static func collectCurve(_ points: [EpochPoint], names: MetricTable, scan: ResultsScan, into run: inout RunResult) {
        var latest: [Int: EpochPoint] = [:]
        for point in points {
            if let known = latest[point.epoch], !scan.isLater(point.location, than: known.location) { continue }
            latest[point.epoch] = point
        }
        let ordered = latest.values.sorted { $0.epoch < $1.epoch }
        run.epochs = ordered.map(\.epoch)
        run.elapsed = ordered.map(\.elapsed)
        for (id, name) in names.names.enumerated() {
            let values = ordered.map { id < $0.values.count ? $0.values[id] : .nan }
            if values.contains(where: { !$0.isNaN }) { run.series[name] = values }
        }
        if let last = ordered.last {
            for (id, name) in names.names.enumerated() where id < last.values.count && !last.values[id].isNaN {
                run.final[name] = last.values[id]
            }
        }
    }

    /// The end record's metrics (they replace the last epoch's), best epoch and loss curve.
    private static func readEnd(_ line: UnsafeRawBufferPointer, names: MetricTable, into run: inout RunResult) {
        RecordScanner.forEachMember(line) { key, value in
            if RecordScanner.equals(key, RecordKey.metrics) {
                var values: [Double] = []
                names.read(value, into: &values)
                for (id, x) in values.enumerated() where !x.isNaN { run.final[names.names[id]] = x }
            } else if RecordScanner.equals(key, RecordKey.best) {
                run.best = RecordScanner.json(value).flatMap(BestEpoch.init(json:))
            } else if RecordScanner.equals(key, RecordKey.curve) {
                if let curve = RecordScanner.json(value)?.object, let steps = curve["step"]?.array, let losses = curve["loss"]?.array,
                   steps.count == losses.count {
                    run.lossCurve = (steps.map { $0.number ?? .nan }, losses.map { $0.number ?? .nan })
                }
            }
            return !RecordScanner.equals(key, RecordKey.config)
        }
    }
}

/// One epoch record's values, by metric id.
private struct EpochPoint {
    var epoch: Int
    var location: RecordLocation
    var elapsed: Double
    var values: [Double]
}

/// Metric names met so far, each with a small id, matched by their bytes so that a million records
/// do not make a million strings. One per thread.
private final class MetricTable {
    private(set) var names: [String] = []
    private var bytes: [[UInt8]] = []

    /// Reads a flat `metrics` object into `values` (by id, NaN where a metric is absent or null).
    func read(_ object: UnsafeRawBufferPointer, into values: inout [Double]) {
        RecordScanner.forEachMember(object) { key, value in
            let id = self.id(key)
            if values.count <= id { values.append(contentsOf: repeatElement(.nan, count: id + 1 - values.count)) }
            values[id] = RecordScanner.number(value) ?? .nan
            return true
        }
    }

    private func id(_ key: UnsafeRawBufferPointer) -> Int {
        for (id, known) in bytes.enumerated() where known.count == key.count {
            if known.withUnsafeBytes({ memcmp($0.baseAddress!, key.baseAddress!, key.count) }) == 0 { return id }
        }
        bytes.append(Array(key))
        names.append(String(decoding: key, as: UTF8.self))
        return names.count - 1
    }
}
