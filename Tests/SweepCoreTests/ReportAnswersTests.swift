import Testing
import Foundation
@testable import SweepCore

/// The report's answers on constructed results whose answers are known: tuning-budget curves worked
/// out by hand and by enumerating every draw, times to target with runs that never get there,
/// performance profiles of three optimizers on four tasks, paired intervals that must include and
/// exclude zero, and a map whose cells and divergence are laid out in advance.
@Suite struct ReportAnswersTests {
    // MARK: - Tuning budget

    /// The best of every k-subset, averaged: what the closed form must equal.
    static func enumerated(_ values: [Double], k: Int) -> Double {
        func subsets(_ start: Int, _ left: Int) -> [[Double]] {
            if left == 0 { return [[]] }
            guard start < values.count else { return [] }
            return subsets(start + 1, left - 1).map { [values[start]] + $0 } + subsets(start + 1, left)
        }
        let all = subsets(0, k)
        return all.map { $0.max()! }.reduce(0, +) / Double(all.count)
    }

    @Test func tuningBudgetMatchesTheHandComputationAndEveryDraw() {
        // Four settings, one seed each: 0.7, 0.9, 0.8, 0.6. Best of k drawn:
        // k=1: the mean, 0.75; k=2: of the six pairs three hold 0.9, two 0.8 (best), one 0.7 → 5.0/6;
        // k=3: three of four triples hold 0.9, the fourth's best is 0.8 → 0.875; k=4: 0.9.
        let values = [0.7, 0.9, 0.8, 0.6]
        let budget = TuningBudget(optimizer: "sgd", candidates: values.map { TuningCandidate(runs: [($0, $0 - 0.1)], diverged: false) },
                                  higherIsBetter: true)
        let hand = [0.75, 5.0 / 6, 0.875, 0.9]
        #expect(budget.points.map(\.k) == [1, 2, 3, 4])
        for (point, expected) in zip(budget.points, hand) {
            #expect(abs(point.validation! - expected) < 1e-12, "k=\(point.k)")
            #expect(abs(point.validation! - Self.enumerated(values, k: point.k)) < 1e-12)
            // The test metric follows the setting chosen by validation: here always 0.1 below it.
            #expect(abs(point.test! - (expected - 0.1)) < 1e-12)
            #expect(point.noResult == 0)
            // One seed per setting: every resample is the data itself, so the band has no width.
            #expect(abs(point.low! - expected) < 1e-12 && abs(point.high! - expected) < 1e-12)
        }
        #expect(budget.tablePoints.map(\.k) == [1, 4] && budget.settings == 4)
    }

    @Test func largeGridsAreEvaluatedAtLogSpacedBudgets() {
        let budgets = TuningBudget.budgets(1000)
        #expect(budgets.first == 1 && budgets.last == 1000 && budgets.contains(4) && budgets.contains(16) && budgets.count <= 64)
        #expect(TuningBudget.budgets(100) == Array(1...100))
        // The closed form at a spaced budget still equals the enumeration-free formula's k-th point.
        let values = (0..<150).map { Double($0) / 150 }
        let budget = TuningBudget(optimizer: "sgd", candidates: values.map { TuningCandidate(runs: [($0, nil)], diverged: false) },
                                  higherIsBetter: true, resamples: 1)
        // E[max of k of the n values i/n] = Σ_i (i/n)·C(i, k−1)/C(n, k) with i counted from 0.
        for point in budget.points where [1, 4, 150].contains(point.k) {
            let n = 150, k = point.k
            var expected = 0.0
            for i in 0..<n { expected += Double(i) / 150 * TuningBudget.chooseRatio(i, k - 1, n, k) }
            #expect(abs(point.validation! - expected) < 1e-9, "k=\(k)")
        }
    }

