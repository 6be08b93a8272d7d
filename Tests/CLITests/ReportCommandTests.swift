import Testing
import Foundation
import SweepCore

/// `sweep report` as a user runs it: the three formats, --top, --out, and a sweep without results.
@Suite struct ReportCommandTests {
    static let grid = #"""
    {"name": "cli-report", "fixed": {"dataset": "synthetic", "epochs": 2}, "grid": {"optimizer": ["sgd", "adam"], "lr": [0.1, 0.01]}, "seed": [0, 1]}
    """#

    /// Every run ok except adam lr=0.1 seed 1, which diverges. valid_accuracy = 0.5 + lr + seed/100 + epoch/10.
    static func sweep() throws -> (TemporaryFolder, String) {
        let folder = try TemporaryFolder("report-cli")
        let gridPath = try folder.write("grid.json", grid)
        let writer = try ResultsWriter(gridPath: gridPath, parent: folder.path)
        for index in 0..<8 {
            let lr = index / 2 % 2 == 0 ? 0.1 : 0.01
            func accuracy(_ epoch: Int) -> Double { 0.5 + lr + Double(index % 2) / 100 + Double(epoch) / 10 }
            try writer.write(.start, index)
            if index == 5 {
                try writer.write(.end, index, status: .diverged, epoch: 1, details: [("step", .number(40)), ("last_finite_loss", .number(7.5))])
                continue
            }
            for epoch in 1...2 {
                try writer.write(.epoch, index, epoch: epoch, metrics: [("train_loss", 1.0 / Double(epoch)), ("valid_accuracy", accuracy(epoch)),
                                                                      ("test_accuracy", accuracy(epoch) - 0.05)])
            }
            try writer.write(.end, index, status: .ok, epoch: 2, metrics: [("train_loss", 0.5), ("valid_accuracy", accuracy(2)), ("test_accuracy", accuracy(2) - 0.05)],
                             best: BestEpoch(metric: "valid_accuracy", epoch: 2, value: accuracy(2), test: ["test_accuracy": accuracy(2) - 0.05]))
        }
        return (folder, gridPath)
    }

    @Test func tableMarkdownAndCSV() throws {
        let (folder, gridPath) = try Self.sweep()
        let table = try runSweep(["report", gridPath, "--results", folder.path])
        #expect(table.status == 0 && table.stderr.isEmpty)
        #expect(table.stdout.split(separator: "\n").allSatisfy { $0.count <= 80 })
        #expect(table.stdout.hasPrefix("cli-report: 8 configurations in 4 settings: 7 done, 1 diverged\nall: dataset=synthetic epochs=2\n"))
        // sgd lr=0.1: seeds 0.7 and 0.71 → 0.705 ± 0.00707; adam lr=0.1 diverged once and ranks below lr=0.01.
        #expect(table.stdout.contains("""
            best setting per optimizer:
            optimizer  lr      n  div  fail           best      test@best          final
            ---------  ----  ---  ---  ----  -------------  -------------  -------------
            sgd        0.1   2/2    0     0  0.8050±0.0071  0.7550±0.0071  0.8050±0.0071
            adam       0.01  2/2    0     0  0.7150±0.0071  0.6650±0.0071  0.7150±0.0071
            """))
        #expect(table.stdout.contains("""
            adam: 2 settings, best first
            #  lr      n  div  fail           best      test@best          final
            -  ----  ---  ---  ----  -------------  -------------  -------------
            1  0.01  2/2    0     0  0.7150±0.0071  0.6650±0.0071  0.7150±0.0071
            2  0.1   1/2    1     0         0.8000         0.7500         0.8000
            """))

        let markdown = try runSweep(["report", gridPath, "--results", folder.path, "--format", "md"])
        #expect(markdown.status == 0)
        #expect(markdown.stdout.contains("| optimizer | lr | n | diverged | failed | best valid_accuracy | test_accuracy at best | final valid_accuracy |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n| sgd | 0.1 | 2/2 | 0 | 0 | 0.8050±0.0071 |"))

        let csv = try runSweep(["report", gridPath, "--results", folder.path, "--format=csv"])
        let rows = csv.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(rows.count == 5)
        #expect(rows[0].prefix(5) == ["dataset", "epochs", "optimizer", "lr", "seeds"])
        #expect(rows[1].prefix(16).joined(separator: ",") == "synthetic,2,sgd,0.1,2,2,0,0,0,0,0,1,valid_accuracy,0.805,0.007071067811865481,test_accuracy")
        #expect(rows[3].prefix(14).joined(separator: ",") == "synthetic,2,adam,0.1,2,1,1,0,0,0,0,2,valid_accuracy,0.8")
        #expect(rows[3][14] == "")
    }

    @Test func outWritesThePageChartsAndTables() throws {
        let (folder, gridPath) = try Self.sweep()
        let out = folder.path + "/site"
        let result = try runSweep(["report", gridPath, "--results", folder.path, "--top", "1", "--out", out])
        #expect(result.status == 0)
        #expect(result.stderr == "sweep report: wrote \(out)/index.html, report.md, report.csv, budget.csv and 5 charts\n")
        #expect(result.stdout.contains("… 1 more setting (--top 0 shows all)"))
        let files = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(files == ["budget-dataset-synthetic.svg", "budget.csv", "curves-dataset-synthetic-train_loss.svg",
                          "curves-dataset-synthetic-valid_accuracy.svg", "index.html", "report.csv", "report.md",
                          "sensitivity-dataset-synthetic-lr.svg", "target-dataset-synthetic.svg"])
        let page = try String(contentsOfFile: out + "/index.html", encoding: .utf8)
        #expect(page.contains("<img src=\"sensitivity-dataset-synthetic-lr.svg\""))
        #expect(page.contains("<h3>Best setting per optimizer</h3>"))
    }

    /// The questions: a target, a paired comparison, their CSV views, and questions the grid cannot answer.
    @Test func targetCompareAndTheirErrors() throws {
        let (folder, gridPath) = try Self.sweep()
        // valid_accuracy at epoch 1 is 0.5 + lr + seed/100 + 0.1: with lr 0.1 both seeds pass 0.7 at epoch 1.
        let md = try runSweep(["report", gridPath, "--results", folder.path, "--format", "md", "--target", "valid_accuracy=0.7",
                               "--compare", "adam,sgd"])
        #expect(md.status == 0, "\(md.stderr)")
        #expect(md.stdout.contains("## dataset=synthetic: time to target\n\nTarget: valid_accuracy ≥ 0.7 (given)"))
        #expect(md.stdout.contains("| sgd | 0.1 | 1.000±0.000 | 1.000±0.000 | 2/2 |"))
        #expect(md.stdout.contains("## dataset=synthetic: sgd against adam"))
        #expect(md.stdout.contains("## dataset=synthetic: tuning budget"))

        // The best settings (sgd lr=0.1, adam lr=0.01) differ by 0.09 in test_accuracy on both seeds.
        let compare = try runSweep(["report", gridPath, "--results", folder.path, "--format", "csv", "--csv", "compare", "--compare", "adam,sgd"])
        let rows = compare.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(rows.count == 2 && rows[1][1] == "adam" && rows[1][2] == "sgd" && rows[1][3] == "test_accuracy" && rows[1][4] == "2")
        #expect(abs(Double(rows[1][5])! - 0.09) < 1e-9 && rows[1][9] == "bBetter")

        for (arguments, message) in [
            (["--target", "valid_acc=0.7"], "--target: no run reports \"valid_acc\"; did you mean \"valid_accuracy\"?"),
            (["--target", "0.7"], "--target 0.7: expected METRIC=VALUE"),
            (["--compare", "adam,sgdd"], "--compare: no optimizer \"sgdd\" in this grid; did you mean \"sgd\"?"),
            (["--map", "lr,momentum"], "--map: \"momentum\" is not a key with two or more numeric values in this grid"),
            (["--boundary", "lr < 2"], "--boundary needs --map X,Y"),
        ] {
            let result = try runSweep(["report", gridPath, "--results", folder.path] + arguments)
            #expect(result.status == 2 && result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }

    @Test func noResultsIsANoteAndBadFormatsAreExitTwo() throws {
        let folder = try TemporaryFolder("report-empty")
        let gridPath = try folder.write("grid.json", Self.grid)
        let result = try runSweep(["report", gridPath, "--results", folder.path])
        #expect(result.status == 0)
        #expect(result.stderr.contains("no results yet"))
        #expect(result.stdout.contains("cli-report: 8 configurations in 4 settings: 8 pending"))
        let bad = try runSweep(["report", gridPath, "--format", "xlsx"])
        #expect(bad.status == 2 && bad.stderr.contains("--format xlsx: expected one of table, md, csv"))
        let asked = try runSweep(["report", gridPath, "--results", folder.path, "--target", "valid_accuracy=0.9", "--compare", "sgd,adam"])
        #expect(asked.status == 0 && asked.stdout.contains("8 pending"), "\(asked.stderr)")
        let help = try runSweep(["help", "report"])
        #expect(help.status == 0 && help.stdout.contains("--out DIR"))
    }
}
