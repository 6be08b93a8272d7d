import Testing
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import SweepCore

/// What an SVG file holds, read with Foundation's XML parser (which fails on anything not well formed).
final class SVGContents: NSObject, XMLParserDelegate {
    /// (class, data-series) of every element that has a data-series attribute.
    var seriesElements: [(kind: String, series: String)] = []
    /// Path data of the `series` lines, by series name.
    var lines: [String: String] = [:]
    var texts: [String] = []
    private var text = ""
    var rootName: String?

    /// Parses `svg`; nil when it is not well-formed XML.
    static func parse(_ svg: String) -> SVGContents? {
        let contents = SVGContents()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = contents
        return parser.parse() ? contents : nil
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        if rootName == nil { rootName = name }
        text = ""
        if let series = attributes["data-series"] {
            seriesElements.append((attributes["class"] ?? name, series))
            if attributes["class"] == "series" { lines[series] = attributes["d"] }
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text" || name == "title" { texts.append(text) }
        text = ""
    }
}

@Suite struct ReportChartsTests {
    @Test func chartsAreWellFormedSVGWithTheExpectedSeries() throws {
        let sweep = try ReportTests.sweep()
        let report = SweepReport(SweepResults(grid: sweep.grid, folder: sweep.folder))
        let (sections, powerLaw) = report.charts()
        #expect(powerLaw.isEmpty)
        let files = sections[0].map(\.file)
        #expect(files == ["curves-dataset-synthetic-model-mlp-valid_accuracy.svg", "curves-dataset-synthetic-model-mlp-train_loss.svg",
                          "sensitivity-dataset-synthetic-model-mlp-lr.svg", "sensitivity-dataset-synthetic-model-mlp-topc.svg"])
        let charts = try sections[0].map { try #require(SVGContents.parse($0.chart.svg), "\($0.file) is not well-formed XML") }
        #expect(charts.allSatisfy { $0.rootName == "svg" })

        // Learning curves: one line and one band per optimizer's best setting.
        let curves = charts[0]
        #expect(curves.seriesElements.filter { $0.kind == "series" }.map(\.series) == ["sgd_c: lr=0.01 topC=5 (n=3)", "adam: lr=0.001 (n=2)"])
        #expect(curves.seriesElements.filter { $0.kind == "band" }.count == 2)
        #expect(curves.texts.contains("valid_accuracy: best setting per optimizer (dataset=synthetic model=mlp)"))
        #expect(curves.texts.contains("epoch") && curves.texts.contains("valid_accuracy"))
        #expect(curves.texts.contains("shaded: mean ± 1 std over seeds"))
        // Four epochs: a move and three segments.
        #expect(curves.lines["adam: lr=0.001 (n=2)"]!.split(separator: "L").count == 4)

        // Sensitivity to lr: both optimizers; every adam seed at lr=0.01 diverged, drawn as ×.
        let lr = charts[2]
        #expect(lr.seriesElements.filter { $0.kind == "series" }.map(\.series) == ["sgd_c", "adam"])
        #expect(lr.seriesElements.filter { $0.kind == "marker" && $0.series == "sgd_c" }.count == 2)
        #expect(lr.seriesElements.filter { $0.kind == "marker" && $0.series == "adam" }.count == 1)
        #expect(lr.seriesElements.filter { $0.kind == "diverged" }.map(\.series) == ["adam"])
        #expect(lr.texts.contains("×: no run there finished; some diverged"))
        // topC only for the critical-gradient optimizer.
        #expect(charts[3].seriesElements.filter { $0.kind == "series" }.map(\.series) == ["sgd_c"])
    }

