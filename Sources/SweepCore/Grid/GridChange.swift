// What an edit of a grid did to its configurations, by id: the configurations the new grid has and the
// old one lacks (added), and the reverse (removed). Both id lists are ordered by id and merged, so a
// million-configuration grid costs two sorts of indices, not two sets of a million strings.
import Foundation

/// The configurations added and removed between two versions of a grid.
public struct GridChange: Equatable, Sendable {
    /// Indices in the new grid of the configurations whose ids the old grid does not have, ascending.
    public let added: [Int]
    /// Indices in the old grid of the configurations whose ids the new grid does not have, ascending.
    public let removed: [Int]

    /// Compares every id of `old` with every id of `new` (hashing those not yet known).
    public init(from old: ConfigurationIDs, to new: ConfigurationIDs) {
        let before = old.sortedByID(), after = new.sortedByID()
        var isRemoved = [Bool](repeating: false, count: old.count), isAdded = [Bool](repeating: false, count: new.count)
        var i = 0, j = 0
        while i < before.count || j < after.count {
            let order = i == before.count ? 1 : j == after.count ? -1
                : memcmp(old.idBytes(Int(before[i])), new.idBytes(Int(after[j])), ConfigurationIDs.length)
            if order < 0 {
                isRemoved[Int(before[i])] = true
                i += 1
            } else if order > 0 {
                isAdded[Int(after[j])] = true
                j += 1
            } else {
                // In both: every copy of this id on either side is kept (a grid may list a configuration twice).
                let id = old.idBytes(Int(before[i]))
                while i < before.count, memcmp(old.idBytes(Int(before[i])), id, ConfigurationIDs.length) == 0 { i += 1 }
                while j < after.count, memcmp(new.idBytes(Int(after[j])), id, ConfigurationIDs.length) == 0 { j += 1 }
            }
        }
        added = isAdded.indices.filter { isAdded[$0] }
        removed = isRemoved.indices.filter { isRemoved[$0] }
    }
}
