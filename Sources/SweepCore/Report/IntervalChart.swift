// Paired comparisons drawn as a forest plot: one row per task, the per-seed differences as dots, the
// confidence interval as a bar with its mean, and a line at zero; an interval clear of the line is a
// difference the seeds back.
import Foundation

/// A forest plot of paired comparisons.
public struct IntervalChart {
    public var title: String
    /// One row per task: its name and comparison.
    public var rows: [(task: String, comparison: PairedComparison)]

    public init(title: String, rows: [(task: String, comparison: PairedComparison)]) {
        self.title = title
        self.rows = rows
    }

    public var svg: String {
        let width = 720.0, left = 40.0, right = 40.0, top = 46.0, rowHeight = 54.0
        let plotBottom = top + rowHeight * Double(rows.count)
        var values = [0.0]
        for row in rows {
            values += row.comparison.differences
            if let i = row.comparison.interval { values += [i.low, i.high] }
        }
        let axis = ChartAxis(values: values, logarithmic: false)
        func px(_ x: Double) -> Double { axis.position(x, from: left, to: width - right) }
        let metric = rows.first?.comparison.metric ?? ""
        let pair = rows.first.map { "\($0.comparison.b) − \($0.comparison.a)" } ?? ""
        let height = plotBottom + 80
        var out = """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(n(width))" height="\(n(height))" viewBox="0 0 \(n(width)) \(n(height))" \
            font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">
            <title>\(escapeXML(title))</title>
            <rect width="100%" height="100%" fill="#ffffff"/>
            <text x="\(n(width / 2))" y="24" text-anchor="middle" font-size="15" font-weight="bold">\(escapeXML(title))</text>

            """
        out += "<g class=\"axes\" stroke=\"#e3e3e3\">\n"
        for tick in axis.ticks { out += "<line x1=\"\(n(px(tick)))\" y1=\"\(n(top))\" x2=\"\(n(px(tick)))\" y2=\"\(n(plotBottom))\"/>\n" }
        out += "</g>\n<g class=\"ticks\" fill=\"#333333\">\n"
        for tick in axis.ticks {
            out += "<text x=\"\(n(px(tick)))\" y=\"\(n(plotBottom + 17))\" text-anchor=\"middle\">\(escapeXML(axis.label(tick)))</text>\n"
        }
        out += "</g>\n"
        out += "<line class=\"zero\" x1=\"\(n(px(0)))\" y1=\"\(n(top))\" x2=\"\(n(px(0)))\" y2=\"\(n(plotBottom))\" stroke=\"#555555\" stroke-dasharray=\"4 3\"/>\n"
        for (k, row) in rows.enumerated() {
            let y = top + rowHeight * (Double(k) + 0.62)
            let c = row.comparison
            out += "<text x=\"\(n(left))\" y=\"\(n(y - 20))\" fill=\"#333333\">\(escapeXML(row.task + ": " + c.verdictText))</text>\n"
            for d in c.differences {
                out += "<circle class=\"difference\" cx=\"\(n(px(d)))\" cy=\"\(n(y))\" r=\"3\" fill=\"#999999\" fill-opacity=\"0.7\"/>\n"
            }
            let color = c.verdict == .noClearDifference || c.verdict == .tooFewPairs ? "#555555" : "#0072B2"
            if let i = c.interval {
                out += "<line class=\"interval\" x1=\"\(n(px(i.low)))\" y1=\"\(n(y))\" x2=\"\(n(px(i.high)))\" y2=\"\(n(y))\" stroke=\"\(color)\" stroke-width=\"4\"/>\n"
            }
            if let mean = c.mean { out += "<circle class=\"mean\" cx=\"\(n(px(mean)))\" cy=\"\(n(y))\" r=\"5\" fill=\"\(color)\"/>\n" }
        }
        out += "<text class=\"xlabel\" x=\"\(n(width / 2))\" y=\"\(n(plotBottom + 38))\" text-anchor=\"middle\" font-size=\"13\">\(escapeXML("\(pair) in \(metric) (per seed)"))</text>\n"
        let confidence = rows.first.map { "\(Int($0.comparison.confidence * 100))%" } ?? ""
        out += "<text x=\"\(n(left))\" y=\"\(n(plotBottom + 62))\" fill=\"#555555\">\(escapeXML("dots: seeds; bar: \(confidence) Student t interval of the mean difference; blue: it excludes 0"))</text>\n"
        return out + "</svg>\n"
    }

    private func n(_ x: Double) -> String {
        let rounded = (x * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