    @Test func powerLawRegimesShareAChartPerSetting() throws {
        let grid = #"""
        {"name": "pl", "fixed": {"dataset": "powerlaw", "epochs": 1},
         "grid": {"alpha": [1.5, 2.0], "model": ["powerlaw_nn", "linearized", "averaged", "spectral_diagonal"]}, "seed": [0, 1]}
        """#
        let sweep = try SyntheticSweep(grid)
        let steps: [Double] = [1, 10, 100, 1000, 10000]
        for index in 0..<sweep.grid.count {
            let model = index / 2 % 4, seed = index % 2
            let loss = steps.map { pow($0, -0.5 - 0.1 * Double(model)) * (1 + 0.1 * Double(seed)) }
            try sweep.run(index, epochs: 1, metrics: { _ in [("train_loss", loss.last!)] },
                          details: [("curve", .object(["step": .array(steps.map { .number($0) }), "loss": .array(loss.map { .number($0) })]))],
                          recordBest: false)
        }
        let report = SweepReport(SweepResults(grid: sweep.grid, folder: sweep.folder))
        #expect(report.sections.count == 4)
        let powerLaw = report.charts().powerLaw
        #expect(powerLaw.map(\.file) == ["powerlaw-1.svg", "powerlaw-2.svg"])
        #expect(powerLaw[0].chart.title == "loss curves: alpha=1.5")
        let svg = try #require(SVGContents.parse(powerLaw[0].chart.svg))
        #expect(svg.seriesElements.filter { $0.kind == "series" }.map(\.series)
                == ["powerlaw_nn (n=2)", "linearized (n=2)", "averaged (n=2)", "spectral_diagonal (n=2)"])
        #expect(svg.texts.contains("step (log scale)") && svg.texts.contains("loss (log scale)"))
        // The mean over seeds: factor (1 + 0.05) on the seedless curve.
        let series = powerLaw[0].chart.series[1]
        #expect(series.points.map(\.x) == steps)
        #expect(abs(series.points[2].y - pow(100, -0.6) * 1.05) < 1e-12)
    }

    /// Keys only some regimes take (runs, tau) name series rather than split the setting's chart.
    @Test func regimeSpecificKeysNameTheSeries() throws {
        let grid = #"""
        {"name": "pl2", "fixed": {"dataset": "powerlaw", "epochs": 1},
         "grid": [{"alpha": [1.5, 2.0], "model": "linearized", "runs": 10},
                  {"alpha": [1.5, 2.0], "model": "averaged"},
                  {"alpha": [1.5, 2.0], "model": "spectral_diagonal", "tau": [1, -1]}]}
        """#
        let sweep = try SyntheticSweep(grid)
        let steps: [Double] = [0, 1, 2]
        for index in 0..<sweep.grid.count {
            try sweep.run(index, epochs: 1, metrics: { _ in [("train_loss", 0.5)] },
                          details: [("curve", .object(["step": .array(steps.map { .number($0) }), "loss": .array([.number(1), .number(0.7), .number(0.5)])]))],
                          recordBest: false)
        }
        let powerLaw = SweepReport(SweepResults(grid: sweep.grid, folder: sweep.folder)).charts().powerLaw
        #expect(powerLaw.map(\.chart.title) == ["loss curves: alpha=1.5", "loss curves: alpha=2"])
        #expect(powerLaw[0].chart.series.map(\.name)
                == ["linearized runs=10 (n=1)", "averaged (n=1)", "spectral_diagonal tau=1 (n=1)", "spectral_diagonal tau=-1 (n=1)"])
    }

    @Test func theReportFolderHoldsAPageLinkingEveryChart() throws {
        let sweep = try ReportTests.sweep()
        let report = SweepReport(SweepResults(grid: sweep.grid, folder: sweep.folder))
        let out = sweep.parent + "/report-out"
        let written = try report.write(to: out)
        #expect(written.prefix(3) == ["index.html", "report.md", "report.csv"])
        let page = try String(contentsOfFile: out + "/index.html", encoding: .utf8)
        for file in written where file.hasSuffix(".svg") {
            #expect(page.contains("<img src=\"\(file)\""))
            let svg = try String(contentsOfFile: out + "/" + file, encoding: .utf8)
            #expect(SVGContents.parse(svg) != nil)
        }
        #expect(page.contains("<th>optimizer</th><th>lr</th><th>topC</th><th class=\"n\">n</th>"))
        #expect(page.contains("<td>sgd_c</td><td>0.01</td><td>5</td><td class=\"n\">3/3</td>"))
        #expect(try String(contentsOfFile: out + "/report.csv", encoding: .utf8) == report.csv)
        #expect(!FileManager.default.fileExists(atPath: out + "/index.html.tmp-\(getpid())"))
    }

    /// Runs logging `sg_on` (the alternating-SG recipe) get perplexity curves of every arm with a dot on
    /// each epoch whose synthetic gradients were on in all of the arm's runs.
    @Test func syntheticGradientPhasesAreMarkedPerArm() throws {
        let grid = #"""
        {"name": "sg", "fixed": {"dataset": "ptb", "model": "qrnn_lm", "optimizer": "adam", "epochs": 5},
         "grid": [{"use_sg": false}, {"use_sg": true, "mixture": true}, {"use_sg": true, "whenswitch": [[2]]}], "seed": [0, 1]}
        """#
        let sweep = try SyntheticSweep(grid)
        // Arms (index / 2): BPTT, SG in epochs 3–4 (alternating), SG from epoch 2 on; seed 1 of the
        // alternating arm has SG off in epoch 4, so only epoch 3 is on in both of its runs.
        let on: [[Int]] = [[], [], [3, 4], [3], [2, 3, 4, 5], [2, 3, 4, 5]]
        for index in 0..<6 {
            try sweep.run(index, epochs: 5, metrics: { epoch in
                [("train_perplexity", 300.0 / Double(epoch)), ("valid_perplexity", 400.0 / Double(epoch) + Double(index)),
                 ("sg_on", on[index].contains(epoch) ? 1 : 0)]
            }, selection: "valid_perplexity", recordBest: false)
        }
        let report = SweepReport(SweepResults(grid: sweep.grid, folder: sweep.folder))
        let charts = report.charts().sections[0]
        let phases = charts.filter { $0.file.hasPrefix("phases-") }
        #expect(phases.map(\.file) == ["phases-dataset-ptb-model-qrnn_lm-valid_perplexity.svg",
                                       "phases-dataset-ptb-model-qrnn_lm-train_perplexity.svg"])
        let svg = try #require(SVGContents.parse(phases[0].chart.svg))
        let arms = ["use_sg=false (n=2)", "use_sg=true mixture=true (n=2)", "use_sg=true whenswitch=[2] (n=2)"]
        #expect(Set(svg.seriesElements.filter { $0.kind == "series" }.map(\.series)) == Set(arms))
        let dots = svg.seriesElements.filter { $0.kind == "phase" }
        #expect(dots.filter { $0.series == arms[0] }.isEmpty)
        #expect(dots.filter { $0.series == arms[1] }.count == 1)
        #expect(dots.filter { $0.series == arms[2] }.count == 4)
        #expect(svg.texts.contains { $0.hasPrefix("●: synthetic gradients on") })
        let alternating = try #require(phases[0].chart.series.first { $0.name == arms[1] })
        #expect(alternating.marked == [3])
        let expected = (1...5).map { 400 / Double($0) + 2.5 }
        #expect(zip(alternating.points.map(\.y), expected).allSatisfy { abs($0 - $1) < 1e-9 })
        // Runs without `sg_on` get no such chart.
        let plain = try ReportTests.sweep()
        #expect(SweepReport(SweepResults(grid: plain.grid, folder: plain.folder)).charts().sections[0].allSatisfy { !$0.file.hasPrefix("phases-") })
    }

    @Test func axesChooseLogScalesForValuesSpanningDecades() {
        let lr = ChartAxis(values: [1e-5, 1e-3, 0.1])
        #expect(lr.logarithmic && lr.low == 1e-5 && lr.high == 0.1)
        #expect(lr.ticks.map { lr.label($0) } == ["10⁻⁵", "10⁻⁴", "10⁻³", "10⁻²", "10⁻¹"])
        let accuracy = ChartAxis(values: [0.52, 0.97])
        #expect(!accuracy.logarithmic)
        #expect(accuracy.ticks.map { accuracy.label($0) } == ["0.5", "0.6", "0.7", "0.8", "0.9", "1.0"])
        let narrow = ChartAxis(values: [0.05, 0.3])
        #expect(!narrow.logarithmic)
        let oneDecade = ChartAxis(values: [0.05, 0.85])
        #expect(oneDecade.logarithmic)
        #expect(!ChartAxis(values: [0.05, 0.85], logarithmic: false).logarithmic)
        #expect(SweepReport.linearOnly("valid_accuracy") == false && SweepReport.linearOnly("valid_loss") == nil)
        let withNegative = ChartAxis(values: [-1, 1000])
        #expect(!withNegative.logarithmic)
        let twoDecades = ChartAxis(values: [0.01, 1])
        #expect(twoDecades.logarithmic && twoDecades.ticks.map { twoDecades.label($0) } == ["0.01", "0.02", "0.05", "0.1", "0.2", "0.5", "1"])
        let lrTwoDecades = ChartAxis(values: [0.001, 0.1])
        #expect(lrTwoDecades.ticks.map { lrTwoDecades.label($0) } == ["10⁻³", "", "", "10⁻²", "", "", "10⁻¹"])
        let epochs = ChartAxis(values: [1, 2, 3])
        #expect(epochs.ticks == [1, 2, 3])
        #expect(SweepReport.slug("dataset=cifar10 model=ResNet") == "dataset-cifar10-model-resnet")
    }
}
