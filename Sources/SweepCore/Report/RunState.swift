// Where one configuration stands, folded from its records one by one: the six states `sweep status`
// counts and `sweep report` groups by, under the rule of Results/RecordPrecedence.swift. A final outcome
// (ok, diverged) settles it; otherwise the latest start and the latest failed or preempted end decide,
// whichever was written last.

/// Where a configuration stands.
public enum RunState: String, CaseIterable, Sendable {
    /// Ended `ok`.
    case done
    /// Started (again) after its last non-final end, with no final end yet.
    case running
    /// Its last end is `failed` and it has not started since.
    case failed
    /// Ended `diverged`: a result (the loss left the finite numbers), not an error.
    case diverged
    /// Its last end is `preempted` (checkpointed; the requeued task resumes it) and it has not started since.
    case preempted
    /// No record at all.
    case pending

    /// Position in `allCases`, the order status tables use.
    public var ordinal: Int {
        switch self {
        case .done: return 0
        case .running: return 1
        case .failed: return 2
        case .diverged: return 3
        case .preempted: return 4
        case .pending: return 5
        }
    }
}

/// What the records of one configuration say, updated record by record.
public struct RunTrace: Sendable {
    /// The latest final (`ok` or `diverged`) end record.
    public private(set) var final: RecordLocation?
    public private(set) var finalStatus: RunStatus = .ok
    /// The latest `start` record.
    public private(set) var lastStart: RecordLocation?
    /// The latest `failed` or `preempted` end record.
    public private(set) var lastEnd: RecordLocation?
    public private(set) var lastEndStatus: RunStatus = .failed
    /// The latest `epoch` record.
    public private(set) var lastEpoch: RecordLocation?
    /// Whether the latest start was written after the latest non-final end (a retry or a resumed task).
    private var startFollowsEnd = false

    public init() {}

    /// Takes one record into account. `later(a, b)` says whether record `a` was written after record `b`.
    public mutating func observe(_ event: RecordEvent, status: RunStatus?, at location: RecordLocation,
                                 later: (RecordLocation, RecordLocation) -> Bool) {
        switch event {
        case .start:
            guard lastStart.map({ later(location, $0) }) ?? true else { return }
            lastStart = location
            startFollowsEnd = lastEnd.map { later(location, $0) } ?? true
        case .epoch:
            if lastEpoch.map({ later(location, $0) }) ?? true { lastEpoch = location }
        case .end:
            let status = status ?? .failed
            // Final and non-final ends are kept apart (a start after a failure means running again);
            // `settlingEnd` is the winner by RecordPrecedence.endOutranks.
            if status.isFinal {
                if final.map({ later(location, $0) }) ?? true {
                    final = location
                    finalStatus = status
                }
            } else if lastEnd.map({ later(location, $0) }) ?? true {
                lastEnd = location
                lastEndStatus = status
                startFollowsEnd = lastStart.map { later($0, location) } ?? false
            }
        }
    }

    /// The end record that settles the configuration (RecordPrecedence rule 3), with its status.
    public var settlingEnd: (location: RecordLocation, status: RunStatus)? {
        if let final { return (final, finalStatus) }
        return lastEnd.map { ($0, lastEndStatus) }
    }

    /// The configuration's state.
    public var state: RunState {
        if final != nil { return finalStatus == .ok ? .done : .diverged }
        if lastEnd != nil {
            if startFollowsEnd { return .running }
            return lastEndStatus == .failed ? .failed : .preempted
        }
        return lastStart != nil || lastEpoch != nil ? .running : .pending
    }
}
