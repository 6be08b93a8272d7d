import Testing
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import SweepCore
import Vocabulary

/// `sweep report`'s numbers checked against values computed here from the same formulas the runs were
/// written with: means, sample stds, best epochs, ranking per direction, diverged and failed runs.
@Suite struct ReportTests {
    static let grid = #"""
    {"name": "rp", "fixed": {"dataset": "synthetic", "model": "mlp", "epochs": 4},
     "grid": [{"optimizer": "sgd_c", "lr": [0.1, 0.01], "topC": [5, 10]}, {"optimizer": "adam", "lr": [0.01, 0.001]}],
     "seed": [0, 1, 2]}
    """#
    /// Each setting's accuracy level (settings are index / 3). Setting 0 is the best on average but one
    /// of its seeds diverges; every seed of setting 4 diverges.
    static let level = [0.95, 0.90, 0.92, 0.85, 0.99, 0.93]
    static let diverged: Set<Int> = [2, 12, 13, 14]
    static let failed: Set<Int> = [16]

    /// A deterministic wobble in [0, 0.01).
    static func noise(_ index: Int, _ epoch: Int, _ salt: Int = 0) -> Double {
        let mixed: Int = index * 7919 + epoch * 104_729 + salt * 1_299_709
        return Double(mixed % 1000) / 100_000
    }
    /// Validation accuracy peaks before the last epoch for most runs, so best and final differ.
    static func valid(_ index: Int, _ epoch: Int) -> Double {
        let dip: Double = epoch == 4 ? 0.05 : 0
        return level[index / 3] - 0.3 / Double(epoch) - dip + noise(index, epoch)
    }
    static func test(_ index: Int, _ epoch: Int) -> Double { valid(index, epoch) - 0.01 + noise(index, epoch, 1) }
    static func metrics(_ index: Int) -> (Int) -> [(String, Double)] {
        { epoch in
            let loss: Double = 1 / Double(epoch) + noise(index, epoch, 2)
            return [("train_loss", loss), ("valid_accuracy", valid(index, epoch)), ("test_accuracy", test(index, epoch))]
        }
    }

    static func sweep() throws -> SyntheticSweep {
        let sweep = try SyntheticSweep(grid)
        for index in 0..<sweep.grid.count {
            if diverged.contains(index) {
                try sweep.run(index, status: .diverged, epochs: 2, metrics: metrics(index),
                              details: [("step", .number(123)), ("last_finite_loss", .number(9.5))])
            } else if failed.contains(index) {
                try sweep.run(index, status: .failed, epochs: 0, metrics: metrics(index), details: [("message", .string("boom"))])
            } else {
                try sweep.run(index, shard: "task\(index % 2)", epochs: 4, metrics: metrics(index))
            }
        }
        return sweep
    }

    /// Mean and sample std computed the other way round: Σx² − n·mean², divided by n − 1.
    static func expected(_ values: [Double]) -> (mean: Double, std: Double) {
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        let variance = (values.map { $0 * $0 }.reduce(0, +) - n * mean * mean) / (n - 1)
        return (mean, variance.squareRoot())
    }

    static func okIndices(_ setting: Int) -> [Int] {
        (setting * 3..<setting * 3 + 3).filter { !diverged.contains($0) && !failed.contains($0) }
    }

    @Test func meansAndStdsOverSeedsMatchAnIndependentComputation() throws {
        let sweep = try Self.sweep()
        let report = SweepReport(SweepResults(grid: sweep.grid, folder: sweep.folder))
        #expect(report.sections.count == 1)
        let section = report.sections[0]
        #expect(section.title == "dataset=synthetic model=mlp")
        #expect(section.selection == "valid_accuracy" && section.higherIsBetter)
        #expect(section.testMetric == "test_accuracy")
        #expect(report.metrics == ["train_loss", "valid_accuracy", "test_accuracy"])
        let groups = section.optimizers.flatMap(\.groups)
        #expect(groups.count == 6)
        for setting in 0..<6 where setting != 4 {
            let group = try #require(groups.first { $0.indices[0] == setting * 3 })
            let ok = Self.okIndices(setting)
            let bestEpochs = ok.map { index in (1...4).max { Self.valid(index, $0) < Self.valid(index, $1) }! }
            let best = Self.expected(zip(ok, bestEpochs).map { Self.valid($0, $1) })
            let testAtBest = Self.expected(zip(ok, bestEpochs).map { Self.test($0, $1) })
            let final = Self.expected(ok.map { Self.valid($0, 4) })
            let finalLoss = Self.expected(ok.map { 1 / 4.0 + Self.noise($0, 4, 2) })
            #expect(group.counts[.done] == ok.count)
            #expect(group.best!.n == ok.count)
            #expect(abs(group.best!.mean - best.mean) < 1e-12)
            #expect(abs(group.best!.std - best.std) < 1e-9)
            #expect(abs(group.testAtBest!.mean - testAtBest.mean) < 1e-12)
            #expect(abs(group.testAtBest!.std - testAtBest.std) < 1e-9)
            #expect(abs(group.final["valid_accuracy"]!.mean - final.mean) < 1e-12)
            #expect(abs(group.final["valid_accuracy"]!.std - final.std) < 1e-9)
            #expect(abs(group.final["train_loss"]!.mean - finalLoss.mean) < 1e-12)
        }
    }

    @Test func divergedRunsAreCountedNotAveragedAndRankLast() throws {
        let sweep = try Self.sweep()
        let section = SweepReport(SweepResults(grid: sweep.grid, folder: sweep.folder)).sections[0]
        #expect(section.optimizers.map(\.name) == ["sgd_c", "adam"])
        let sgd = section.optimizers[0], adam = section.optimizers[1]
        // Setting 0 has the highest mean of its two surviving seeds, yet ranks last: one seed diverged.
        #expect(sgd.groups.map { $0.indices[0] / 3 } == [2, 1, 3, 0])
        #expect(sgd.groups.map(\.rank) == [1, 2, 3, 4])
        let zero = sgd.groups[3]
        #expect(zero.counts[.diverged] == 1 && zero.counts[.done] == 2)
        #expect(zero.best!.mean > sgd.groups[0].best!.mean)
        #expect(zero.best!.n == 2)
        // Every seed of adam lr=0.01 diverged: no numbers, ranked after the setting that has them.
        #expect(adam.groups.map { $0.indices[0] / 3 } == [5, 4])
        #expect(adam.groups[1].best == nil && adam.groups[1].counts[.diverged] == 3)
        #expect(adam.groups[0].counts[.failed] == 1 && adam.groups[0].best!.n == 2)
        #expect(sgd.varyingKeys == ["lr", "topC"] && adam.varyingKeys == ["lr"])
        #expect(section.varyingKeys == ["lr", "topC"])
    }

    static let perplexityGrid = #"""
    {"name": "pp", "fixed": {"dataset": "ptb", "model": "lstm", "epochs": 3}, "grid": {"optimizer": ["sgd", "adam"], "lr": [1, 0.1]}, "seed": [0, 1]}
    """#

    /// Lower is better for perplexity and loss; without `best` in the end records the report finds each
    /// run's best epoch in its epoch records.
    @Test(arguments: ["valid_perplexity", "valid_loss"])
    func lowerIsBetterMetricsPickTheLowest(_ selection: String) throws {
        let sweep = try SyntheticSweep(Self.perplexityGrid)
        let testMetric = "test_" + selection.dropFirst("valid_".count)
        // Settings (index / 2): sgd lr=1, sgd lr=0.1, adam lr=1, adam lr=0.1.
        let level = [120.0, 95.0, 80.0, 140.0]
        func value(_ index: Int, _ epoch: Int) -> Double { level[index / 2] + [9.0, 0, 4][epoch - 1] + Double(index % 2) }
        for index in 0..<8 {
            try sweep.run(index, epochs: 3, metrics: { epoch in
                [("train_loss", 5.0 / Double(epoch)), (selection, value(index, epoch)), (testMetric, value(index, epoch) + 1)]
            }, selection: selection, recordBest: false)
        }
        let section = SweepReport(SweepResults(grid: sweep.grid, folder: sweep.folder)).sections[0]
        #expect(section.selection == selection)
        #expect(!section.higherIsBetter)
        #expect(section.testMetric == testMetric)
        let sgd = section.optimizers[0], adam = section.optimizers[1]
        #expect(sgd.groups.map { $0.value("lr") } == [.number(0.1), .number(1)])
        #expect(adam.groups.map { $0.value("lr") } == [.number(1), .number(0.1)])
        // Best epoch is epoch 2 for every run: level + seed offset; the mean over seeds adds 0.5.
        #expect(sgd.groups[0].best!.mean == 95.5)
        #expect(sgd.groups[0].testAtBest!.mean == 96.5)
        #expect(sgd.groups[0].final[selection]!.mean == 99.5)
        #expect(abs(sgd.groups[0].best!.std - 0.5.squareRoot()) < 1e-12)
    }

    @Test func aResumedRunJoinsItsAttemptsAndARepeatedEpochKeepsTheLaterRecord() throws {
        let sweep = try SyntheticSweep(Self.perplexityGrid)
        func metrics(_ value: Double) -> [(String, Double)] { [("valid_perplexity", value)] }
        // Attempt 1 (shard "z", read last) reaches epoch 2 and is preempted; attempt 2 (shard "a")
        // repeats epoch 2 from the checkpoint and finishes.
        try sweep.write(.start, 0, shard: "z", epoch: 0)
        try sweep.write(.epoch, 0, shard: "z", epoch: 1, metrics: metrics(150))
        try sweep.write(.epoch, 0, shard: "z", epoch: 2, metrics: metrics(140))
        try sweep.write(.end, 0, shard: "z", status: .preempted, epoch: 2)
        try sweep.write(.start, 0, shard: "a", epoch: 1, attempt: 2)
        try sweep.write(.epoch, 0, shard: "a", epoch: 2, metrics: metrics(130), attempt: 2)
        try sweep.write(.epoch, 0, shard: "a", epoch: 3, metrics: metrics(125), attempt: 2)
        try sweep.write(.end, 0, shard: "a", status: .ok, epoch: 3, metrics: metrics(125), attempt: 2)
        let run = SweepResults(grid: sweep.grid, folder: sweep.folder).runs[0]
        #expect(run.state == .done)
        #expect(run.epochs == [1, 2, 3])
        #expect(run.series["valid_perplexity"] == [150, 130, 125])
        #expect(run.value("valid_perplexity", atBestOf: "valid_perplexity") == 125)
    }

    @Test func csvHasOneFullPrecisionRowPerSetting() throws {
        let sweep = try Self.sweep()
        let report = SweepReport(SweepResults(grid: sweep.grid, folder: sweep.folder))
        let rows = report.csv.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows[0] == ["dataset", "model", "epochs", "optimizer", "lr", "topC", "seeds", "ok", "diverged", "failed", "preempted",
                            "running", "pending", "rank", "selection_metric", "best_mean", "best_std", "test_metric",
                            "test_at_best_mean", "test_at_best_std", "final_train_loss_mean", "final_train_loss_std",
                            "final_valid_accuracy_mean", "final_valid_accuracy_std", "final_test_accuracy_mean", "final_test_accuracy_std"])
        #expect(rows.count == 7)
        #expect(rows.allSatisfy { $0.count == rows[0].count })
        // Rows in grid order; setting 2 (sgd_c lr=0.01 topC=5) is sgd_c's best.
        #expect(rows[3][0..<6] == ["synthetic", "mlp", "4", "sgd_c", "0.01", "5"])
        #expect(rows[3][6..<15] == ["3", "3", "0", "0", "0", "0", "0", "1", "valid_accuracy"])
        let ok = Self.okIndices(2)
        let best = Self.expected(ok.map { index in (1...4).map { Self.valid(index, $0) }.max()! })
        #expect(abs(Double(rows[3][15])! - best.mean) < 1e-12)
        #expect(abs(Double(rows[3][16])! - best.std) < 1e-9)
        // adam lr=0.01 diverged everywhere: counts, and empty number cells.
        #expect(rows[5][3..<10] == ["adam", "0.01", "", "3", "0", "3", "0"])
        #expect(rows[5][15] == "" && rows[5][16] == "")
        #expect(SweepReport.csvField("a,b") == "\"a,b\"" && SweepReport.csvField("say \"hi\"") == "\"say \"\"hi\"\"\"")
    }

    @Test func markdownTablesAreWellFormed() throws {
        let sweep = try Self.sweep()
        let markdown = SweepReport(SweepResults(grid: sweep.grid, folder: sweep.folder)).markdown
        #expect(markdown.hasPrefix("# rp\n\nrp: 18 configurations in 6 settings: 13 done, 1 failed, 4 diverged.\n"))
        #expect(markdown.contains("## dataset=synthetic model=mlp\n"))
        #expect(markdown.contains("### Best setting per optimizer\n\n| optimizer | lr | topC | n | diverged | failed | best valid_accuracy | test_accuracy at best | final valid_accuracy |\n| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n| sgd_c | 0.01 | 5 | 3/3 | 0 | 0 | "))
        #expect(markdown.contains("\n| adam | 0.001 | - | 2/3 | 0 | 1 | "))
        #expect(markdown.contains("### sgd_c: 4 settings, best first\n\n| rank | lr | topC | n |"))
        // Every table row has as many cells as its header.
        var columns: Int?
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("|") else { columns = nil; continue }
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).count - 2
            if columns == nil { columns = cells }
            #expect(cells == columns)
        }
        let bestRow = try #require(markdown.split(separator: "\n").first { $0.hasPrefix("| sgd_c | 0.01 | 5 |") })
        let ok = Self.okIndices(2)
        let best = Self.expected(ok.map { index in (1...4).map { Self.valid(index, $0) }.max()! })
        #expect(bestRow.contains(String(format: "| %.4f±%.4f |", best.mean, best.std)))
    }

    @Test func terminalTextFitsEightyColumns() throws {
        let sweep = try Self.sweep()
        let text = SweepReport(SweepResults(grid: sweep.grid, folder: sweep.folder)).text(top: 2)
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= 80 })
        #expect(text.contains("best setting per optimizer:\noptimizer  lr     topC    n  div  fail           best      test@best\n"))
        #expect(text.contains("… 2 more settings (--top 0 shows all)"))
    }

    @Test func numbersAreFormattedToTheSeedsPrecision() {
        #expect(formatMeanStd(0.97571, 0.00031) == "0.9757±0.0003")
        #expect(formatMeanStd(2.34567, 0.12) == "2.346±0.120")
        #expect(formatMeanStd(123.45, 5.6) == "123.5±5.6")
        #expect(formatMeanStd(0.5, .nan) == "0.5000")
        #expect(formatMeanStd(1.5e-5, 2e-6) == "1.5e-05±2e-06")
        #expect(formatNumber(0.25) == "0.25" && formatNumber(.nan) == "nan")
        #expect(Spread([1, 2, 3, 4])!.mean == 2.5)
        #expect(Spread([1, 2, 3, 4])!.std == (5.0 / 3).squareRoot())
        #expect(Spread([7])!.std.isNaN && Spread([]) == nil)
    }
}
