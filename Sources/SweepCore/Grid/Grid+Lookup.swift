// One key's value at one index, without building the whole configuration: status counts by optimizer
// over a million configurations ask only for that.

extension Grid {
    /// The value of `key` in configuration `index`, or nil if that configuration has no such key.
    public func value(of key: String, at index: Int) -> JSONValue? {
        let (leafIndex, local, seed) = locate(index)
        let leaf = leaves[leafIndex]
        guard let entry = leaf.plan.first(where: { $0.key == key }) else { return nil }
        switch entry.source {
        case let .axis(j): return leaf.axes[j].choices[leaf.choice(axis: j, local: local)].value
        case let .fixed(f): return leaf.fixed[f].choice.value
        case .seed: return seeds[seed].value
        }
    }
}
