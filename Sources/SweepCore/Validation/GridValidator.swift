// Checks a parsed grid against the catalog: every selector value names a known component, every key is
// a setting of what the configuration selects, every value is in range, and every combination passes
// its component's check. Configurations are never enumerated: each block is checked over the distinct
// combinations of the few keys a rule involves, so a ten-million-configuration grid validates at once.

/// Validates grids against a catalog.
public struct GridValidator: Sendable {
    public let catalog: Catalog

    public init(catalog: Catalog) { self.catalog = catalog }

    /// Throws `GridErrors` listing every problem, sorted by position.
    public func validate(_ grid: Grid) throws {
        var run = Run(grid: grid, catalog: catalog)
        for leaf in grid.leaves { run.check(leaf) }
        guard run.errors.isEmpty else {
            throw GridErrors(run.errors)
        }
    }

    /// One validation pass: the errors found so far, reported once each.
    private struct Run {
        let grid: Grid
        let catalog: Catalog
        var errors: [GridError] = []
        private var reported: Set<String> = []
        private let generalKeys: [String: KeySpec]

        init(grid: Grid, catalog: Catalog) {
            self.grid = grid
            self.catalog = catalog
            generalKeys = Dictionary(catalog.general.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        }

        mutating func check(_ leaf: Leaf) {
            let keys = leaf.keys
            let selectorKeys = catalog.selectors.map(\.key).filter(keys.contains)
            for selector in catalog.selectors where selector.required && !keys.contains(selector.key) {
                fail(.missingKey, at: leaf.offset,
                     "the configurations of this block have no \"\(selector.key)\"",
                     hint: "add \"\(selector.key)\" to fixed or to this block (one of: \(selector.components.map(\.name).joined(separator: ", ")))")
            }
            guard checkSelectorValues(leaf, selectorKeys) else { return }

            let selections = rows(leaf, keys: selectorKeys).map { selectedComponents($0, selectorKeys) }
            for key in keys where catalog.selector(key) == nil {
                if let spec = generalKeys[key] {
                    for (value, offset) in distinctValues(leaf, key) where !spec.rule.accepts(value) {
                        invalid(key, value, offset, spec.rule.expected, owner: nil)
                    }
                    continue
                }
                // Outside a zip that pairs them, a key's values and the selectors vary independently: check
                // every value against every selector combination without building a row per pair.
                let coupled = leaf.aggregation == .zip && ([key] + selectorKeys).filter { k in
                    leaf.axes.contains { $0.key == k && $0.choices.count > 1 }
                }.count > 1
                let pairs: [(selected: [Selected], values: [(value: JSONValue, offset: Int)])]
                if coupled {
                    pairs = rows(leaf, keys: selectorKeys + [key]).map { (selectedComponents($0, selectorKeys), [$0[key]!]) }
                } else {
                    let values = distinctValues(leaf, key)
                    pairs = selections.map { ($0, values) }
                }
                for (selected, values) in pairs {
                    let owners = selected.filter { $0.component.keys.contains { $0.name == key } }
                    if owners.isEmpty {
                        unknownKey(key, leaf: leaf, selected: selected)
                        continue
                    }
                    for owner in owners {
                        let spec = owner.component.keys.first { $0.name == key }!
                        for (value, offset) in values where !spec.rule.accepts(value) {
                            invalid(key, value, offset, spec.rule.expected, owner: "\(owner.selector) \(owner.component.name)")
                        }
                    }
                }
            }

            // Combinations: each selected component's check, over the distinct values of its own settings.
            // Rows with a value its rule already rejected are not checked again.
            for selectorKey in selectorKeys {
                let selector = catalog.selector(selectorKey)!
                for (value, _) in distinctValues(leaf, selectorKey) {
                    guard let name = value.string, let component = selector.component(named: name),
                          let check = component.check else { continue }
                    let ownKeys = component.keys.filter { keys.contains($0.name) }
                    let together = component.checkedTogether.map { groups in
                        groups.map { $0.filter(keys.contains) }.filter { !$0.isEmpty }
                    } ?? [ownKeys.map(\.name)]
                    for group in together {
                        for row in rows(leaf, keys: selectorKeys + group) where row[selectorKey]?.value == value {
                            guard ownKeys.allSatisfy({ spec in row[spec.name].map { spec.rule.accepts($0.value) } ?? true }) else { continue }
                            if let problem = check(row.mapValues(\.value)) {
                                // A key checked alone is at fault itself; a combination is the selector's.
                                let (_, offset) = (group.count == 1 ? row[group[0]] : nil) ?? row[selectorKey]!
                                fail(.invalidValue, at: offset, "\(selectorKey) \(name): \(problem)")
                            }
                        }
                    }
                }
            }
            for combination in catalog.combinations {
                let involved = combination.keys.filter(keys.contains)
                guard !involved.isEmpty else { continue }
                if let (key, values) = combination.onlyWhere,
                   !distinctValues(leaf, key).contains(where: { $0.value.string.map(values.contains) ?? false }) { continue }
                if let triggers = combination.onlyWithAny, !triggers.contains(where: keys.contains) { continue }
                for row in rows(leaf, keys: involved) {
                    let valid = involved.allSatisfy { key in generalKeys[key].map { $0.rule.accepts(row[key]!.value) } ?? true }
                    guard valid, let problem = combination.check(row.mapValues(\.value)) else { continue }
                    fail(.invalidValue, at: row[involved[0]]!.offset, problem)
                }
            }
        }

        /// Reports selector values that are not strings or name nothing known; true if all are fine.
        private mutating func checkSelectorValues(_ leaf: Leaf, _ selectorKeys: [String]) -> Bool {
            var fine = true
            for key in selectorKeys {
                let selector = catalog.selector(key)!
                let names = selector.components.map(\.name)
                for (value, offset) in distinctValues(leaf, key) {
                    guard let name = value.string else {
                        fail(.invalidValue, at: offset, "\(key) must be a string naming one of: \(names.joined(separator: ", "))")
                        fine = false
                        continue
                    }
                    if selector.component(named: name) == nil {
                        var message = "unknown \(key) \"\(name)\""
                        if let near = nearestName(to: name, among: names) { message += "; did you mean \"\(near)\"?" }
                        fail(.unknownName, at: offset, message + " (valid: \(names.joined(separator: ", ")))")
                        fine = false
                    }
                }
            }
            return fine
        }

        private typealias Selected = (selector: String, component: Component)

        private func selectedComponents(_ row: [String: (value: JSONValue, offset: Int)], _ selectorKeys: [String]) -> [Selected] {
            selectorKeys.compactMap { key in
                guard let name = row[key]?.value.string, let component = catalog.selector(key)?.component(named: name) else { return nil }
                return (key, component)
            }
        }

        private mutating func unknownKey(_ key: String, leaf: Leaf, selected: [Selected]) {
            let offset = keyOffset(leaf, key)
            let elsewhere = catalog.selectors.flatMap { selector in
                selector.components.filter { $0.keys.contains { $0.name == key } }.map { "\(selector.key) \($0.name)" }
            }
            let here = selected.map { "\($0.selector) \($0.component.name)" }
            let what = here.isEmpty ? "these configurations" : here.joined(separator: ", ")
            if !elsewhere.isEmpty {
                fail(.unknownKey, at: offset, "\"\(key)\" is not a setting of \(what)",
                     hint: "\"\(key)\" belongs to \(elsewhere.joined(separator: ", ")); give it in a block of its own with those (a list of blocks is a union)")
                return
            }
            var valid = catalog.general.map(\.name)
            for item in selected { valid += item.component.keys.map(\.name) }
            var message = "unknown key \"\(key)\" for \(what)"
            if let near = nearestName(to: key, among: valid) { message += "; did you mean \"\(near)\"?" }
            fail(.unknownKey, at: offset, message + " (valid: \(valid.joined(separator: ", ")))")
        }

        private mutating func invalid(_ key: String, _ value: JSONValue, _ offset: Int, _ expected: String, owner: String?) {
            let context = owner.map { " for \($0)" } ?? ""
            fail(.invalidValue, at: offset, "invalid \(key)\(context): \(value.canonicalText) (expected \(expected))")
        }

        private mutating func fail(_ kind: GridError.Kind, at offset: Int, _ message: String, hint: String? = nil) {
            guard reported.insert("\(offset):\(message)").inserted else { return }
            errors.append(GridError(kind, path: grid.source.path, position: grid.source.position(of: offset), message, hint: hint))
        }

        // MARK: - Distinct combinations within a leaf

        private func keyOffset(_ leaf: Leaf, _ key: String) -> Int {
            if let axis = leaf.axes.first(where: { $0.key == key }) { return axis.keyOffset }
            if let fixed = leaf.fixed.first(where: { $0.key == key }) { return fixed.keyOffset }
            return grid.seeds.first?.offset ?? leaf.offset
        }

        /// The values `key` takes in the leaf, each once, with where it is written.
        private func distinctValues(_ leaf: Leaf, _ key: String) -> [(value: JSONValue, offset: Int)] {
            var seen = Set<JSONValue>()
            return choices(leaf, key).filter { seen.insert($0.value).inserted }.map { ($0.value, $0.offset) }
        }

        private func choices(_ leaf: Leaf, _ key: String) -> [Choice] {
            if let axis = leaf.axes.first(where: { $0.key == key }) { return axis.choices }
            if let fixed = leaf.fixed.first(where: { $0.key == key }) { return [fixed.choice] }
            if key == "seed" { return grid.seeds }
            return []
        }

        /// The distinct combinations of `keys` (those the leaf has) over the leaf's configurations.
        private func rows(_ leaf: Leaf, keys: [String]) -> [[String: (value: JSONValue, offset: Int)]] {
            let present = keys.filter(leaf.keys.contains)
            var seen = Set<[JSONValue]>()
            var result: [[String: (value: JSONValue, offset: Int)]] = []
            // Each involved key is a list of choices, except that a zip's axes move together: they form
            // one list of rows. The combinations are the product of these lists (other keys do not
            // change them).
            let isZipped: (String) -> Bool = { key in leaf.aggregation == .zip && leaf.axes.contains { $0.key == key } }
            let zippedKeys = present.filter(isZipped)
            var groups: [[[Choice]]] = present.filter { !isZipped($0) }.map { choices(leaf, $0).map { [$0] } }
            if !zippedKeys.isEmpty {
                let lists = zippedKeys.map { choices(leaf, $0) }
                groups.append((0..<leaf.count).map { r in lists.map { $0.count == 1 ? $0[0] : $0[r] } })
            }
            let groupKeys = present.filter { !isZipped($0) }.map { [$0] } + (zippedKeys.isEmpty ? [] : [zippedKeys])
            var counters = [Int](repeating: 0, count: groups.count)
            while true {
                var row: [String: (value: JSONValue, offset: Int)] = [:]
                for (g, counter) in counters.enumerated() {
                    for (key, choice) in zip(groupKeys[g], groups[g][counter]) { row[key] = (choice.value, choice.offset) }
                }
                if seen.insert(present.map { row[$0]!.value }).inserted { result.append(row) }
                var position = groups.count - 1
                while position >= 0 {
                    counters[position] += 1
                    if counters[position] < groups[position].count { break }
                    counters[position] = 0
                    position -= 1
                }
                if position < 0 { break }
            }
            return result
        }
    }
}
