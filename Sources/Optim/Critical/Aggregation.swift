// How the critical-gradient optimizers combine the current gradient with their buffer (CGO's `aggregate`,
// seeds.md §1.2), and the per-vector step every critical optimizer's fused loop runs: aggregate, store the
// candidate gradient, keep the running sum.

/// How the current gradient d is combined with the buffer as it was before this step's insertion
/// (n entries, κ = kappa where the optimizer applies it):
///
///     sum                          d + κ·(Σ/n)          ("sum" uses the buffer's mean, as in the reference)
///     mid                          (d + κ·(Σ/n))·0.5
///     mean                         (d + κ·Σ)/(n + 1)    (the mean over buffer ∪ {d})
///     min, median, max             d + κ·G              G = G_min, G_median, G_max
///     min-mean, median-mean, …     (d + κ·G)·0.5
enum Aggregation: String, Equatable, Sendable, CaseIterable {
    case sum, mid, mean, min, median, max
    case minMean = "min-mean", medianMean = "median-mean", maxMean = "max-mean"

    /// The stored gradient a selection mode reads.
    enum Selection { case min, median, max }

    var selection: Selection? {
        switch self {
        case .min, .minMean: return .min
        case .median, .medianMean: return .median
        case .max, .maxMean: return .max
        case .sum, .mid, .mean: return nil
        }
    }

    /// Whether the combination is halved.
    var halves: Bool { self == .mid || self == .minMean || self == .medianMean || self == .maxMean }

    /// Whether the mode needs Σ, the sum of the stored gradients.
    var usesSum: Bool { selection == nil }

    /// AggMo_C's own aggregate (CGO `optim_experimental.py`) picks the rule by substring: contains "sum"
    /// → sum, else contains "mid" → mid, else contains "mean" → mean; anything else is an error there.
    /// So "min-mean", "median-mean" and "max-mean" mean `mean` in aggmo_c.
    static func aggMoC(_ name: String) -> Aggregation? {
        if name.contains("sum") { return .sum }
        if name.contains("mid") { return .mid }
        if name.contains("mean") { return .mean }
        return nil
    }
}

/// How this step changes the running sum Σ of a tensor's stored gradients.
enum SumUpdate: UInt8 {
    /// Σ is untouched (rejected gradient, or an exact re-summation follows the loop).
    case none
    /// The buffer was empty: Σ = d.
    case copy
    /// d joined and nothing left: Σ = Σ + d.
    case add
    /// d joined and the gradient at `CriticalStep.evicted` left: Σ = (Σ + d) − G_evicted.
    case replace
}

/// What one tensor's fused loop does with its buffer in this step, decided before the loop from the
/// priorities alone (keys are known before any tensor is updated). Plain flags and pointers: the loop
/// tests them once per vector, so they must not cost a call (an enum comparison can).
struct CriticalStep {
    /// False when the buffer was empty: d passes through unchanged (the reference's first step).
    var aggregates: Bool
    /// The `mean` rule (d + κ·Σ)/(n + 1) rather than d + κ·(Σ/n).
    var meanRule: Bool
    /// mid and the *-mean modes halve the combination.
    var halves: Bool
    /// n and n + 1 as float32, the divisors of `sum`/`mid` and `mean`.
    var count: Float
    var countPlusOne: Float
    /// κ as the optimizer applies it (1 for Adam_C, RMSprop_C, AggMo_C).
    var kappa: Float
    /// G_min, G_median or G_max (selection modes).
    var selected: UnsafeMutablePointer<Float>?
    /// QUIRK (seeds.md §1.2 Q3): the reference scales the selected stored gradient by κ in place, so
    /// with κ ≠ 1 a gradient is multiplied by κ again each time it is selected.
    var scaleSelected: Bool
    /// Where d is stored when the buffer keeps it (often the evicted gradient's slot); nil when it is
    /// rejected or dropped at once.
    var candidate: UnsafeMutablePointer<Float>?
    /// The running Σ (sum, mid, mean modes).
    var sum: UnsafeMutablePointer<Float>?
    var sumUpdate: SumUpdate
    /// The gradient leaving Σ (`replace`).
    var evicted: UnsafePointer<Float>?

    static let passThrough = CriticalStep(aggregates: false, meanRule: false, halves: false, count: 0, countPlusOne: 1,
                                          kappa: 1, selected: nil, scaleSelected: false, candidate: nil, sum: nil,
                                          sumUpdate: .none, evicted: nil)

    /// For elements i ..< i + lanes: returns the aggregate of d, stores d as the candidate and updates Σ,
    /// recording in `checks` what was stored.
    @inline(__always)
    func apply(_ d: Vector, _ i: Int, _ lanes: Int, _ checks: inout CriticalChecks) -> Vector {
        var result = d
        var s = Vector()
        if let sum, aggregates || sumUpdate != .none { s = .load(sum, i, lanes) }
        // Read before the candidate is stored: the candidate takes the evicted gradient's slot.
        var leaving = Vector()
        if let evicted { leaving = .load(evicted, i, lanes) }
        if aggregates {
            if let selected {
                var g = Vector.load(selected, i, lanes)
                if scaleSelected {
                    g = g * kappa
                    g.store(selected, i, lanes)
                }
                result = d + g
            } else if meanRule {
                result = (d + s * kappa) / countPlusOne
            } else {
                result = d + (s / count) * kappa
            }
            if halves { result = result * 0.5 }
        }
        if let candidate {
            d.store(candidate, i, lanes)
            checks.candidate += d - d
            let magnitude = d.replacing(with: -d, where: d .< 0)
            checks.magnitude.replace(with: magnitude, where: magnitude .> checks.magnitude)
        }
        if let sum, sumUpdate != .none {
            switch sumUpdate {
            case .copy: s = d
            case .add: s = s + d
            default: s = (s + d) - leaving
            }
            s.store(sum, i, lanes)
            checks.sum += s - s
        }
        return result
    }
}

/// What `CriticalStep.apply` saw of the values it stored: non-finite detectors (x − x is 0 for finite x,
/// NaN otherwise) and the largest |d| stored. Kernels keep it in a local variable (registers) and
/// return it.
struct CriticalChecks {
    var candidate = Vector()
    var sum = Vector()
    var magnitude = Vector()
    /// max |d| of the stored gradient, or +∞ when it holds a non-finite value.
    var candidateMagnitude: Float { candidate.sum().isNaN ? .infinity : magnitude.max() }
    var sumIsFinite: Bool { !sum.sum().isNaN }
}
