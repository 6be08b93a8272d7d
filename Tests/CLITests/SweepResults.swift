import Foundation
import SweepCore

/// A results folder as a test reads it back: every line of every shard, parsed with Foundation (an
/// oracle independent of the project's own JSON reader).
struct SweepResults {
    let folder: String
    /// Every parsed record, in shard order.
    private(set) var records: [[String: Any]] = []
    /// Lines that did not parse, with whether they were the last line of their shard without a newline.
    private(set) var unparsable: [(file: String, line: Int, incompleteLast: Bool)] = []

    init(_ folder: String) throws {
        self.folder = folder
        let shards = (folder as NSString).appendingPathComponent("shards")
        for name in try FileManager.default.contentsOfDirectory(atPath: shards).sorted() where name.hasSuffix(".jsonl") {
            let data = try Data(contentsOf: URL(fileURLWithPath: (shards as NSString).appendingPathComponent(name)))
            let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            for (number, line) in lines.enumerated() where !line.isEmpty {
                let isLast = number == lines.count - 1 // no newline after it
                if let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any], !isLast {
                    records.append(object)
                } else {
                    unparsable.append((name, number + 1, isLast))
                }
            }
        }
    }

    /// `end` records with a final status, by configuration id.
    var finalRecords: [String: [[String: Any]]] {
        Dictionary(grouping: records.filter { ($0["event"] as? String) == "end" && ["ok", "diverged"].contains($0["status"] as? String) },
                   by: { $0["id"] as! String })
    }

    /// The metrics of each configuration's final record, as bit patterns (equal only if bit-identical).
    var finalMetrics: [String: [String: UInt64]] {
        finalRecords.mapValues { records in
            (records.last!["metrics"] as! [String: Any]).compactMapValues { ($0 as? NSNumber)?.doubleValue.bitPattern }
        }
    }

    /// Each configuration's epoch curve: epoch → metrics bit patterns (a repeated epoch must repeat its values).
    var curves: [String: [Int: [String: UInt64]]] {
        var curves: [String: [Int: [String: UInt64]]] = [:]
        for record in records where (record["event"] as? String) == "epoch" {
            let metrics = (record["metrics"] as! [String: Any]).compactMapValues { ($0 as? NSNumber)?.doubleValue.bitPattern }
            curves[record["id"] as! String, default: [:]][record["epoch"] as! Int] = metrics
        }
        return curves
    }
}

/// Starts `sweep` in the background.
func startSweep(_ arguments: [String], environment: [String: String] = [:], log: String) throws -> Process {
    let process = Process()
    process.executableURL = sweepBinary
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    FileManager.default.createFile(atPath: log, contents: nil)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
    handle.seekToEndOfFile()
    process.standardOutput = handle
    process.standardError = handle
    try process.run()
    return process
}

/// Waits until `condition` holds, checking every 20 ms, for at most `seconds`.
func waitUntil(seconds: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        usleep(20_000)
    }
    return condition()
}
