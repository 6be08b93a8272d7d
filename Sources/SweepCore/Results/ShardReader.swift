// Reads every shard of a results folder line by line. A crash can leave one incomplete last line in a
// shard; it is reported, not hidden, and not counted. Any other line that does not parse is reported
// with its file and line number.
import Foundation

/// Something wrong in a shard, found while reading it.
public struct ShardProblem: Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The last line has no newline: its writer was killed mid-write. Expected after a crash.
        case incompleteLastLine
        /// A complete line that is not a record.
        case corruptLine
        /// The shard cannot be opened or mapped (permissions, a file removed while reading).
        case unreadable
    }
    public var kind: Kind
    public var file: String
    public var line: Int
    public var detail: String

    public var description: String {
        switch kind {
        case .incompleteLastLine: return "\(file):\(line): incomplete last line ignored (its writer stopped mid-write)"
        case .corruptLine: return "\(file):\(line): not a record, ignored: \(detail)"
        case .unreadable: return "\(file): cannot be read, skipped: \(detail)"
        }
    }
}

/// The shards of a results folder.
public struct ShardReader {
    public let folder: String

    public init(folder: String) { self.folder = folder }

    /// The shard files, sorted by name (directory order is not stable).
    public func shardPaths() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".jsonl") }.sorted().map { (folder as NSString).appendingPathComponent($0) }
    }

    /// Calls `visit` with each complete line (without its newline) of every shard, with its file and
    /// 1-based line number; returns the incomplete last lines and unreadable shards found.
    public func forEachLine(_ visit: (_ line: UnsafeRawBufferPointer, _ file: String, _ number: Int) throws -> Void) rethrows -> [ShardProblem] {
        var problems: [ShardProblem] = []
        for path in shardPaths() {
            let shard: MappedShard
            do {
                shard = try MappedShard(path: path)
            } catch {
                problems.append(ShardProblem(kind: .unreadable, file: path, line: 0, detail: "\(error)"))
                continue
            }
            if let problem = try shard.forEachLine({ line, _, number in try visit(line, path, number) }) {
                problems.append(problem)
            }
        }
        return problems
    }

    /// Every record as a parsed JSON object, in shard order, with the problems found.
    public func records() -> (records: [JSONValue], problems: [ShardProblem]) {
        var records: [JSONValue] = []
        var problems: [ShardProblem] = []
        problems += forEachLine { line, file, number in
            do {
                let node = try JSONParser.parse(Array(line))
                guard case .object = node.content, node.value.object?["event"]?.string != nil else {
                    problems.append(ShardProblem(kind: .corruptLine, file: file, line: number, detail: "no \"event\" member"))
                    return
                }
                records.append(node.value)
            } catch {
                let detail = (error as? JSONSyntaxError)?.message ?? "\(error)"
                problems.append(ShardProblem(kind: .corruptLine, file: file, line: number, detail: detail))
            }
        }
        return (records, problems)
    }
}
