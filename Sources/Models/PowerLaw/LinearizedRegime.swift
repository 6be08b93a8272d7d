// The linearised regime (seeds.md §3.1(b), PLO `optim/sgd.py`, `optim/adam.py`,
// `training/train_linearized.py`): the network replaced by its linearisation, so that only the error
// vector d evolves, trained by SGD with momentum (or Adam) on batches drawn without replacement.
// O(N·B) per step.

/// The linearised regime's update rule.
enum LinearizedRule {
    /// Heavy ball in the reference's form: p ← g + βₙ·p (p starts at 0), d ← d − αₙ·p.
    case sgd
    /// The reference's Adam on d (with αₙ from the schedule; βₙ unused):
    ///     p ← (1 − b1)·g + b1·p,   v ← (1 − b2)·g² + b2·v
    ///     d ← d − αₙ·(p/(1 − b1^(n+1))) / (√(v/(1 − b2^(n+1))) + eps)
    case adam(beta1: Double, beta2: Double, eps: Double)
}

/// Runs `plan.runs` independent runs from d₀, each drawing its own batches, and returns their mean curve.
///
/// Per step n: a batch I of B distinct points, g = (1/B)·K[:, I]·d[I] (rows of K, since K is exactly
/// symmetric: g = (Σ_{i∈I} dᵢ·K[i, :])/B, in batch order, in double), then the rule's update of d;
/// loss ½·mean(d²). Single-precision K, double-precision state. Run r draws the same batches as run r of
/// the network regime with the same seed, so the two can be compared run by run.
///
/// With a step-dependent αₙ (the Jacobi schedule) this p-form is not the v-form d' = d − αₙ·g + βₙ·v of
/// the averaged and spectral regimes; the reference has the same difference (seeds.md §3.1(c)).
func runLinearized(_ problem: KernelProblem, rule: LinearizedRule, plan: RunPlan) -> PowerLawOutcome {
    let n = problem.size
    let padded = (n + 7) / 8 * 8
    let d = AlignedBuffer<Double>(count: padded), p = AlignedBuffer<Double>(count: padded)
    let v = AlignedBuffer<Double>(count: padded), g = AlignedBuffer<Double>(count: padded)
    var statistics = CurveStatistics(steps: plan.steps)
    for run in 0..<plan.runs {
        d.copy(from: problem.initialError)
        p.zero()
        v.zero()
        var sampler = BatchSampler(size: n, batchSize: plan.batchSize, seed: plan.seed, run: run)
        var recorder = RunRecorder(plan: plan, initialLoss: sumOfSquares(d.pointer, padded) / Double(2 * n))
        let last = statistics.lastUsefulStep
        if last >= 1 {
            for step in 1...last {
                if plan.shouldStop() {
                    recorder.interrupt(at: step)
                    break
                }
                sampler.draw()
                g.zero()
                for i in sampler.batch { axpy(d.pointer[i], problem.kernel.pointer + i * n, g.pointer, n) }
                let alpha = plan.schedule.rate(step)
                let squares: Double
                switch rule {
                case .sgd:
                    squares = heavyBallStep(d: d.pointer, p: p.pointer, g: g.pointer, count: padded,
                                            batch: Double(plan.batchSize), alpha: alpha, beta: plan.schedule.momentum(step))
                case let .adam(beta1, beta2, eps):
                    // QUIRK (seeds.md §3.1(b), reproduced): bias corrections use exponent step + 1 with steps
                    // counted from 1, so the first step divides by 1 − b1², not 1 − b1.
                    squares = adamStep(d: d.pointer, p: p.pointer, v: v.pointer, g: g.pointer, count: n,
                                       batch: Double(plan.batchSize), alpha: alpha, beta1: beta1, beta2: beta2, eps: eps,
                                       correction1: 1 - pow(beta1, Double(step + 1)),
                                       correction2: 1 - pow(beta2, Double(step + 1)))
                }
                if !recorder.record(step: step, loss: squares / Double(2 * n)) { break }
            }
        }
        statistics.add(recorder)
        if case .interrupted = recorder.end { break }
    }
    return statistics.outcome(regime: PowerLawCatalog.linearized, plan: plan)
}

/// g ← g/B, p ← g + β·p, d ← d − α·p over `count` (a multiple of 8) entries; returns Σ d².
private func heavyBallStep(d: UnsafeMutablePointer<Double>, p: UnsafeMutablePointer<Double>, g: UnsafePointer<Double>,
                           count: Int, batch: Double, alpha: Double, beta: Double) -> Double {
    let vBatch = SIMD8<Double>(repeating: batch), vAlpha = SIMD8<Double>(repeating: alpha)
    let vBeta = SIMD8<Double>(repeating: beta)
    var squares = SIMD8<Double>(repeating: 0)
    var i = 0
    while i < count {
        let pNew = load8(g + i) / vBatch + vBeta * load8(p + i)
        let dNew = load8(d + i) - vAlpha * pNew
        store8(pNew, p + i)
        store8(dNew, d + i)
        squares += dNew * dNew
        i += 8
    }
    return laneSum(squares)
}

/// The reference's Adam update of d over `count` entries; returns Σ d². (Not over padding: with eps = 0
/// a zero gradient gives 0/0, as in the reference, and padding must stay 0.)
private func adamStep(d: UnsafeMutablePointer<Double>, p: UnsafeMutablePointer<Double>, v: UnsafeMutablePointer<Double>,
                      g: UnsafePointer<Double>, count: Int, batch: Double, alpha: Double, beta1: Double, beta2: Double,
                      eps: Double, correction1: Double, correction2: Double) -> Double {
    let vBatch = SIMD8<Double>(repeating: batch), vAlpha = SIMD8<Double>(repeating: alpha)
    let b1 = SIMD8<Double>(repeating: beta1), b2 = SIMD8<Double>(repeating: beta2)
    let c1 = SIMD8<Double>(repeating: correction1), c2 = SIMD8<Double>(repeating: correction2)
    let vEps = SIMD8<Double>(repeating: eps)
    var squares = SIMD8<Double>(repeating: 0)
    var i = 0
    while i + 8 <= count {
        let grad = load8(g + i) / vBatch
        let pNew = (1 - b1) * grad + b1 * load8(p + i)
        let vNew = (1 - b2) * (grad * grad) + b2 * load8(v + i)
        let dNew = load8(d + i) - vAlpha * (pNew / c1) / ((vNew / c2).squareRoot() + vEps)
        store8(pNew, p + i)
        store8(vNew, v + i)
        store8(dNew, d + i)
        squares += dNew * dNew
        i += 8
    }
    var total = laneSum(squares)
    while i < count {
        let grad = g[i] / batch
        p[i] = (1 - beta1) * grad + beta1 * p[i]
        v[i] = (1 - beta2) * (grad * grad) + beta2 * v[i]
        d[i] -= alpha * (p[i] / correction1) / ((v[i] / correction2).squareRoot() + eps)
        total += d[i] * d[i]
        i += 1
    }
    return total
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
