// The report's own seeded generator (SplitMix64, Steele et al. 2014) for its bootstrap resamples, so
// that a report reads the same on every run and machine; the system generator is neither seeded nor
// stable across toolchains.

/// SplitMix64: a 64-bit state advanced by a constant and mixed.
struct SplitMix {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in 0..<bound (bound ≥ 1); the modulo bias is below 2⁻⁵⁰ for the counts of seeds we draw from.
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
