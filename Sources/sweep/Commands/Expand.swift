// `sweep expand`: the configurations of a grid, as a table, as JSON lines, or counted.
import Foundation
import SweepCore

struct Expand: Command {
    static let name = "expand"
    static let abstract = "print a grid's configurations: a table, JSON lines (--format jsonl) or --count"
    static let usage = """
        sweep expand GRID [--format table|jsonl] [--count] [--task N --tasks T]
          --format table|jsonl  a table to read (default), or one JSON object per line: index, id, config
          --count               only the number of configurations (of the task's share with --task)
          --task N --tasks T    only task N's share: the configurations whose index i has i mod T == N
        """

    let path: String
    let format: String
    let countOnly: Bool
    let share: (task: Int, tasks: Int)?

    init(_ arguments: inout Arguments) throws {
        format = try arguments.choice("format", ["table", "jsonl"]) ?? "table"
        countOnly = try arguments.flag("count")
        share = try taskShare(&arguments)
        path = try arguments.positional("GRID (a grid file such as grids/mnist.json)")
    }

    func run() throws -> ExitStatus {
        let grid = try loadGrid(path)
        if countOnly {
            print(share.map { grid.shareCount(task: $0.task, tasks: $0.tasks) } ?? grid.count)
            return .success
        }
        let indices = share.map { grid.indices(task: $0.task, tasks: $0.tasks) } ?? grid.indices(task: 0, tasks: 1)
        switch format {
        case "jsonl":
            let threads = ProcessInfo.processInfo.activeProcessorCount
            try grid.writeJSONLines(indices, threads: threads) { bytes in try writeAll(bytes) }
        default:
            ExpansionTable(grid: grid, indices: indices).write { print($0, terminator: "") }
        }
        return .success
    }
}

/// Writes bytes to standard output, failing on a closed or full output rather than dropping them.
func writeAll(_ raw: UnsafeRawBufferPointer) throws {
    var offset = 0
    while offset < raw.count {
        let written = write(STDOUT_FILENO, raw.baseAddress! + offset, raw.count - offset)
        if written < 0 {
            if errno == EINTR { continue }
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        offset += written
    }
}
