// `sweep report`: the results aggregated over seeds, best setting per optimizer, as a terminal table,
// Markdown or CSV; with --out, also the SVG charts and an index.html showing everything together.
import Foundation
import SweepCore

struct Report: Command {
    static let name = "report"
    static let abstract = "results over seeds: best setting per optimizer, tables (text, md, csv), SVG charts"
    static let usage = """
        sweep report GRID [--results DIR] [--format table|md|csv] [--top K] [--out DIR]
          --results DIR      the folder holding the sweep's results folder (default: $SWEEP_RESULTS, else results)
          --format F         table (default: 80 columns), md (Markdown) or csv (one row per setting, full precision)
          --top K            the table lists each optimizer's K best settings (default 10; 0 lists all)
          --out DIR          also write index.html, report.md, report.csv and the SVG charts into DIR
        """

    let path: String
    let results: String?
    let format: String
    let top: Int
    let out: String?

    init(_ arguments: inout Arguments) throws {
        results = try arguments.option("results")
        format = try arguments.choice("format", ["table", "md", "csv"]) ?? "table"
        top = try arguments.integer("top", in: 0...Int.max) ?? 10
        out = try arguments.option("out")
        path = try arguments.positional("GRID (a grid file such as grids/mnist.json)")
    }

    func run() throws -> ExitStatus {
        let grid = try readGrid(path)
        let folder = ResultsFolder(sweepName: grid.name, parent: results, environment: ProcessInfo.processInfo.environment)
        if !FileManager.default.fileExists(atPath: folder.root) {
            fputs("sweep report: note: no results yet (\(folder.root) does not exist); every configuration is pending\n", stderr)
        }
        let report = SweepReport(SweepResults(grid: grid, folder: folder))
        switch format {
        case "md": print(report.markdown, terminator: "")
        case "csv": print(report.csv, terminator: "")
        default: print(report.text(top: top == 0 ? nil : top), terminator: "")
        }
        if let out {
            // The report is printed already; a folder that cannot be written is an error after the fact.
            let files = try afterWorkStarted { try report.write(to: out) }
            let charts = files.filter { $0.hasSuffix(".svg") }.count
            fputs("sweep report: wrote \((out as NSString).appendingPathComponent("index.html")), report.md, report.csv and \(charts) chart\(charts == 1 ? "" : "s")\n", stderr)
        }
        return .success
    }
}
