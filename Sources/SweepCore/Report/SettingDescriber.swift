// How reports name a configuration: by the keys that vary in its grid, as a user would write them.

/// Describes a configuration by the grid keys that vary, `key=value` in the file's key order.
struct SettingDescriber {
    let grid: Grid
    let varying: [String]

    init(grid: Grid, excluding: Set<String> = []) {
        self.grid = grid
        let constant = grid.constantValues
        varying = grid.keysInFileOrder.filter { constant[$0] == nil && !excluding.contains($0) }
    }

    func describe(_ index: Int) -> String {
        varying.compactMap { key in grid.value(of: key, at: index).map { "\(key)=\(display($0))" } }.joined(separator: " ")
    }
}

/// A value as a user writes it: strings without quotes, everything else as canonical JSON.
func display(_ value: JSONValue) -> String { value.string ?? value.canonicalText }

/// The group name of configurations that have no `optimizer` key.
let noOptimizer = "(none)"
