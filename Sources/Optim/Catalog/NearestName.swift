// "Did you mean …?" for misspelt optimizer, schedule and hyperparameter names. SweepCore has the same
// helper for grid keys; Optim cannot import SweepCore, so the few lines live here too, with the same rule.

/// Optimal-string-alignment distance (insertions, deletions, substitutions, swaps of neighbours),
/// ignoring case, so that `topc` is distance 0 from `topC`.
func editDistance(_ a: String, _ b: String) -> Int {
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

/// The candidate closest to `name` when it is a likely misspelling: at most a third of the letters (and
/// at least one) differ. Ties go to the earlier candidate.
func nearestName(to name: String, among candidates: [String]) -> String? {
    var best: (name: String, distance: Int)?
    for candidate in candidates where candidate != name {
        let distance = editDistance(name, candidate)
        if distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
    }
    guard let found = best else { return nil }
    let allowed = max(1, min(name.count, found.name.count) / 3)
    return found.distance <= allowed ? found.name : nil
}
