// The state of each configuration of a sweep as its results say: used by `sweep run` to skip finished
// work. Only `end` records matter here, so other lines are not parsed. (`sweep status` and `sweep
// report` fold every record, starts included: Report/ResultsScan.swift, with the same precedence.)

/// What the results say about one configuration.
public struct RunOutcome: Sendable, Equatable {
    public var status: RunStatus
    public var time: String
    public var message: String?
}

/// The latest outcome of each configuration id, from `end` records.
public struct RunIndex: Sendable {
    public private(set) var outcomes: [String: RunOutcome] = [:]
    public private(set) var problems: [ShardProblem] = []

    /// Reads the end records of every shard in `folder`: their heads, time and message, without parsing
    /// the rest of the line.
    public init(shardsFolder folder: String) {
        var found: [String: RunOutcome] = [:]
        var problems: [ShardProblem] = []
        problems += ShardReader(folder: folder).forEachLine { line, file, number in
            guard let head = RecordScanner.head(line), head.event == .end else { return }
            var time: String?, message: String?
            RecordScanner.forEachMember(line) { key, value in
                if RecordScanner.equals(key, "time") { time = RecordScanner.string(value) }
                if RecordScanner.equals(key, "message") { message = RecordScanner.string(value) }
                return true
            }
            guard let status = head.status, let time else {
                problems.append(ShardProblem(kind: .corruptLine, file: file, line: number, detail: "an end record without status or time"))
                return
            }
            let id = String(decoding: head.id, as: UTF8.self)
            let outcome = RunOutcome(status: status, time: time, message: message)
            if let known = found[id], RunIndex.precedes(outcome, known) { return }
            found[id] = outcome
        }
        outcomes = found
        self.problems = problems
    }

    /// Whether `a` should give way to `b`: a final outcome outranks any other; otherwise the later one wins.
    static func precedes(_ a: RunOutcome, _ b: RunOutcome) -> Bool {
        if a.status.isFinal != b.status.isFinal { return b.status.isFinal }
        return a.time < b.time
    }

    /// The outcome recorded for configuration `id`, if any.
    public subscript(id: String) -> RunOutcome? { outcomes[id] }
}
