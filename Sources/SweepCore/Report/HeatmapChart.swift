// A ParameterMap drawn as a standalone SVG heatmap: one coloured cell per setting (viridis, better
// values not singled out, so the scale reads the same for losses and accuracies), × on cells whose
// seeds all diverged and a count on those where some did, and the boundary, if any, traced through the
// cells as the zero line of its margin (marching squares on a fine sampling, each axis interpolated
// between the cell centres so that the line passes each cell at the value it stands for).
import Foundation

/// A heatmap of one map.
public struct HeatmapChart {
    public var map: ParameterMap

    public init(map: ParameterMap) { self.map = map }

    /// Viridis at five stops (perceptually even, readable in grey and by colour-blind readers).
    static let stops: [(Double, Double, Double)] = [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)]

    static func color(_ t: Double) -> String {
        let x = min(max(t, 0), 1) * Double(stops.count - 1)
        let k = min(Int(x), stops.count - 2), f = x - Double(k)
        let (a, b) = (stops[k], stops[k + 1])
        func channel(_ p: Double, _ q: Double) -> Int { Int((p + f * (q - p)).rounded()) }
        return String(format: "#%02x%02x%02x", channel(a.0, b.0), channel(a.1, b.1), channel(a.2, b.2))
    }

    public var title: String { "\(map.metric) over \(map.xKey) × \(map.yKey): \(map.title)" }

    /// The chart as an SVG document.
    public var svg: String {
        let width = 720.0, left = 92.0, right = 24.0, top = 62.0, plotHeight = 300.0
        let nx = map.xValues.count, ny = map.yValues.count
        let cellWidth = (width - left - right) / Double(nx), cellHeight = plotHeight / Double(ny)
        let plotBottom = top + plotHeight
        let values = map.cells.flatMap { $0.compactMap { $0?.mean } }.filter(\.isFinite)
        let low = values.min() ?? 0, high = values.max() ?? 1
        // Losses spanning decades are coloured by their logarithm, or a few explosive cells would wash the rest out.
        let logarithmic = low > 0 && high / low >= 100
        func shade(_ v: Double) -> Double {
            guard high > low else { return 0.5 }
            return logarithmic ? (log10(v) - log10(low)) / (log10(high) - log10(low)) : (v - low) / (high - low)
        }
        func cellX(_ i: Int) -> Double { left + Double(i) * cellWidth }
        func cellY(_ j: Int) -> Double { plotBottom - Double(j + 1) * cellHeight }

        var notes: [String] = []
        var out = """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(n(width))" height="HEIGHT" viewBox="0 0 \(n(width)) HEIGHT" \
            font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">
            <title>\(escapeXML(title))</title>
            <rect width="100%" height="100%" fill="#ffffff"/>
            <text x="\(n(width / 2))" y="22" text-anchor="middle" font-size="15" font-weight="bold">\(escapeXML("\(map.metric) over \(map.xKey) × \(map.yKey)"))</text>
            <text x="\(n(width / 2))" y="42" text-anchor="middle" font-size="12">\(escapeXML(map.title))</text>

            """
        var diverged = false, partial = false, missing = false
        for j in 0..<ny {
            for i in 0..<nx {
                let x = cellX(i), y = cellY(j)
                let attributes = "data-x=\"\(escapeXML(formatSignificant(map.xValues[i], digits: 6)))\" data-y=\"\(escapeXML(formatSignificant(map.yValues[j], digits: 6)))\""
                let box = "x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(cellWidth))\" height=\"\(n(cellHeight))\""
                guard let cell = map.cells[j][i] else {
                    out += "<rect class=\"cell\" data-state=\"absent\" \(attributes) \(box) fill=\"#ffffff\" stroke=\"#eeeeee\"/>\n"
                    continue
                }
                if let mean = cell.mean, mean.isFinite {
                    let t = shade(mean)
                    out += "<rect class=\"cell\" data-state=\"\(cell.diverged > 0 ? "partial" : "value")\" \(attributes) \(box) fill=\"\(Self.color(t))\" stroke=\"#ffffff\"/>\n"
                    if cellWidth >= 44 && cellHeight >= 16 {
                        let ink = t > 0.6 ? "#000000" : "#ffffff"
                        let label = formatSignificant(mean, digits: 3) + (cell.diverged > 0 ? " ×\(cell.diverged)" : "")
                        out += "<text x=\"\(n(x + cellWidth / 2))\" y=\"\(n(y + cellHeight / 2 + 4))\" text-anchor=\"middle\" font-size=\"11\" fill=\"\(ink)\">\(escapeXML(label))</text>\n"
                    } else if cell.diverged > 0 {
                        out += "<circle cx=\"\(n(x + cellWidth - 5))\" cy=\"\(n(y + 5))\" r=\"3\" fill=\"#d7301f\"/>\n"
                    }
                    if cell.diverged > 0 { partial = true }
                } else if cell.diverged > 0 {
                    diverged = true
                    out += "<rect class=\"cell\" data-state=\"diverged\" \(attributes) \(box) fill=\"#f2f2f2\" stroke=\"#ffffff\"/>\n"
                    let cx = x + cellWidth / 2, cy = y + cellHeight / 2, r = min(cellWidth, cellHeight) * 0.25
                    out += "<path d=\"M\(n(cx - r)) \(n(cy - r)) L\(n(cx + r)) \(n(cy + r)) M\(n(cx - r)) \(n(cy + r)) L\(n(cx + r)) \(n(cy - r))\" stroke=\"#d7301f\" stroke-width=\"2\"/>\n"
                } else {
                    missing = true
                    out += "<rect class=\"cell\" data-state=\"pending\" \(attributes) \(box) fill=\"#ffffff\" stroke=\"#dddddd\"/>\n"
                    out += "<text x=\"\(n(x + cellWidth / 2))\" y=\"\(n(y + cellHeight / 2 + 4))\" text-anchor=\"middle\" fill=\"#999999\">–</text>\n"
                }
            }
        }
        out += "<rect class=\"frame\" x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(width - left - right))\" height=\"\(n(plotHeight))\" fill=\"none\" stroke=\"#555555\"/>\n"

        // Tick labels at the cell centres; every other one when they would crowd.
        let xStep = cellWidth < 36 ? Int((36 / cellWidth).rounded(.up)) : 1
        let yStep = cellHeight < 14 ? Int((14 / cellHeight).rounded(.up)) : 1
        out += "<g class=\"ticks\" fill=\"#333333\">\n"
        for i in Swift.stride(from: 0, to: nx, by: xStep) {
            out += "<text x=\"\(n(cellX(i) + cellWidth / 2))\" y=\"\(n(plotBottom + 16))\" text-anchor=\"middle\">\(escapeXML(formatSignificant(map.xValues[i], digits: 3)))</text>\n"
        }
        for j in Swift.stride(from: 0, to: ny, by: yStep) {
            out += "<text x=\"\(n(left - 6))\" y=\"\(n(cellY(j) + cellHeight / 2 + 4))\" text-anchor=\"end\">\(escapeXML(formatSignificant(map.yValues[j], digits: 3)))</text>\n"
        }
        out += "</g>\n"
        out += "<text class=\"xlabel\" x=\"\(n((left + width - right) / 2))\" y=\"\(n(plotBottom + 36))\" text-anchor=\"middle\" font-size=\"13\">\(escapeXML(map.xKey))</text>\n"
        out += "<text class=\"ylabel\" transform=\"translate(18 \(n(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\" font-size=\"13\">\(escapeXML(map.yKey))</text>\n"

        if let boundary = map.boundary {
            let d = boundaryPath(boundary, left: left, bottom: plotBottom, cellWidth: cellWidth, cellHeight: cellHeight)
            if !d.isEmpty {
                out += "<path d=\"\(d)\" fill=\"none\" stroke=\"#ffffff\" stroke-width=\"5\" stroke-linecap=\"round\"/>\n"
                out += "<path class=\"boundary\" d=\"\(d)\" fill=\"none\" stroke=\"#d7301f\" stroke-width=\"2.5\" stroke-linecap=\"round\"/>\n"
            }
            notes.append("red line: \(boundary.text)")
            if let a = map.agreement {
                notes.append("diverged cells outside it: \(a.divergedOutside) of \(a.diverged); finished cells inside: \(a.finishedInside) of \(a.finished)")
            }
        }

        // Colour bar and notes below the plot.
        let barTop = plotBottom + 52, barLeft = left, barWidth = 240.0
        out += "<defs><linearGradient id=\"scale\" x1=\"0\" x2=\"1\" y1=\"0\" y2=\"0\">"
        for (k, _) in Self.stops.enumerated() {
            let t = Double(k) / Double(Self.stops.count - 1)
            out += "<stop offset=\"\(n(t * 100))%\" stop-color=\"\(Self.color(t))\"/>"
        }
        out += "</linearGradient></defs>\n"
        out += "<rect x=\"\(n(barLeft))\" y=\"\(n(barTop))\" width=\"\(n(barWidth))\" height=\"12\" fill=\"url(#scale)\"/>\n"
        out += "<text x=\"\(n(barLeft))\" y=\"\(n(barTop + 26))\">\(escapeXML(formatSignificant(low, digits: 3)))</text>\n"
        out += "<text x=\"\(n(barLeft + barWidth))\" y=\"\(n(barTop + 26))\" text-anchor=\"end\">\(escapeXML(formatSignificant(high, digits: 3)))</text>\n"
        let scale = "mean over finished seeds, \(map.higherIsBetter ? "higher" : "lower") is better\(logarithmic ? ", log scale" : "")"
        out += "<text x=\"\(n(barLeft + barWidth + 12))\" y=\"\(n(barTop + 10))\">\(escapeXML(map.metric))</text>\n"
        notes.insert("colour: \(scale)", at: 0)
        if diverged { notes.append("×: every seed diverged") }
        if partial { notes.append("×n after a value: n seeds diverged, the value is the mean of the others") }
        if missing { notes.append("–: no finished or diverged run yet") }
        var y = barTop + 50
        for note in notes {
            out += "<text x=\"\(n(left))\" y=\"\(n(y))\" fill=\"#555555\">\(escapeXML(note))</text>\n"
            y += 20
        }
        out += "</svg>\n"
        return out.replacingOccurrences(of: "HEIGHT", with: n(y))
    }

    /// The zero line of the boundary's margin, as path segments in pixels. The plane is sampled at
    /// `resolution` points per cell; u in [0, nx] is a position across the cells (the centre of cell i
    /// at i + 0.5), mapped to a key value by interpolating between neighbouring centres.
    func boundaryPath(_ boundary: BoundaryExpression, left: Double, bottom: Double, cellWidth: Double, cellHeight: Double) -> String {
        let nx = map.xValues.count, ny = map.yValues.count
        let resolution = max(4, 80 / max(nx, ny))
        let sx = nx * resolution, sy = ny * resolution
        let xAt = Self.interpolator(map.xValues), yAt = Self.interpolator(map.yValues)
        var margin = [[Double]](repeating: [Double](repeating: .nan, count: sx + 1), count: sy + 1)
        for b in 0...sy {
            for a in 0...sx {
                margin[b][a] = boundary.margin([xAt(Double(a) / Double(resolution)), yAt(Double(b) / Double(resolution))])
            }
        }
        func point(_ a: Double, _ b: Double) -> String {
            "\(n(left + a / Double(resolution) * cellWidth)) \(n(bottom - b / Double(resolution) * cellHeight))"
        }
        var d = ""
        for b in 0..<sy {
            for a in 0..<sx {
                // Corners counter-clockwise from bottom left, and the edges between them.
                let corners = [(a, b), (a + 1, b), (a + 1, b + 1), (a, b + 1)]
                let m = corners.map { margin[$0.1][$0.0] }
                guard m.allSatisfy(\.isFinite) else { continue }
                var crossings: [(Double, Double)] = []
                for e in 0..<4 {
                    let (p, q) = (e, (e + 1) % 4)
                    guard (m[p] > 0) != (m[q] > 0) else { continue }
                    let t = m[p] / (m[p] - m[q])
                    crossings.append((Double(corners[p].0) + t * Double(corners[q].0 - corners[p].0),
                                      Double(corners[p].1) + t * Double(corners[q].1 - corners[p].1)))
                }
                for k in Swift.stride(from: 0, to: crossings.count - 1, by: 2) {
                    d += "M\(point(crossings[k].0, crossings[k].1)) L\(point(crossings[k + 1].0, crossings[k + 1].1)) "
                }
            }
        }
        return String(d.dropLast())
    }

    /// Position u (cell i's centre at i + 0.5) to value: linear between neighbouring centres, in
    /// logarithms when the values are positive and span a decade (learning rates), extended past the
    /// outer centres with the outer steps.
    static func interpolator(_ values: [Double]) -> (Double) -> Double {
        let logarithmic = values.allSatisfy { $0 > 0 } && values.max()! / values.min()! >= 10
        let axis = logarithmic ? values.map(log10) : values
        return { u in
            let position = u - 0.5
            let k = min(max(Int(position.rounded(.down)), 0), axis.count - 2)
            let v = axis[k] + (position - Double(k)) * (axis[k + 1] - axis[k])
            return logarithmic ? pow(10, v) : v
        }
    }

    private func n(_ x: Double) -> String {
        let rounded = (x * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
