// A line chart as a standalone SVG file: title, axes with ticks and labels, one line per series with
// an optional shaded band (mean ± std over seeds), point markers and phase markers, × marks where runs diverged and
// none finished, and a legend below the plot (one row per series, so long labels never overlap the
// data). No scripts, no external fonts or files: it opens in any browser. Every series' elements carry
// `data-series`, so tests can find them.

/// A chart of series of (x, y) points.
public struct SVGChart {
    /// One line of the chart.
    public struct Series {
        public var name: String
        /// Points in x order; non-finite ones break the line.
        public var points: [(x: Double, y: Double)]
        /// Lower and upper edge at each x (same order); empty for no band.
        public var band: [(x: Double, low: Double, high: Double)] = []
        /// Circles on the points (for few points: a sensitivity sweep).
        public var markers = false
        /// x values where no run finished and some diverged: drawn as × on the chart's bottom edge.
        public var diverged: [Double] = []
        /// x values whose points get a phase marker (a ringed dot): the epochs with synthetic gradients on.
        public var marked: [Double] = []

        public init(name: String, points: [(x: Double, y: Double)], band: [(x: Double, low: Double, high: Double)] = [],
                    markers: Bool = false, diverged: [Double] = [], marked: [Double] = []) {
            self.name = name
            self.points = points
            self.band = band
            self.markers = markers
            self.diverged = diverged
            self.marked = marked
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    /// Force a linear (false) or logarithmic (true) axis; nil decides from the values (ChartAxis).
    public var xLogarithmic: Bool?
    public var yLogarithmic: Bool?
    /// What the shaded bands and the × marks mean, under the legend.
    public var bandNote = "shaded: mean ± 1 std over seeds"
    public var crossNote = "×: no run there finished; some diverged"
    /// What the phase markers mean, under the legend, when a series has them.
    public var markNote = "●: marked point"

    public init(title: String, xLabel: String, yLabel: String, series: [Series], xLogarithmic: Bool? = nil,
                yLogarithmic: Bool? = nil) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.xLogarithmic = xLogarithmic
        self.yLogarithmic = yLogarithmic
    }

    /// Colours that stay distinct for colour-blind readers (Okabe and Ito), then greys.
    static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999999"]

