// Follows a results folder while workers write to it: new complete lines of every shard are read as
// they appear (each file from where the last look stopped), for a live progress count.
import Foundation
import SweepCore

/// Counts of configurations by state, kept up to date from the shards.
struct ShardTail {
    private let folder: String
    private var offsets: [String: Int] = [:]
    private var started: Set<String> = []
    private var outcomes: [String: RunStatus] = [:]

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
            for line in bytes[...lastNewline].split(separator: UInt8(ascii: "\n")) {
                Array(line).withUnsafeBytes { raw in
                    guard let head = RecordScanner.head(raw) else { return }
                    let id = String(decoding: head.id, as: UTF8.self)
                    switch head.event {
                    case .start: started.insert(id)
                    case .end: if let status = head.status, outcomes[id]?.isFinal != true { outcomes[id] = status }
                    case .epoch: break
                    }
                }
            }
        }
    }

    /// Configurations that ended with `status` (their latest outcome).
    func count(_ status: RunStatus) -> Int { outcomes.values.filter { $0 == status }.count }
    /// Configurations started and not ended since their last start.
    var running: Int { started.filter { outcomes[$0] == nil || outcomes[$0] == .preempted }.count }
}
