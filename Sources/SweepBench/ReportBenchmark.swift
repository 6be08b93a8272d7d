// `sweep-bench report`: how long `sweep report` takes, every view included (ranking, tuning budgets
// with their bootstrap, time to target, a paired comparison, maps), on the status benchmark's folder
// of a million records: phases in-process, then the command with --out as a user runs it.
import Foundation
import SweepCore

/// Runs the report benchmark. Options: `--records N` (default 1,000,000), `--keep DIR` (reuse or keep
/// the folder, as the status benchmark does), `--samples N` (default 3).
func reportBenchmark(_ arguments: [String]) throws {
    let (records, samples, keep) = try recordsOptions(arguments, samples: 3)
    let parent = keep ?? FileManager.default.temporaryDirectory.appendingPathComponent("sweep-bench-report-\(getpid())").path
    defer { if keep == nil { try? FileManager.default.removeItem(atPath: parent) } }
    let (grid, gridPath, folder, bytes) = try syntheticFolder(parent: parent, records: records)
    print("report benchmark: \(records) records, \(grid.count) configurations, "
          + String(format: "%.0f MB", Double(bytes) / 1e6) + "; median of \(samples) runs (best in brackets)")
    print("machine: \(ProcessInfo.processInfo.activeProcessorCount) active processors\n")
    print("| phase | seconds |")
    print("|---|---|")
    var results: SweepResults?
    row("SweepResults (ids, scan, epoch and end records)", measure(samples) { results = SweepResults(grid: grid, folder: folder) })
    var report: SweepReport?
    row("SweepReport (groups, ranking)", measure(samples) { report = SweepReport(results!) })
    let questions = ReportQuestions(compare: ("sgd", "sgd_c"), map: ("lr", "momentum"), boundary: "lr < 2*(1+momentum)")
    var answers: ReportAnswers?
    row("ReportAnswers (budgets + bootstrap, targets, comparison, maps)", try measure(samples) { answers = try ReportAnswers(report!, questions: questions) })
    row("text, Markdown and CSV", measure(samples) {
        _ = report!.text(top: 10) + answers!.text(top: 10) + report!.markdown + answers!.markdown + answers!.settingsCSV
        _ = answers!.csvFiles
    })
    let site = (parent as NSString).appendingPathComponent("site")
    row("write --out folder (page, tables, every chart)", try measure(samples) { try report!.write(to: site, answers: answers) })

    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("sweep").path
    if FileManager.default.isExecutableFile(atPath: binary) {
        let command = [binary, "report", gridPath, "--results", parent, "--out", site, "--compare", "sgd,sgd_c",
                       "--map", "lr,momentum", "--boundary", "lr < 2*(1+momentum)"]
        row("`sweep report --out` process, end to end", try measure(samples) { try runQuietly(command) })
        print("\ncommand: \(command.joined(separator: " "))")
    } else {
        print("\n(no `sweep` binary next to sweep-bench: build both with `swift build -c release` to time the command)")
    }
    print("settings: \(report!.sections.flatMap { $0.optimizers.flatMap(\.groups) }.count), maps: \(answers!.maps.count)")
}

