// One pass over every shard of a results folder, matching each record to its configuration in the grid
// and folding it into that configuration's trace. Lines are read only up to their head (event, id,
// index, status); callers that need more get each line with its configuration and read it themselves.
// Shards stay mapped for the scan's lifetime, so any line can be read again from its location.
import Foundation

/// The records of a results folder, folded per configuration of a grid.
public final class ResultsScan {
    /// The shards, in name order; a `RecordLocation`'s shard is a position in this list.
    public let shards: [MappedShard]
    /// One trace per configuration index of the grid.
    public private(set) var traces: RunTraces
    /// Incomplete last lines, lines that are not records, unreadable shards.
    public private(set) var problems: [ShardProblem] = []
    /// Records read (those of other configurations included).
    public private(set) var recordCount = 0
    /// Records whose configuration is not in the grid (the grid was edited since they were written).
    public private(set) var foreignRecords = 0
    /// The ids of those configurations, sorted.
    public private(set) var foreignIDs: [String] = []

    /// Reads every shard in `shardsFolder` (none if the folder does not exist yet). `visit` sees each
    /// record of a configuration in the grid, with that configuration's index, after its trace has
    /// taken the record in.
    public init(shardsFolder: String, ids: ConfigurationIDs,
                visit: ((_ index: Int, _ head: RecordHead, _ line: UnsafeRawBufferPointer, _ location: RecordLocation) -> Void)? = nil) {
        var mapped: [MappedShard] = []
        var problems: [ShardProblem] = []
        for path in ShardReader(folder: shardsFolder).shardPaths() {
            do {
                mapped.append(try MappedShard(path: path))
            } catch {
                problems.append(ShardProblem(kind: .unreadable, file: path, line: 0, detail: "\(error)"))
            }
        }
        shards = mapped
        traces = RunTraces(count: ids.count)
        self.problems = problems
        scan(ids: ids, visit: visit)
    }

    private func scan(ids: ConfigurationIDs, visit: ((Int, RecordHead, UnsafeRawBufferPointer, RecordLocation) -> Void)?) {
        var foreign = Set<String>()
        let later = { [unowned self] (a: RecordLocation, b: RecordLocation) in self.isLater(a, than: b) }
        for (s, shard) in shards.enumerated() {
            let problem = shard.forEachLine { line, offset, number in
                guard let head = RecordScanner.head(line) else {
                    problems.append(ShardProblem(kind: .corruptLine, file: shard.path, line: number, detail: RecordScanner.notARecord))
                    return
                }
                recordCount += 1
                guard let index = ids.index(of: head.id, hint: head.index) else {
                    foreignRecords += 1
                    foreign.insert(String(decoding: head.id, as: UTF8.self))
                    return
                }
                let location = RecordLocation(shard: Int32(s), offset: offset)
                traces.update(index) { $0.observe(head.event, status: head.status, at: location, later: later) }
                visit?(index, head, line, location)
            }
            if let problem { problems.append(problem) }
        }
        foreignIDs = foreign.sorted()
    }

    /// The line at `location`.
    public func line(at location: RecordLocation) -> UnsafeRawBufferPointer {
        shards[Int(location.shard)].line(at: location.offset)
    }

    /// The record time (seconds since 1970) of the line at `location`, if it has a readable one.
    public func time(at location: RecordLocation) -> Double? {
        RecordScanner.member("time", of: line(at: location)).flatMap { value in
            value.count >= 2 ? parseISOTimestamp(UnsafeRawBufferPointer(rebasing: value[1..<(value.count - 1)])) : nil
        }
    }

    /// Whether record `a` was written after record `b` (RecordPrecedence).
    public func isLater(_ a: RecordLocation, than b: RecordLocation) -> Bool {
        RecordPrecedence.isLater(a, than: b, time: time(at:))
    }
}

/// A trace per configuration index, stored only for configurations that have records: the others
/// (every pending one) read as the empty trace and cost four bytes, so a million-configuration sweep
/// that has run a few holds a few traces.
public struct RunTraces: RandomAccessCollection {
    /// Per index, the position of its trace in `stored`, or -1.
    private var slots: [Int32]
    private var stored: [RunTrace] = []

    init(count: Int) { slots = [Int32](repeating: -1, count: count) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { slots.count }

    public subscript(index: Int) -> RunTrace {
        let slot = slots[index]
        return slot < 0 ? RunTrace() : stored[Int(slot)]
    }

    /// Changes the trace of configuration `index`, storing one first if it has none.
    mutating func update(_ index: Int, _ change: (inout RunTrace) -> Void) {
        if slots[index] < 0 {
            slots[index] = Int32(stored.count)
            stored.append(RunTrace())
        }
        change(&stored[Int(slots[index])])
    }
}
