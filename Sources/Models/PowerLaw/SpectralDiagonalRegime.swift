// The spectral-diagonal regime (seeds.md §3.1(d), PLO `training/train_spectral_diagonal.py`): the
// second-moment recursion of SGD with momentum kept on the eigen-diagonal only, O(N) per step.

/// Runs the spectral-diagonal recursion on `problem` (λₖ of K/N, largest 1; Cₖ(0) = (uₖᵀd₀)²), J = P = 0:
///
///     I  = γ·(αλ)²·(Σⱼ Cⱼ − τ·C)                       (elementwise in k; γ = (N − B)/((N − 1)·B))
///     Q  = (αλ)²·C − 2βαλ·J + β²·P + I
///     C' = C − 2αλ·C + 2β·J + Q,   J' = βJ − αλ·C + Q,   P' = Q
///     loss = mean(C)/2
///
/// α = αₙ, β = βₙ of step n. τ = 1 is the exact diagonal of the averaged recursion for a delocalised
/// eigenbasis (|U[k][i]|² = 1/N), the reference's "mean field"; τ = −1 its "gauss" variant.
/// In double precision, eight eigenvalues per vector instruction; buffers are padded to a multiple of 8
/// with λ = C = 0, which stay 0 and add nothing to the sums.
func runSpectralDiagonal(_ problem: SpectralProblem, tau: Double, plan: RunPlan) -> PowerLawOutcome {
    let n = problem.size
    let padded = (n + 7) / 8 * 8
    let lambda = AlignedBuffer<Double>(count: padded)
    let c = AlignedBuffer<Double>(count: padded)
    let j = AlignedBuffer<Double>(count: padded)
    let p = AlignedBuffer<Double>(count: padded)
    lambda.copy(from: problem.eigenvalues)
    c.copy(from: problem.coefficients)
    var total = sum(c.pointer, padded)
    var recorder = RunRecorder(plan: plan, initialLoss: total / Double(2 * n))
    let gamma = plan.gamma(size: n)
    if plan.steps >= 1 {
        for step in 1...plan.steps {
            if plan.shouldStop() {
                recorder.interrupt(at: step)
                break
            }
            spectralDiagonalStep(lambda: lambda.pointer, c: c.pointer, j: j.pointer, p: p.pointer, count: padded,
                                 alpha: plan.schedule.rate(step), beta: plan.schedule.momentum(step),
                                 gamma: gamma, tau: tau, total: total)
            total = sum(c.pointer, padded)
            if !recorder.record(step: step, loss: total / Double(2 * n)) { break }
        }
    }
    var statistics = CurveStatistics(steps: plan.steps)
    statistics.add(recorder)
    return statistics.outcome(regime: PowerLawCatalog.spectralDiagonal, plan: plan)
}

/// One step of the recursion over `count` (a multiple of 8) entries, in place. The new Σ C is summed by
/// the caller in a second pass: accumulating it here as well makes LLVM (at -Ounchecked) split this
/// loop's 8-lane arithmetic into scalar and half-width pieces, several times slower.
private func spectralDiagonalStep(lambda: UnsafePointer<Double>, c: UnsafeMutablePointer<Double>,
                                  j: UnsafeMutablePointer<Double>, p: UnsafeMutablePointer<Double>, count: Int,
                                  alpha: Double, beta: Double, gamma: Double, tau: Double, total: Double) {
    let vAlpha = SIMD8<Double>(repeating: alpha), vBeta = SIMD8<Double>(repeating: beta)
    let vTwoBeta = SIMD8<Double>(repeating: 2 * beta), vBetaSquared = SIMD8<Double>(repeating: beta * beta)
    let vGamma = SIMD8<Double>(repeating: gamma), vTau = SIMD8<Double>(repeating: tau)
    let vTotal = SIMD8<Double>(repeating: total)
    var i = 0
    while i < count {
        let step = vAlpha * load8(lambda + i)
        let cOld = load8(c + i), jOld = load8(j + i), pOld = load8(p + i)
        let step2 = step * step
        let twoStep = step + step
        let interaction = vGamma * step2 * (vTotal - vTau * cOld)
        let q = step2 * cOld - vTwoBeta * step * jOld + vBetaSquared * pOld + interaction
        let cNew = cOld - twoStep * cOld + vTwoBeta * jOld + q
        store8(cNew, c + i)
        store8(vBeta * jOld - step * cOld + q, j + i)
        store8(q, p + i)
        i += 8
    }
}
