// A 2-D map of a metric over two swept numeric keys (`--map lr,momentum`): one cell per pair of
// values, holding the mean over seeds, the seeds that finished and those that diverged. One map per
// section, optimizer and combination of the other keys that vary (a batch size, say), so that each
// cell is one setting. An optional boundary (an inequality in the two keys) is checked against the
// cells: diverged cells should lie where it fails, finished ones where it holds.

/// One map: x values across, y values down, a cell per setting.
public struct ParameterMap: Sendable {
    public struct Cell: Sendable, Equatable {
        /// Mean of the metric over the seeds that finished; nil when none did.
        public var mean: Double?
        public var finished: Int
        public var diverged: Int
        /// Seeds of the setting, whatever their state.
        public var runs: Int
    }

    public var xKey: String
    public var yKey: String
    public var metric: String
    public var higherIsBetter: Bool
    /// "dataset=mnist model=fc · sgd · batch_size=8": what the map holds fixed.
    public var title: String
    /// Distinct values, ascending.
    public var xValues: [Double]
    public var yValues: [Double]
    /// cells[y][x]; nil where the grid has no such setting.
    public var cells: [[Cell?]]
    public var boundary: BoundaryExpression?

    /// How far the cells agree with the boundary, judged at each cell's (x, y).
    public struct Agreement: Sendable, Equatable {
        /// Cells with a diverged seed, and those of them where the boundary fails.
        public var diverged: Int
        public var divergedOutside: Int
        /// Cells whose seeds all finished, and those of them where the boundary holds.
        public var finished: Int
        public var finishedInside: Int
    }

    public var agreement: Agreement? {
        guard let boundary else { return nil }
        var result = Agreement(diverged: 0, divergedOutside: 0, finished: 0, finishedInside: 0)
        for (j, row) in cells.enumerated() {
            for (i, cell) in row.enumerated() {
                guard let cell else { continue }
                let inside = boundary.holds([xValues[i], yValues[j]])
                if cell.diverged > 0 {
                    result.diverged += 1
                    if !inside { result.divergedOutside += 1 }
                } else if cell.finished > 0 {
                    result.finished += 1
                    if inside { result.finishedInside += 1 }
                }
            }
        }
        return result
    }

    /// The cell at (x, y), if the grid has that setting.
    public func cell(x: Double, y: Double) -> Cell? {
        guard let i = xValues.firstIndex(of: x), let j = yValues.firstIndex(of: y) else { return nil }
        return cells[j][i]
    }
}

extension SweepReport {
    /// Numeric keys with two or more values across the grid: the keys a map can take.
    public var mappableKeys: [String] {
        let constant = results.grid.constantValues
        return results.grid.keysInFileOrder.filter { key in
            guard key != "seed", constant[key] == nil else { return false }
            let values = sections.flatMap { $0.optimizers.flatMap(\.groups) }.compactMap { $0.value(key)?.number }
            return Set(values).count >= 2
        }
    }

    /// The maps of `x` and `y`: per section, optimizer and combination of the other varying keys, those
    /// with two values or more on each axis. The metric is the section's selection metric (at each
    /// run's best epoch), else the final training loss (the power-law regimes report only that).
    public func maps(x: String, y: String, boundary: String?) throws -> [ParameterMap] {
        let valid = mappableKeys
        for key in [x, y] where !valid.contains(key) { throw ReportQuestionError.notNumericKey(key, valid: valid) }
        let expression = try boundary.map { text in
            do { return try BoundaryExpression(text, variables: [x, y]) } catch let error as BoundaryError {
                throw ReportQuestionError.boundary(error)
            }
        }
        var maps: [ParameterMap] = []
        for section in sections {
            let metric: String
            let higher: Bool
            if let selection = section.selection {
                metric = selection
                higher = section.higherIsBetter
            } else if let loss = metrics.first(where: { $0 == "train_loss" }) ?? metrics.first(where: { MetricNames.higherIsBetter($0) != nil }) {
                metric = loss
                higher = MetricNames.higherIsBetter(loss) ?? false
            } else {
                continue
            }
            for block in section.optimizers {
                let others = block.varyingKeys.filter { $0 != x && $0 != y }
                var slices: [String] = []
                var members: [String: [Group]] = [:]
                for group in block.groups where group.value(x)?.number != nil && group.value(y)?.number != nil {
                    let slice = others.compactMap { key in group.value(key).map { "\(key)=\(display($0))" } }.joined(separator: " ")
                    if members[slice] == nil { slices.append(slice) }
                    members[slice, default: []].append(group)
                }
                for slice in slices {
                    let groups = members[slice]!
                    let xs = Set(groups.map { $0.value(x)!.number! }).sorted(), ys = Set(groups.map { $0.value(y)!.number! }).sorted()
                    guard xs.count >= 2, ys.count >= 2 else { continue }
                    var cells = [[ParameterMap.Cell?]](repeating: [ParameterMap.Cell?](repeating: nil, count: xs.count), count: ys.count)
                    for group in groups {
                        let i = xs.firstIndex(of: group.value(x)!.number!)!, j = ys.firstIndex(of: group.value(y)!.number!)!
                        let mean = section.selection != nil ? group.best?.mean : group.final[metric]?.mean
                        cells[j][i] = ParameterMap.Cell(mean: mean, finished: group.counts[.done], diverged: group.counts[.diverged],
                                                        runs: group.indices.count)
                    }
                    let title = ([section.title, block.name, slice].filter { !$0.isEmpty }).joined(separator: " · ")
                    maps.append(ParameterMap(xKey: x, yKey: y, metric: metric, higherIsBetter: higher, title: title,
                                             xValues: xs, yValues: ys, cells: cells, boundary: expression))
                }
            }
        }
        return maps
    }
}
