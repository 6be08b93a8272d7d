// Descriptions of a grid as a whole, for `sweep validate` and the head of `sweep expand`'s table.

extension Grid {
    /// "450 configurations (2 blocks × 5 seeds)".
    public var describedSize: String {
        let configurations = count == 1 ? "1 configuration" : "\(count) configurations"
        var parts: [String] = []
        if leaves.count > 1 { parts.append("\(leaves.count) blocks") }
        if seeds.count > 1 { parts.append("\(seeds.count) seeds") }
        return parts.isEmpty ? configurations : configurations + " (" + parts.joined(separator: " × ") + ")"
    }

    /// The keys that have one and the same value in every configuration, with that value.
    public var constantValues: [String: JSONValue] {
        var values: [String: JSONValue] = [:]
        var varying: Set<String> = []
        var keyCounts: [String: Int] = [:]
        for leaf in leaves {
            var own: [(String, [Choice])] = leaf.axes.map { ($0.key, $0.choices) }
            own += leaf.fixed.map { ($0.key, [$0.choice]) }
            for (key, choices) in own {
                keyCounts[key, default: 0] += 1
                for choice in choices {
                    if let known = values[key], known != choice.value { varying.insert(key) }
                    values[key] = values[key] ?? choice.value
                }
            }
        }
        for (key, count) in keyCounts where count < leaves.count { varying.insert(key) }
        if seeds.count == 1 { values["seed"] = seeds[0].value } else if seeds.count > 1 { varying.insert("seed") }
        return values.filter { !varying.contains($0.key) }
    }
}
