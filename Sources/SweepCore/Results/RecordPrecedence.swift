// Which record of a configuration counts: the one rule every reader applies (`sweep run` skipping
// finished work, `sweep status` and `sweep report`, the live count of `sweep local`).
//
//   1. Within one shard, records were written in file order (a shard has one writer).
//   2. Across shards, the record with the later `time` was written later; when times are equal or
//      missing, the shard whose name sorts later counts as later.
//   3. A final end record (`ok`, `diverged`) settles its configuration and outranks every other end
//      record, whenever written. Among final ones, and among the others, the later one wins.

/// Where a record line is: its shard (a position in the shards sorted by name) and the line's byte offset.
public struct RecordLocation: Sendable, Hashable {
    public var shard: Int32
    public var offset: Int

    public init(shard: Int32, offset: Int) {
        self.shard = shard
        self.offset = offset
    }
}

/// The rule, as functions.
public enum RecordPrecedence {
    /// Whether record `a` was written after record `b` (rules 1 and 2). `time` gives a record's time in
    /// seconds since 1970 and is asked only for records of different shards.
    public static func isLater(_ a: RecordLocation, than b: RecordLocation, time: (RecordLocation) -> Double?) -> Bool {
        if a.shard == b.shard { return a.offset > b.offset }
        let ta = time(a) ?? -.infinity, tb = time(b) ?? -.infinity
        return ta != tb ? ta > tb : a.shard > b.shard
    }

    /// Whether an end record with status `a` takes the place of one with status `b` (rule 3);
    /// `aIsLater` is evaluated only when the statuses alone do not decide.
    public static func endOutranks(_ a: RunStatus, _ b: RunStatus, aIsLater: () -> Bool) -> Bool {
        if a.isFinal != b.isFinal { return a.isFinal }
        return aIsLater()
    }
}
