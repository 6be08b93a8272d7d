// Follows a results folder while workers write to it: new complete lines of every shard are read as
// they appear (each file from where the last look stopped), for a live progress count. Records are
// recognised and folded exactly as `sweep status` does (RecordScanner.head, RunTrace, RecordPrecedence).
import Foundation
import SweepCore

/// Counts of configurations by state, kept up to date from the shards.
struct ShardTail {
    private let folder: String
    private var offsets: [String: Int] = [:]
    /// Shards in the order first seen; a RecordLocation's shard is a position here.
    private var shards: [String] = []
    private var traces: [String: RunTrace] = [:]
    /// Times of the start and end records the traces may compare (epoch records are not compared across shards).
    private var times: [RecordLocation: Double] = [:]

    init(folder: String) { self.folder = folder }

    /// Reads what was appended since the last call.
    mutating func update() {
        for path in ShardReader(folder: folder).shardPaths() {
            guard let handle = FileHandle(forReadingAtPath: path) else { continue }
            defer { try? handle.close() }
            let offset = offsets[path] ?? 0
            try? handle.seek(toOffset: UInt64(offset))
            guard let data = try? handle.readToEnd(), !data.isEmpty else { continue }
            let bytes = [UInt8](data)
            guard let lastNewline = bytes.lastIndex(of: UInt8(ascii: "\n")) else { continue }
            offsets[path] = offset + lastNewline + 1
            let shard = Int32(shards.firstIndex(of: path) ?? { shards.append(path); return shards.count - 1 }())
            var lineStart = 0
            for end in bytes[...lastNewline].indices where bytes[end] == UInt8(ascii: "\n") {
                defer { lineStart = end + 1 }
                guard end > lineStart else { continue }
                bytes[lineStart..<end].withUnsafeBytes { line in
                    observe(line, at: RecordLocation(shard: shard, offset: offset + lineStart))
                }
            }
        }
    }

    private mutating func observe(_ line: UnsafeRawBufferPointer, at location: RecordLocation) {
        guard let head = RecordScanner.head(line) else { return }
        if head.event != .epoch, let time = RecordScanner.member("time", of: line).flatMap(RecordScanner.string) {
            times[location] = parseISOTimestamp(time)
        }
        let shards = self.shards, times = self.times
        // Shards are numbered in the order first seen here, so ties of time fall back to their names.
        let later = { (a: RecordLocation, b: RecordLocation) -> Bool in
            if a.shard != b.shard, times[a] == times[b] { return shards[Int(a.shard)] > shards[Int(b.shard)] }
            return RecordPrecedence.isLater(a, than: b) { times[$0] }
        }
        traces[String(decoding: head.id, as: UTF8.self), default: RunTrace()].observe(head.event, status: head.status, at: location, later: later)
    }

    /// Configurations in `state`.
    func count(_ state: RunState) -> Int { traces.values.filter { $0.state == state }.count }
}
