// `sweep local`: the whole sweep on this machine, as N worker processes.
import Foundation
import SweepCore
import Worker

struct Local: Command {
    static let name = "local"
    static let abstract = "run a whole sweep on this machine with N worker processes and a progress line"
    static let usage = """
        sweep local GRID [--workers N] [--results DIR] [--retry failed] [--accept-grid-change]
          --workers N   worker processes (default: the number of cores); each gets cores / N threads
          other options are passed on to every `sweep run`
        Worker output goes to <results>/logs/local-task<N>.out. Ctrl-C makes every worker checkpoint and stop;
        running the same command again resumes.
        """

    let path: String
    let workers: Int
    let resultsParent: String?
    let runOptions: [String]

    init(_ arguments: inout Arguments) throws {
        workers = try arguments.integer("workers", in: 1...1024) ?? ProcessInfo.processInfo.activeProcessorCount
        resultsParent = try arguments.option("results")
        var options: [String] = []
        if let parent = resultsParent { options += ["--results", parent] }
        if let retry = try arguments.choice("retry", ["failed"]) { options += ["--retry", retry] }
        if try arguments.flag("accept-grid-change") { options.append("--accept-grid-change") }
        runOptions = options
        path = try arguments.positional("GRID (a grid file such as grids/smoke.json)")
    }

    func run() throws -> ExitStatus {
        let grid = try loadGrid(path)
        let results = ResultsFolder(sweepName: grid.name, parent: resultsParent, environment: ProcessInfo.processInfo.environment)
        let interactive = isatty(STDERR_FILENO) == 1
        let launcher = LocalLauncher(gridPath: path, grid: grid, workers: min(workers, max(1, grid.count)), runOptions: runOptions,
                                     results: results, executable: currentExecutable())
        var last = ""
        let status = try launcher.run { line in
            guard line != last else { return }
            last = line
            // On a terminal the line is redrawn in place; in a log, each change is a line of its own.
            FileHandle.standardError.write(Data((interactive ? "\r\u{1B}[K" + line : line + "\n").utf8))
        }
        if interactive { FileHandle.standardError.write(Data("\n".utf8)) }
        print("results: \(results.root)")
        switch status {
        case 0: return .success
        case 1: return .someRunFailed
        case 2: return .badInput
        default: return status > 128 ? .stopped(signal: status - 128) : .someRunFailed
        }
    }
}

/// The path of the running `sweep` binary, to start workers with.
func currentExecutable() -> String {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
}
