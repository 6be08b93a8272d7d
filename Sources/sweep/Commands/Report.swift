// `sweep report`: the results aggregated over seeds, best setting per optimizer, and the studies'
// questions answered (tuning budget, time to target, performance profiles, a paired comparison, 2-D
// maps), as a terminal table, Markdown or CSV; with --out, also the SVG charts and an index.html.
import Foundation
import SweepCore

struct Report: Command {
    static let name = "report"
    static let abstract = "results over seeds: best settings, tuning budgets, speed, comparisons, 2-D maps"
    static let usage = """
        sweep report GRID [--results DIR] [--format table|md|csv] [--csv VIEW] [--top K] [--out DIR]
                          [--target METRIC=VALUE] [--compare A,B] [--map X,Y [--boundary EXPR]]
          --results DIR      the folder holding the sweep's results folder (default: $SWEEP_RESULTS, else results)
          --format F         table (default: 80 columns), md (Markdown) or csv (one row per setting, full precision)
          --csv VIEW         with --format csv: settings (default), budget, profile, compare or maps
          --top K            the tables list each optimizer's K best (or fastest) settings (default 10; 0 lists all)
          --out DIR          also write index.html, report.md, the CSV files and the SVG charts into DIR
          --target M=V       time to reach V in metric M (e.g. valid_accuracy=0.85);
                             default: 95% of the best setting's value
          --compare A,B      B against A: their best settings paired by seed, with a 95% interval
          --map X,Y          heatmaps of the metric over two numeric keys (e.g. lr,momentum),
                             one per optimizer and value of the other keys
          --boundary EXPR    a line over the maps where EXPR's sides meet (e.g. "lr < 2*(1+momentum)")
        """

    let path: String
    let results: String?
    let format: String
    let view: String
    let top: Int
    let out: String?
    let questions: ReportQuestions

    init(_ arguments: inout Arguments) throws {
        results = try arguments.option("results")
        format = try arguments.choice("format", ["table", "md", "csv"]) ?? "table"
        view = try arguments.choice("csv", ["settings", "budget", "profile", "compare", "maps"]) ?? "settings"
        top = try arguments.integer("top", in: 0...Int.max) ?? 10
        out = try arguments.option("out")
        var questions = ReportQuestions()
        if let target = try arguments.option("target") {
            let parts = target.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, let value = Double(parts[1]), value.isFinite else {
                throw UsageError("--target \(target): expected METRIC=VALUE, e.g. valid_accuracy=0.85")
            }
            questions.target = (parts[0], value)
        }
        questions.compare = try Self.pair(arguments.option("compare"), option: "compare", example: "adam,adam_c")
        questions.map = try Self.pair(arguments.option("map"), option: "map", example: "lr,momentum")
        questions.boundary = try arguments.option("boundary")
        self.questions = questions
        path = try arguments.positional("GRID (a grid file such as grids/mnist.json)")
    }

    private static func pair(_ text: String?, option: String, example: String) throws -> (String, String)? {
        guard let text else { return nil }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, parts[0] != parts[1] else {
            throw UsageError("--\(option) \(text): expected two different names separated by a comma, e.g. \(example)")
        }
        return (parts[0], parts[1])
    }

    func run() throws -> ExitStatus {
        let grid = try readGrid(path)
        let folder = ResultsFolder(sweepName: grid.name, parent: results, environment: ProcessInfo.processInfo.environment)
        if !FileManager.default.fileExists(atPath: folder.root) {
            fputs("sweep report: note: no results yet (\(folder.root) does not exist); every configuration is pending\n", stderr)
        }
        let report = SweepReport(SweepResults(grid: grid, folder: folder))
        let answers = try ReportAnswers(report, questions: questions)
        switch format {
        case "md": print(report.markdown + answers.markdown, terminator: "")
        case "csv":
            if view == "settings" {
                print(answers.settingsCSV, terminator: "")
            } else if let file = answers.csvFiles.first(where: { $0.name == view + ".csv" }) {
                print(file.text, terminator: "")
            } else {
                let why = ["profile": "it needs two sections (dataset × model) or more", "compare": "it needs --compare A,B",
                           "maps": "it needs --map X,Y"][view] ?? "nothing to show"
                fputs("sweep report: note: no \(view) table: \(why)\n", stderr)
            }
        default: print(report.text(top: top == 0 ? nil : top) + answers.text(top: top == 0 ? nil : top), terminator: "")
        }
        if let out {
            // The report is printed already; a folder that cannot be written is an error after the fact.
            let files = try afterWorkStarted { try report.write(to: out, answers: answers) }
            let charts = files.filter { $0.hasSuffix(".svg") }.count
            fputs("sweep report: wrote \((out as NSString).appendingPathComponent("index.html")), report.md, \(files.filter { $0.hasSuffix(".csv") }.joined(separator: ", ")) and \(charts) chart\(charts == 1 ? "" : "s")\n", stderr)
        }
        return .success
    }
}
