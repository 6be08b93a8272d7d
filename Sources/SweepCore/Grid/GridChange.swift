// What an edit of a grid did to its configurations, by id: the configurations the new grid has and the
// old one lacks (added), and the reverse (removed). Each new id is looked up in the old grid's table of
// ids (ConfigurationIDs), so a million-configuration grid costs one hash table of a million indices,
// not two sets of a million strings.

/// The configurations added and removed between two versions of a grid.
public struct GridChange: Equatable, Sendable {
    /// Indices in the new grid of the configurations whose ids the old grid does not have, ascending.
    public let added: [Int]
    /// Indices in the old grid of the configurations whose ids the new grid does not have, ascending.
    public let removed: [Int]

    /// Compares every id of `new` with the ids of `old` (hashing those not known yet).
    public init(from old: ConfigurationIDs, to new: ConfigurationIDs) {
        var kept = [Bool](repeating: false, count: old.count)
        var added: [Int] = []
        for index in 0..<new.count {
            var found = false
            // Every old copy of the id is kept (a grid may list a configuration twice).
            old.forEachIndex(of: new.idBytes(index)) { oldIndex in
                found = true
                kept[oldIndex] = true
                return true
            }
            if !found { added.append(index) }
        }
        self.added = added
        removed = kept.indices.filter { !kept[$0] }
    }
}
