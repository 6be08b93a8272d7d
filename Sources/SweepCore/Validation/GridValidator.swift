// Checks a parsed grid against the catalog: every selector value names a known component, every key is
// a setting of what the configuration selects, every value is in range, and every combination passes
// its component's check. Configurations are never enumerated: each block is checked over the distinct
// combinations of the few keys a rule involves, so a ten-million-configuration grid validates at once.
import Vocabulary

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

        init(grid: Grid, catalog: Catalog) {
            self.grid = grid
            self.catalog = catalog
        }

        private typealias Row = [String: (value: JSONValue, offset: Int)]

        mutating func check(_ leaf: Leaf) {
            let keys = leaf.keys
            let selectorKeys = catalog.selectors.map(\.key).filter(keys.contains)
            for selector in catalog.selectors where selector.required && !keys.contains(selector.key) {
                fail(.missingKey, at: leaf.offset,
                     "the configurations of this block have no \"\(selector.key)\"",
                     hint: "add \"\(selector.key)\" to fixed or to this block (one of: \(selector.components.map(\.name).joined(separator: ", ")))")
            }
            guard checkSelectorValues(leaf, selectorKeys) else { return }
            let selections: [(row: Row, selection: Selection)] = rows(leaf, keys: selectorKeys).compactMap { row in
                catalog.selection { row[$0]?.value.string }.map { (row, $0) }
            }

            // Every key against its owner under every selection, over the key's distinct values.
            for key in keys where catalog.selector(key) == nil {
                // Outside a zip that pairs them, a key's values and the selectors vary independently: check
                // every value against every selection without building a row per pair.
                let coupled = leaf.aggregation == .zip && ([key] + selectorKeys).filter { k in
                    leaf.axes.contains { $0.key == k && $0.choices.count > 1 }
                }.count > 1
                let pairs: [(selection: Selection, values: [(value: JSONValue, offset: Int)])]
                if coupled {
                    pairs = rows(leaf, keys: selectorKeys + [key]).compactMap { row in
                        catalog.selection { row[$0]?.value.string }.map { ($0, [row[key]!]) }
                    }
                } else {
                    let values = distinctValues(leaf, key)
                    pairs = selections.map { ($0.selection, values) }
                }
                for (selection, values) in pairs {
                    switch catalog.ownership(of: key, in: selection) {
                    case let .owned(owner, spec):
                        let context = owner == .run ? nil : Selection.describe(owner, selection[owner]!)
                        for (value, offset) in values where !spec.accepts(value) {
                            invalid(key, value, offset, spec.kind.expected, owner: context)
                        }
                        if QualifiedKey(key).owner == nil, keys.contains("\(owner.rawValue).\(key)") {
                            fail(.conflictingKey, at: keyOffset(leaf, key),
                                 "\"\(key)\" and \"\(owner.rawValue).\(key)\" both set \(Selection.describe(owner, selection[owner]!))'s \(key)",
                                 hint: "keep one of them")
                        }
                    case let .refused(owner, component, reason):
                        fail(.unknownKey, at: keyOffset(leaf, key),
                             "\(Selection.describe(owner, component)) does not take \"\(QualifiedKey(key).name)\": \(reason)",
                             hint: "remove the key")
                    case let .ambiguous(owners):
                        let spelled = owners.map { "\"\($0.rawValue).\(key)\"" }
                        fail(.ambiguousKey, at: keyOffset(leaf, key),
                             "\"\(key)\" is a key of " + owners.map { Selection.describe($0, selection[$0]!) }.joined(separator: " and "),
                             hint: "say whose it is: " + spelled.joined(separator: " or "))
                    case let .unknown(qualifiedOwner):
                        unknownKey(key, qualifiedOwner: qualifiedOwner, leaf: leaf, selection: selection)
                    }
                }
            }

            // Each chosen component's required keys, then its check over the distinct combinations of the
            // keys it decides.
            for (selectorRow, selection) in selections {
                for (owner, component) in selection.components {
                    for spec in component.keys where spec.isRequired && !keys.contains(where: { key in
                        guard catalog.selector(key) == nil, case let .owned(o, given) = catalog.ownership(of: key, in: selection) else { return false }
                        return o == owner && given.name == spec.name
                    }) {
                        fail(.missingKey, at: selectorRow[owner.rawValue]?.offset ?? leaf.offset,
                             "\(Selection.describe(owner, component)) needs \"\(spec.name)\": \(spec.summary)")
                    }
                }
            }
            for (selectorRow, selection) in selections {
                for (owner, component) in selection.components {
                    guard let check = component.check else { continue }
                    let groups = component.checkedTogether ?? [component.keys.map(\.name)]
                    for group in groups {
                        checkGroup(group, of: owner, component, check, leaf: leaf, selectorRow: selectorRow, selection: selection)
                    }
                }
            }
            for combination in catalog.combinations {
                let (selectorOwner, names) = combination.onlyWhere
                for (selectorRow, selection) in selections where names.contains(selection[selectorOwner]?.name ?? "") {
                    let owned = keys.filter { key in
                        guard catalog.selector(key) == nil, case let .owned(owner, _) = catalog.ownership(of: key, in: selection) else { return false }
                        return combination.owners.contains(owner)
                    }
                    for row in rows(leaf, keys: selectorKeys + owned) where matches(row, selectorRow) {
                        guard let values = ownedValues(row, owned, selection) else { continue }
                        var named = values
                        for (owner, component) in selection.components where owner != .run { named[owner.rawValue] = .string(component.name) }
                        if let problem = combination.check(named) {
                            fail(.invalidValue, at: (row[selectorOwner.rawValue] ?? row[owned.first ?? ""])?.offset ?? leaf.offset, problem)
                        }
                    }
                }
            }
        }

        /// Runs `component`'s check over the distinct combinations of one group of keys: its own (bare
        /// names), context keys of other parts (qualified, defaults filled in), and selector keys.
        private mutating func checkGroup(_ group: [String], of owner: Owner, _ component: Component,
                                         _ check: @Sendable ([String: KeyValue]) -> String?, leaf: Leaf, selectorRow: Row,
                                         selection: Selection) {
            let keys = leaf.keys
            // The leaf key that gives each group member, if the grid gives it.
            var written: [(member: String, key: String?)] = []
            for member in group {
                if catalog.selector(member) != nil { continue }
                let target = QualifiedKey(member)
                let (targetOwner, name) = (target.owner ?? owner, target.name)
                let key = keys.first { key in
                    guard catalog.selector(key) == nil, case let .owned(o, spec) = catalog.ownership(of: key, in: selection) else { return false }
                    return o == targetOwner && spec.name == name
                }
                written.append((member, key))
            }
            // A group none of whose keys is given is still checked once: a required key may be missing.
            let leafKeys = written.compactMap(\.key)
            for row in rows(leaf, keys: catalog.selectors.map(\.key).filter(keys.contains) + leafKeys) where matches(row, selectorRow) {
                var values: [String: KeyValue] = [:]
                var valid = true
                for (member, key) in written {
                    let target = QualifiedKey(member)
                    let targetOwner = target.owner ?? owner
                    guard let spec = selection[targetOwner]?.spec(target.name) else { continue }
                    if let key {
                        guard spec.accepts(row[key]!.value), let value = KeyValue(row[key]!.value, for: spec.kind) else { valid = false; break }
                        values[member] = value
                    } else if target.owner != nil, let fallback = spec.fallback {
                        values[member] = fallback
                    }
                }
                guard valid else { continue }
                for member in group where catalog.selector(member) != nil {
                    if let name = selection[catalog.selector(member)!.owner]?.name { values[member] = .string(name) }
                }
                if let problem = check(values) {
                    // A key checked alone is at fault itself; a combination is the component's.
                    let ownKeys = written.filter { QualifiedKey($0.member).owner == nil }.compactMap(\.key)
                    let offset = (ownKeys.count == 1 ? row[ownKeys[0]]?.offset : nil)
                        ?? row[owner.rawValue]?.offset ?? leafKeys.first.flatMap { row[$0]?.offset } ?? leaf.offset
                    let described = Selection.describe(owner, component)
                    fail(.invalidValue, at: offset, problem.hasPrefix(described) ? problem : "\(described): \(problem)")
                }
            }
        }

        /// The row's owned values by (owner, bare name), or nil if one of them fails its kind.
        private func ownedValues(_ row: Row, _ keys: [String], _ selection: Selection) -> [String: KeyValue]? {
            var values: [String: KeyValue] = [:]
            for key in keys {
                guard case let .owned(owner, spec) = catalog.ownership(of: key, in: selection),
                      spec.accepts(row[key]!.value), let value = KeyValue(row[key]!.value, for: spec.kind) else { return nil }
                values["\(owner.rawValue).\(spec.name)"] = value
            }
            return values
        }

        private func matches(_ row: Row, _ selectorRow: Row) -> Bool {
            selectorRow.allSatisfy { row[$0.key]?.value == $0.value.value }
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
                        // A hostile megabyte-long name is not echoed back whole.
                        let shown = name.count > 64 ? "\(name.prefix(48))… (\(name.count) characters)" : name
                        var message = "unknown \(key) \"\(shown)\""
                        if let near = nearestName(to: name, among: names) { message += "; did you mean \"\(near)\"?" }
                        fail(.unknownName, at: offset, message + " (valid: \(names.joined(separator: ", ")))")
                        fine = false
                    }
                }
            }
            return fine
        }

        private mutating func unknownKey(_ key: String, qualifiedOwner: Owner?, leaf: Leaf, selection: Selection) {
            let offset = keyOffset(leaf, key)
            let here = selection.components.filter { $0.owner != .run }.map { Selection.describe($0.owner, $0.component) }
            let what = here.isEmpty ? "these configurations" : here.joined(separator: ", ")
            let name = QualifiedKey(key).name
            if let owner = qualifiedOwner, let component = selection[owner] {
                let valid = component.keys.map(\.name)
                var message = "\(Selection.describe(owner, component)) has no key \"\(name)\""
                if let near = nearestName(to: name, among: valid) { message += "; did you mean \"\(owner.rawValue).\(near)\"?" }
                fail(.unknownKey, at: offset, message + " (valid: \(valid.isEmpty ? "none" : valid.joined(separator: ", ")))")
                return
            }
            let elsewhere = catalog.selectors.flatMap { selector in
                selector.components.filter { $0.spec(name) != nil }.map { "\(selector.key) \($0.name)" }
            }
            if !elsewhere.isEmpty {
                fail(.unknownKey, at: offset, "\"\(key)\" is not a setting of \(what)",
                     hint: "\"\(name)\" belongs to \(elsewhere.joined(separator: ", ")); give it in a block of its own with those (a list of blocks is a union)")
                return
            }
            let valid = selection.components.flatMap { $0.component.keys.map(\.name) }
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
