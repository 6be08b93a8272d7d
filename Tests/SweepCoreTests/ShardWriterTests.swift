// The shard writer under faults: a name already taken by a shard with a torn last line, and a write
// that fails part-way. Either way every shard stays readable by a strict JSON-lines reader.
import Foundation
import Testing
@testable import SweepCore

@Suite struct ShardWriterTests {
    /// Parses every line with Foundation's strict parser (as pandas and DuckDB would refuse a bad one).
    static func strictLines(_ path: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(data.isEmpty || data.last == 0x0A, "\(path) ends mid-line")
        return try data.split(separator: 0x0A).map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
        }
    }

    static func line(_ n: Int) -> [UInt8] {
        record(.start, id: "id\(n)", time: "2026-11-22T00:00:0\(n).000Z").line
    }

    @Test func aNewWriterNeverAppendsToAShardItDidNotCreate() throws {
        let folder = temporaryResults()
        try folder.create()
        defer { try? FileManager.default.removeItem(atPath: folder.root) }
        let path = folder.path("shards/task0-of1_local_a0_node1_p42.jsonl")
        // A writer with this process id was killed mid-line.
        try Data(Self.line(1) + Self.line(2).prefix(30)).write(to: URL(fileURLWithPath: path))
        let writer = try ShardWriter(creating: path)
        #expect(writer.path == folder.path("shards/task0-of1_local_a0_node1_p42.2.jsonl"))
        try writer.append(line: Self.line(3))
        #expect(try Self.strictLines(writer.path).map { $0["id"] as? String } == ["id3"])
        #expect(try ShardWriter(creating: path).path.hasSuffix("_p42.3.jsonl"))
        let (_, problems) = ShardReader(folder: folder.shards).records()
        #expect(problems.map(\.kind) == [.incompleteLastLine], "only the old torn line is reported")
    }

    /// An injected write(2) that takes part of the third line and then fails as a full disk does.
    @Test func aWriteThatFailsPartWayLeavesOnlyWholeLines() throws {
        let folder = temporaryResults()
        try folder.create()
        defer { try? FileManager.default.removeItem(atPath: folder.root) }
        let path = folder.path("shards/full.jsonl")
        var calls = 0, diskFull = true
        let descriptor = try #require(try ShardWriter.open(path, exclusive: true))
        let writer = try ShardWriter(path: path, descriptor: descriptor) { fd, bytes, count in
            calls += 1
            if calls == 3 && diskFull { return write(fd, bytes, count / 2) }  // a short write…
            if calls == 4 && diskFull { errno = ENOSPC; return -1 }         // …then no space left
            return write(fd, bytes, count)
        }
        try writer.append(line: Self.line(1))
        try writer.append(line: Self.line(2))
        #expect {
            try writer.append(line: Self.line(3))
        } throws: { error in
            "\(error)".contains("No space left on device") && "\(error)".contains("were removed again")
        }
        #expect(try Self.strictLines(path).map { $0["id"] as? String } == ["id1", "id2"])
        // Space again: the writer goes on from the last whole line.
        diskFull = false
        try writer.append(line: Self.line(4), durable: true)
        #expect(try Self.strictLines(path).map { $0["id"] as? String } == ["id1", "id2", "id4"])
    }
}
