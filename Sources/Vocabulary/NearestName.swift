// "Did you mean …?" for misspelt names: optimal-string-alignment distance (Levenshtein plus swapping two
// neighbouring letters), compared case-insensitively so that `topc` finds `topC`.

/// The number of single-letter insertions, deletions, substitutions or neighbour swaps turning `a`
/// into `b`, ignoring case. `editDistance("adma", "adam") == 1`, `editDistance("sgdc", "sgd_c") == 1`.
public func editDistance(_ a: String, _ b: String) -> Int {
    let s = Array(a.lowercased().unicodeScalars), t = Array(b.lowercased().unicodeScalars)
    if s.isEmpty { return t.count }
    if t.isEmpty { return s.count }
    // Three rows: the one before the previous is needed for swaps.
    var before = [Int](repeating: 0, count: t.count + 1)
    var previous = Array(0...t.count)
    var current = [Int](repeating: 0, count: t.count + 1)
    for i in 1...s.count {
        current[0] = i
        for j in 1...t.count {
            let cost = s[i - 1] == t[j - 1] ? 0 : 1
            var best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1, j > 1, s[i - 1] == t[j - 2], s[i - 2] == t[j - 1] { best = min(best, before[j - 2] + 1) }
            current[j] = best
        }
        (before, previous, current) = (previous, current, before)
    }
    return previous[t.count]
}

/// The candidate closest to `name`, if it is close enough to be a likely misspelling: at most a third
/// of the name's letters (and at least one) differ, or the name is an abbreviation (a prefix of at
/// least three letters, as `prod` of `product`). Ties go to the earlier candidate.
public func nearestName(to name: String, among candidates: [String]) -> String? {
    // A name far longer than every candidate is no misspelling of one; this also keeps a hostile
    // megabyte-long name from costing seconds of distance tables.
    let longest = candidates.map(\.count).max() ?? 0
    guard name.count <= 2 * longest + 3 else { return nil }
    var best: (name: String, distance: Int)?
    for candidate in candidates where candidate != name {
        let distance = editDistance(name, candidate)
        if distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
    }
    if let found = best, found.distance <= max(1, min(name.count, found.name.count) / 3) { return found.name }
    guard name.count >= 3 else { return nil }
    let lowered = name.lowercased()
    return candidates.filter { $0 != name && $0.lowercased().hasPrefix(lowered) }.min { $0.count < $1.count }
}