    /// The chart as an SVG document.
    public var svg: String {
        let width = 720.0, left = 78.0, right = 24.0, top = 46.0, plotHeight = 300.0
        let plotBottom = top + plotHeight
        let notes = legendNotes
        let legendTop = plotBottom + 58
        let height = legendTop + 20 * Double(series.count + notes.count) + 8

        let xs = series.flatMap { $0.points.map(\.x) + $0.band.map(\.x) + $0.diverged }
        let ys = series.flatMap { $0.points.map(\.y) + $0.band.flatMap { [$0.low, $0.high] } }
        let xAxis = ChartAxis(values: xs, logarithmic: xLogarithmic)
        let yAxis = ChartAxis(values: ys, logarithmic: yLogarithmic)
        // A log axis cannot place values ≤ 0; those points are left out.
        func px(_ x: Double) -> Double? {
            guard x.isFinite, !xAxis.logarithmic || x > 0 else { return nil }
            return xAxis.position(x, from: left, to: width - right)
        }
        func py(_ y: Double) -> Double? {
            guard y.isFinite, !yAxis.logarithmic || y > 0 else { return nil }
            return yAxis.position(y, from: plotBottom, to: top)
        }

        var out = """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(n(width))" height="\(n(height))" viewBox="0 0 \(n(width)) \(n(height))" \
            font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">
            <title>\(escapeXML(title))</title>
            <rect width="100%" height="100%" fill="#ffffff"/>
            <text x="\(n(width / 2))" y="24" text-anchor="middle" font-size="15" font-weight="bold">\(escapeXML(title))</text>

            """
        // Grid lines and tick labels.
        out += "<g class=\"axes\" stroke=\"#e3e3e3\" stroke-width=\"1\">\n"
        for tick in xAxis.ticks { if let x = px(tick) { out += "<line x1=\"\(n(x))\" y1=\"\(n(top))\" x2=\"\(n(x))\" y2=\"\(n(plotBottom))\"/>\n" } }
        for tick in yAxis.ticks { if let y = py(tick) { out += "<line x1=\"\(n(left))\" y1=\"\(n(y))\" x2=\"\(n(width - right))\" y2=\"\(n(y))\"/>\n" } }
        out += "</g>\n"
        out += "<rect class=\"frame\" x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(width - right - left))\" height=\"\(n(plotHeight))\" fill=\"none\" stroke=\"#555555\"/>\n"
        out += "<g class=\"ticks\" fill=\"#333333\">\n"
        for tick in xAxis.ticks where !xAxis.label(tick).isEmpty {
            if let x = px(tick) { out += "<text x=\"\(n(x))\" y=\"\(n(plotBottom + 17))\" text-anchor=\"middle\">\(escapeXML(xAxis.label(tick)))</text>\n" }
        }
        for tick in yAxis.ticks where !yAxis.label(tick).isEmpty {
            if let y = py(tick) { out += "<text x=\"\(n(left - 6))\" y=\"\(n(y + 4))\" text-anchor=\"end\">\(escapeXML(yAxis.label(tick)))</text>\n" }
        }
        out += "</g>\n"
        let xTitle = xLabel + (xAxis.logarithmic ? " (log scale)" : "")
        let yTitle = yLabel + (yAxis.logarithmic ? " (log scale)" : "")
        out += "<text class=\"xlabel\" x=\"\(n((left + width - right) / 2))\" y=\"\(n(plotBottom + 38))\" text-anchor=\"middle\" font-size=\"13\">\(escapeXML(xTitle))</text>\n"
        out += "<text class=\"ylabel\" transform=\"translate(18 \(n(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\" font-size=\"13\">\(escapeXML(yTitle))</text>\n"

        // Bands first, so every line is drawn over every band.
        for (s, line) in series.enumerated() where !line.band.isEmpty {
            let upper = line.band.compactMap { b in px(b.x).flatMap { x in py(b.high).map { (x, $0) } } }
            let lower = line.band.reversed().compactMap { b in px(b.x).flatMap { x in py(b.low).map { (x, $0) } } }
            guard upper.count > 1 else { continue }
            let d = (upper + lower).enumerated().map { "\($0.offset == 0 ? "M" : "L")\(n($0.element.0)) \(n($0.element.1))" }.joined(separator: " ")
            out += "<path class=\"band\" data-series=\"\(escapeXML(line.name))\" d=\"\(d) Z\" fill=\"\(color(s))\" fill-opacity=\"0.18\" stroke=\"none\"/>\n"
        }
        for (s, line) in series.enumerated() {
            var d = "", drawing = false
            for point in line.points {
                guard let x = px(point.x), let y = py(point.y) else { drawing = false; continue }
                d += (d.isEmpty ? "" : " ") + (drawing ? "L" : "M") + "\(n(x)) \(n(y))"
                drawing = true
            }
            out += "<path class=\"series\" data-series=\"\(escapeXML(line.name))\" d=\"\(d)\" fill=\"none\" stroke=\"\(color(s))\" stroke-width=\"2\"\(dash(s))/>\n"
            if line.markers || line.points.count == 1 {
                for point in line.points {
                    if let x = px(point.x), let y = py(point.y) {
                        out += "<circle class=\"marker\" data-series=\"\(escapeXML(line.name))\" cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"3.5\" fill=\"\(color(s))\"/>\n"
                    }
                }
            }
            for point in line.points where line.marked.contains(point.x) {
                if let x = px(point.x), let y = py(point.y) {
                    out += "<circle class=\"phase\" data-series=\"\(escapeXML(line.name))\" cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"4\" fill=\"\(color(s))\" stroke=\"#ffffff\" stroke-width=\"1.5\"/>\n"
                }
            }
            for value in line.diverged {
                guard let x = px(value) else { continue }
                let y = plotBottom - 8 - 4 * Double(s % 3)
                out += "<path class=\"diverged\" data-series=\"\(escapeXML(line.name))\" d=\"M\(n(x - 4)) \(n(y - 4)) L\(n(x + 4)) \(n(y + 4)) M\(n(x - 4)) \(n(y + 4)) L\(n(x + 4)) \(n(y - 4))\" stroke=\"\(color(s))\" stroke-width=\"2\"/>\n"
            }
        }

        out += "<g class=\"legend\">\n"
        for (s, line) in series.enumerated() {
            let y = legendTop + 20 * Double(s)
            out += "<line x1=\"\(n(left))\" y1=\"\(n(y))\" x2=\"\(n(left + 26))\" y2=\"\(n(y))\" stroke=\"\(color(s))\" stroke-width=\"3\"\(dash(s))/>\n"
            out += "<text x=\"\(n(left + 34))\" y=\"\(n(y + 4))\">\(escapeXML(line.name))</text>\n"
        }
        for (k, note) in notes.enumerated() {
            let y = legendTop + 20 * Double(series.count + k)
            out += "<text x=\"\(n(left))\" y=\"\(n(y + 4))\" fill=\"#555555\">\(escapeXML(note))</text>\n"
        }
        out += "</g>\n</svg>\n"
        return out
    }

    /// Lines under the legend explaining bands and × marks, when the chart has them.
    private var legendNotes: [String] {
        var notes: [String] = []
        if series.contains(where: { !$0.band.isEmpty }) { notes.append(bandNote) }
        if series.contains(where: { !$0.diverged.isEmpty }) { notes.append(crossNote) }
        if series.contains(where: { !$0.marked.isEmpty }) { notes.append(markNote) }
        return notes
    }

    private func color(_ s: Int) -> String { Self.palette[s % Self.palette.count] }

    /// Past the palette, lines are told apart by dashes.
    private func dash(_ s: Int) -> String {
        s < Self.palette.count ? "" : " stroke-dasharray=\"\(s / Self.palette.count == 1 ? "6 3" : "2 3")\""
    }

    /// Pixel coordinates with one decimal.
    private func n(_ x: Double) -> String {
        let rounded = (x * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
