// Tensor comparisons that say where and by how much they fail (llm.c's check_tensor), for #expect.

/// Checks `|got − expected| ≤ atol + rtol·|expected|` element by element; NaN must meet NaN and an
/// infinity the same infinity. Returns nil when every element passes, else a report naming `label`, the
/// first failing index, both values, and the largest difference.
public func elementwiseMismatch<G: BinaryFloatingPoint, E: BinaryFloatingPoint>(
    _ got: [G], _ expected: [E], rtol: Double, atol: Double, label: String
) -> String? {
    guard got.count == expected.count else { return "\(label): \(got.count) values, expected \(expected.count)" }
    var firstBad: Int?
    var maxDiff = 0.0
    for i in got.indices {
        let g = Double(got[i]), e = Double(expected[i])
        let ok: Bool
        if e.isNaN { ok = g.isNaN } else if e.isInfinite { ok = g == e } else {
            let diff = abs(g - e)
            ok = g.isFinite && diff <= atol + rtol * abs(e)
            if g.isFinite { maxDiff = max(maxDiff, diff) }
        }
        if !ok && firstBad == nil { firstBad = i }
    }
    guard let i = firstBad else { return nil }
    return "\(label): first mismatch at [\(i)]: got \(got[i]), expected \(expected[i]); max |diff| \(maxDiff)"
}

/// Checks `max|got − ref| ≤ tol · max|ref|` over a whole tensor (the model fixtures' rule: many entries
/// are tiny or zero, so a per-element relative test would be meaningless). Returns nil on success.
public func tensorMismatch<G: BinaryFloatingPoint, E: BinaryFloatingPoint>(
    _ got: [G], _ expected: [E], tol: Double, label: String
) -> String? {
    guard got.count == expected.count else { return "\(label): \(got.count) values, expected \(expected.count)" }
    var maxRef = 0.0, maxDiff = 0.0, worst = 0
    for i in got.indices {
        maxRef = max(maxRef, abs(Double(expected[i])))
        let diff = abs(Double(got[i]) - Double(expected[i]))
        if !(diff <= maxDiff) { maxDiff = diff; worst = i } // NaN counts as the worst
    }
    if maxDiff <= tol * maxRef { return nil }
    return "\(label): max |diff| \(maxDiff) at [\(worst)] (got \(got[worst]), expected \(expected[worst])) " +
        "exceeds \(tol) × max|ref| \(maxRef)"
}