    @Test func lowerIsBetterTakesTheSmallestOfTheDraw() {
        let values = [3.0, 1.0, 2.0]
        let budget = TuningBudget(optimizer: "adam", candidates: values.map { TuningCandidate(runs: [($0, nil)], diverged: false) },
                                  higherIsBetter: false)
        // k=2: pairs (3,1)→1, (3,2)→2, (1,2)→1.
        for (point, expected) in zip(budget.points, [2, 4.0 / 3, 1]) { #expect(abs(point.validation! - expected) < 1e-12) }
        #expect(budget.points.allSatisfy { $0.test == nil })
    }

    @Test func divergedSettingsRankLastAndSettingsWithoutResultsCountAsNoResult() {
        // Ranked: 0.9, 0.8, then 0.95 (a seed diverged), then the setting with no finished run.
        let candidates = [TuningCandidate(runs: [(0.95, nil)], diverged: true), TuningCandidate(runs: [(0.9, nil)], diverged: false),
                          TuningCandidate(runs: [(0.8, nil)], diverged: false), TuningCandidate(runs: [], diverged: true)]
        let budget = TuningBudget(optimizer: "sgd", candidates: candidates, higherIsBetter: true)
        // k=1: a quarter of the draws find nothing; the rest average (0.95 + 0.9 + 0.8) / 3.
        #expect(abs(budget.points[0].noResult - 0.25) < 1e-12)
        #expect(abs(budget.points[0].validation! - (0.95 + 0.9 + 0.8) / 3) < 1e-12)
        // k=2: P(0.9 best) = 3/6, P(0.8) = 2/6, P(0.95 diverged) = 1/6 (drawn with the empty one only).
        #expect(abs(budget.points[1].validation! - (0.9 * 3 + 0.8 * 2 + 0.95) / 6) < 1e-12)
        #expect(budget.points[1].noResult == 0)
        #expect(abs(budget.points[3].validation! - 0.9) < 1e-12)
    }

    @Test func bootstrapBandSpreadsWithTheSeedsAndIsReproducible() {
        let candidates = [TuningCandidate(runs: [(0.80, nil), (0.90, nil), (0.85, nil)], diverged: false),
                          TuningCandidate(runs: [(0.70, nil), (0.72, nil), (0.71, nil)], diverged: false)]
        let one = TuningBudget(optimizer: "sgd", candidates: candidates, higherIsBetter: true)
        let two = TuningBudget(optimizer: "sgd", candidates: candidates, higherIsBetter: true)
        #expect(one.points == two.points)
        let all = one.points[1]
        #expect(abs(all.validation! - 0.85) < 1e-12)
        #expect(all.low! < 0.85 && all.high! > 0.85 && all.low! >= 0.80 && all.high! <= 0.90)
    }

    // MARK: - Time to target

    @Test func timeToTargetCountsRunsThatNeverReachIt() throws {
        // Two settings of three seeds; seed 2 of the first never reaches 0.85, the second diverges once.
        let sweep = try SyntheticSweep(#"""
        {"name": "ttt", "fixed": {"dataset": "synthetic", "model": "mlp"},
         "grid": {"optimizer": ["sgd", "adam"]}, "seed": [0, 1, 2]}
        """#)
        let curves: [[Double]] = [[0.5, 0.86, 0.9, 0.9], [0.5, 0.7, 0.88, 0.9], [0.5, 0.6, 0.7, 0.8],
                                  [0.86, 0.9, 0.91, 0.92], [0.9, 0.9, 0.9, 0.9], []]
        for index in 0..<6 {
            if curves[index].isEmpty {
                try sweep.run(index, status: .diverged, epochs: 1, metrics: { _ in [("valid_accuracy", 0.1)] })
            } else {
                try sweep.run(index, epochs: 4, metrics: { [("valid_accuracy", curves[index][$0 - 1])] })
            }
        }
        let report = SweepReport(SweepResults(grid: sweep.grid, folder: sweep.folder))
        let answers = try ReportAnswers(report, questions: ReportQuestions(target: ("valid_accuracy", 0.85)))
        let section = answers.sections[0]
        #expect(section.target == Target(metric: "valid_accuracy", value: 0.85, higherIsBetter: true, given: true))
        let sgd = try #require(section.times[0]), adam = try #require(section.times[3])
        #expect(sgd.epochs == Spread([2, 3]) && sgd.missed == 1 && sgd.runs == 3 && !sgd.allReached)
        // SyntheticSweep writes elapsed_s = epoch, so seconds equal epochs.
        #expect(sgd.seconds == Spread([2, 3]))
        #expect(adam.epochs == Spread([1, 1]) && adam.missed == 1 && adam.runs == 3)

        // The default target is 95 % of the best setting's mean best value: adam's (0.92 + 0.9) / 2,
        // whose seed diverged, ranks below sgd's (0.9 + 0.9 + 0.8) / 3.
        let derived = try ReportAnswers(report).sections[0].target!
        #expect(!derived.given && abs(derived.value - 0.95 * (2.6 / 3)) < 1e-12)
    }

    @Test func aHitIsTheFirstEpochAtTheTargetInItsDirection() {
        let loss = Target(metric: "valid_loss", value: 0.5, higherIsBetter: false, given: true)
        #expect(TargetHit.first(epochs: [1, 2, 4], values: [0.9, 0.5, 0.4], elapsed: [10, 20, .nan], target: loss)
                == TargetHit(epoch: 2, seconds: 20))
        #expect(TargetHit.first(epochs: [1, 2], values: [.nan, 0.6], elapsed: [], target: loss) == nil)
        #expect(Target.derived(metric: "valid_loss", best: 0.38, higherIsBetter: false).value == 0.38 / 0.95)
    }

    // MARK: - Performance profiles

    @Test func profileOfThreeOptimizersOnFourTasks() {
        // Times (nil: never reached):   A    B    C
        //   t1                          10   20   -
        //   t2                          30   15   15
        //   t3                           5   -    50
        //   t4                           8    8   12
        let profile = PerformanceProfile(tasks: ["t1", "t2", "t3", "t4"], optimizers: ["A", "B", "C"],
                                         times: [[10, 20, nil], [30, 15, 15], [5, nil, 50], [8, 8, 12]])
        let a = profile.entries[0], b = profile.entries[1], c = profile.entries[2]
        #expect(a.ratios == [1, 2, 1, 1])
        #expect(b.ratios == [2, 1, .infinity, 1])
        #expect(c.ratios == [.infinity, 1, 10, 1.5])
        #expect(a.share(within: 1) == 0.75 && a.share(within: 2) == 1)
        #expect(b.share(within: 1) == 0.5 && b.share(within: 100) == 0.75)
        #expect(c.share(within: 4) == 0.5 && c.share(within: 10) == 0.75)
        // Area under ρ from 1 to 4 over 3: each task within 4 adds (4 − r) / 3, averaged over tasks.
        #expect(abs(a.score - (1 + 2.0 / 3 + 1 + 1) / 4) < 1e-12)
        #expect(abs(b.score - (2.0 / 3 + 1 + 0 + 1) / 4) < 1e-12)
        #expect(abs(c.score - (0 + 1 + 0 + 2.5 / 3) / 4) < 1e-12)
        #expect(a.solved == 4 && b.solved == 3 && c.solved == 3)
    }

    // MARK: - Paired comparisons

    @Test func studentQuantilesMatchTheTables() {
        for (df, expected) in [(1, 12.706_204_736), (4, 2.776_445_105), (9, 2.262_157_163), (30, 2.042_272_456)] {
            #expect(abs(PairedComparison.tQuantile(0.975, degreesOfFreedom: df) - expected) < 1e-6, "df=\(df)")
        }
    }

    @Test func aConsistentGainExcludesZeroAndANoisyOneDoesNot() {
        let clear = PairedComparison(a: "adam", b: "adam_c", metric: "test_accuracy", higherIsBetter: true,
                                     differences: [0.010, 0.012, 0.011, 0.009, 0.013])
        // mean 0.011, sample std √(1e-5 / 4), half width t(0.975, 4) · std / √5.
        let half = 2.776_445_105 * (1e-5 / 4).squareRoot() / 5.0.squareRoot()
        #expect(abs(clear.mean! - 0.011) < 1e-15)
        #expect(abs(clear.interval!.low - (0.011 - half)) < 1e-9 && abs(clear.interval!.high - (0.011 + half)) < 1e-9)
        #expect(clear.verdict == .bBetter && clear.verdictText == "adam_c better")

        let noisy = PairedComparison(a: "adam", b: "adam_c", metric: "test_accuracy", higherIsBetter: true,
                                     differences: [0.01, -0.01, 0.005, -0.004])
        #expect(noisy.interval!.low < 0 && noisy.interval!.high > 0 && noisy.verdict == .noClearDifference)

        // A loss that B lowers: B is better.
        let loss = PairedComparison(a: "sgd", b: "sgd_c", metric: "test_loss", higherIsBetter: false, differences: [-0.2, -0.25, -0.22])
        #expect(loss.verdict == .bBetter)
        #expect(PairedComparison(a: "x", b: "y", metric: "m", higherIsBetter: true, differences: [0.1]).verdict == .tooFewPairs)
    }

    @Test func comparisonPairsTheBestSettingsSeedBySeed() throws {
        let sweep = try SyntheticSweep(#"""
        {"name": "pair", "fixed": {"dataset": "synthetic", "model": "mlp"},
         "grid": [{"optimizer": "adam", "lr": [0.1, 0.01]}, {"optimizer": "adam_c", "lr": [0.1, 0.01]}], "seed": [0, 1, 2]}
        """#)
        // Setting levels: adam 0.80, 0.85 (best); adam_c 0.90 (best), 0.70. Test = valid + seed/100.
        let level = [0.80, 0.85, 0.90, 0.70]
        for index in 0..<12 {
            let valid = level[index / 3], seed = Double(index % 3)
            try sweep.run(index, epochs: 1, metrics: { _ in [("valid_accuracy", valid), ("test_accuracy", valid + seed / 100)] })
        }
        let report = SweepReport(SweepResults(grid: sweep.grid, folder: sweep.folder))
        let answers = try ReportAnswers(report, questions: ReportQuestions(compare: ("adam", "adam_c")))
        let comparison = try #require(answers.sections[0].comparison)
        #expect(comparison.metric == "test_accuracy")
        #expect(comparison.differences.count == 3 && comparison.differences.allSatisfy { abs($0 - 0.05) < 1e-12 })
        #expect(comparison.verdict == .bBetter)
        #expect(throws: ReportQuestionError.unknownOptimizer("adma", valid: ["adam", "adam_c"])) {
            try ReportAnswers(report, questions: ReportQuestions(compare: ("adma", "adam_c")))
        }
    }

    // MARK: - Maps

    @Test func mapHasTheKnownCellLayoutAndAgreesWithTheStabilityBound() throws {
        let sweep = try SyntheticSweep(#"""
        {"name": "map", "fixed": {"dataset": "synthetic", "model": "mlp", "optimizer": "sgd"},
         "grid": {"batch_size": [8, 64], "lr": [0.5, 1, 2, 4], "momentum": [-0.5, 0, 0.5]}, "seed": [0, 1]}
        """#)
        // Runs diverge where lr ≥ 2(1 + momentum); elsewhere the loss is lr + momentum (+ batch/1000);
        // the setting lr=0.5 momentum=0.5 at batch 64 is never run (pending).
        for index in 0..<sweep.grid.count {
            let c = sweep.grid.configuration(index)
            let lr = c["lr"]!.number!, momentum = c["momentum"]!.number!, batch = c["batch_size"]!.number!
            if batch == 64 && lr == 0.5 && momentum == 0.5 { continue }
            if lr >= 2 * (1 + momentum) {
                try sweep.run(index, status: .diverged, epochs: 1, metrics: { _ in [("valid_loss", 9)] }, selection: "valid_loss")
            } else {
                let loss = lr + momentum + batch / 1000 + Double(c["seed"]!.number!) / 100
                try sweep.run(index, epochs: 1, metrics: { _ in [("valid_loss", loss)] }, selection: "valid_loss")
            }
        }
        let report = SweepReport(SweepResults(grid: sweep.grid, folder: sweep.folder))
        let answers = try ReportAnswers(report, questions: ReportQuestions(map: ("lr", "momentum"), boundary: "lr < 2*(1+momentum)"))
        #expect(answers.maps.count == 2)
        let map = answers.maps[0]
        #expect(map.title == "dataset=synthetic model=mlp · sgd · batch_size=8")
        #expect(map.metric == "valid_loss" && !map.higherIsBetter)
        #expect(map.xValues == [0.5, 1, 2, 4] && map.yValues == [-0.5, 0, 0.5])
        #expect(map.cell(x: 0.5, y: -0.5) == ParameterMap.Cell(mean: 0.008 + 0.005, finished: 2, diverged: 0, runs: 2))
        #expect(abs(map.cell(x: 2, y: 0.5)!.mean! - (2.5 + 0.008 + 0.005)) < 1e-12)
        for (x, y) in [(1.0, -0.5), (2, -0.5), (4, -0.5), (2, 0), (4, 0), (4, 0.5)] {
            #expect(map.cell(x: x, y: y) == ParameterMap.Cell(mean: nil, finished: 0, diverged: 2, runs: 2), "lr=\(x) momentum=\(y)")
        }
        #expect(map.agreement == ParameterMap.Agreement(diverged: 6, divergedOutside: 6, finished: 6, finishedInside: 6))
        let pending = answers.maps[1].cell(x: 0.5, y: 0.5)
        #expect(pending == ParameterMap.Cell(mean: nil, finished: 0, diverged: 0, runs: 2))
        #expect(answers.maps[1].agreement == ParameterMap.Agreement(diverged: 6, divergedOutside: 6, finished: 5, finishedInside: 5))

        #expect(throws: ReportQuestionError.notNumericKey("lrr", valid: ["batch_size", "lr", "momentum"])) {
            try ReportAnswers(report, questions: ReportQuestions(map: ("lrr", "momentum")))
        }
    }

    @Test func boundaryExpressionsParseWithPrecedenceAndSayWhatIsWrong() throws {
        let bound = try BoundaryExpression("lr < 2*(1+momentum)", variables: ["lr", "momentum"])
        #expect(bound.holds([3.9, 1]) && !bound.holds([4, 1]) && !bound.holds([4.1, 1]))
        #expect(bound.margin([1, 0]) == 1)
        let power = try BoundaryExpression("-x^2 + 2*3 >= y / 2 - sqrt(4) + 1e-1", variables: ["x", "y"])
        #expect(abs(power.margin([1, 2]) - (-1 + 6 - (1 - 2 + 0.1))) < 1e-12)
        #expect(throws: BoundaryError.noComparison) { try BoundaryExpression("lr + 1", variables: ["lr", "m"]) }
        #expect(throws: BoundaryError.unknownName("momentun", offset: 10, valid: ["lr", "momentum", "sqrt()", "log()", "exp()", "abs()"])) {
            try BoundaryExpression("lr < 2*(1+momentun)", variables: ["lr", "momentum"])
        }
        #expect(throws: BoundaryError.unexpected(found: "", offset: 9, expected: "\")\"")) {
            try BoundaryExpression("lr < 2*(1", variables: ["lr", "momentum"])
        }
    }

    // MARK: - Files

    @Test func theFolderLinksEveryNewChartAndEachIsWellFormed() throws {
        let sweep = try SyntheticSweep(#"""
        {"name": "files", "fixed": {"dataset": "synthetic"},
         "grid": {"model": ["mlp", "cnn"], "optimizer": ["sgd", "sgd_c"], "lr": [0.5, 1, 2], "momentum": [-0.5, 0, 0.5]}, "seed": [0, 1]}
        """#)
        for index in 0..<sweep.grid.count {
            let c = sweep.grid.configuration(index)
            let lr = c["lr"]!.number!, momentum = c["momentum"]!.number!
            let speed = c["optimizer"]! == .string("sgd_c") ? 2.0 : 1.0
            if lr >= 2 * (1 + momentum) {
                try sweep.run(index, status: .diverged, epochs: 1, metrics: { _ in [("valid_loss", 9)] }, selection: "valid_loss")
            } else {
                try sweep.run(index, epochs: 4, metrics: { e in [("valid_loss", 1 / (speed * lr * Double(e))), ("test_loss", 1.1 / (speed * lr * Double(e)))] },
                              selection: "valid_loss")
            }
        }
        let report = SweepReport(SweepResults(grid: sweep.grid, folder: sweep.folder))
        let answers = try ReportAnswers(report, questions: ReportQuestions(compare: ("sgd", "sgd_c"), map: ("lr", "momentum"),
                                                                           boundary: "lr < 2*(1+momentum)"))
        // sgd_c reaches every target first: its profile is 1 on both tasks.
        #expect(answers.profile?.entries.map(\.optimizer) == ["sgd", "sgd_c"])
        #expect(answers.profile?.entries[1].score == 1)
        let out = sweep.parent + "/answers-out"
        let written = try report.write(to: out, answers: answers)
        let page = try String(contentsOfFile: out + "/index.html", encoding: .utf8)
        let svgs = written.filter { $0.hasSuffix(".svg") }
        for prefix in ["budget-", "target-", "profile.svg", "compare.svg", "map-"] {
            #expect(svgs.contains { $0.hasPrefix(prefix) }, "\(prefix)")
        }
        #expect(svgs.filter { $0.hasPrefix("map-") }.count == 4)
        for file in svgs {
            #expect(page.contains("<img src=\"\(file)\""), "\(file)")
            let svg = try String(contentsOfFile: out + "/" + file, encoding: .utf8)
            #expect(SVGContents.parse(svg) != nil, "\(file)")
        }
        let map = try String(contentsOfFile: out + "/map-1.svg", encoding: .utf8)
        #expect(map.components(separatedBy: "data-state=\"diverged\"").count - 1 == 3)
        #expect(map.components(separatedBy: "data-state=\"value\"").count - 1 == 6)
        #expect(map.contains("class=\"boundary\""))
        #expect(map.contains("diverged cells outside it: 3 of 3; finished cells inside: 6 of 6"))
        for name in ["budget.csv", "profile.csv", "compare.csv", "maps.csv"] { #expect(written.contains(name)) }
        let markdown = try String(contentsOfFile: out + "/report.md", encoding: .utf8)
        #expect(markdown.contains("## Performance profiles") && markdown.contains("## Map: dataset=synthetic model=mlp · sgd"))
        #expect(markdown.contains("| momentum \\ lr | 0.5 | 1 | 2 |"))
        let text = answers.text(top: 10)
        #expect(text.contains("Performance profiles:") && text.contains("Map: dataset=synthetic model=cnn · sgd_c:"))
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= 80 })
    }
}
