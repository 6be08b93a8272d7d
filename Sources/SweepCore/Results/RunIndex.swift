// The state of each configuration of a sweep as its results say: used by `sweep run` to skip finished
// work and by `sweep submit --only`. Only `end` records matter here; which one counts is the rule of
// RecordPrecedence.swift, the same `sweep status`, `sweep report` and `sweep local` apply.
import Foundation

/// What the results say about one configuration.
public struct RunOutcome: Sendable, Equatable {
    public var status: RunStatus
    /// The record's `time` as written (empty if it has none).
    public var time: String
    public var message: String?
}

/// The settling outcome of each configuration id, from `end` records.
public struct RunIndex: Sendable {
    public private(set) var outcomes: [String: RunOutcome] = [:]
    public private(set) var problems: [ShardProblem] = []

    /// Reads the end records of every shard in `folder`: their heads, time and message, without parsing
    /// the rest of the line.
    public init(shardsFolder folder: String) {
        var found: [String: (outcome: RunOutcome, location: RecordLocation, seconds: Double?)] = [:]
        for (s, path) in ShardReader(folder: folder).shardPaths().enumerated() {
            let shard: MappedShard
            do {
                shard = try MappedShard(path: path)
            } catch {
                problems.append(ShardProblem(kind: .unreadable, file: path, line: 0, detail: "\(error)"))
                continue
            }
            let problem = shard.forEachLine { line, offset, number in
                guard let head = RecordScanner.head(line) else {
                    problems.append(ShardProblem(kind: .corruptLine, file: path, line: number, detail: RecordScanner.notARecord))
                    return
                }
                guard head.event == .end, let status = head.status else { return }
                var time = "", message: String?
                RecordScanner.forEachMember(line) { key, value in
                    if RecordScanner.equals(key, RecordKey.time) { time = RecordScanner.string(value) ?? "" }
                    if RecordScanner.equals(key, RecordKey.message) { message = RecordScanner.string(value) }
                    return true
                }
                let location = RecordLocation(shard: Int32(s), offset: offset)
                let seconds = parseISOTimestamp(time)
                let id = String(decoding: head.id, as: UTF8.self)
                if let known = found[id], !RecordPrecedence.endOutranks(status, known.outcome.status, aIsLater: {
                    RecordPrecedence.isLater(location, than: known.location) { $0 == location ? seconds : known.seconds }
                }) { return }
                found[id] = (RunOutcome(status: status, time: time, message: message), location, seconds)
            }
            if let problem { problems.append(problem) }
        }
        outcomes = found.mapValues(\.outcome)
    }

    /// The outcome recorded for configuration `id`, if any.
    public subscript(id: String) -> RunOutcome? { outcomes[id] }
}
