// The averaged regime (seeds.md §3.1(c), PLO `training/train_full.py`): the exact recursion of the
// second moments of the linearised SGD-with-momentum dynamics, averaged over every batch sampling.
// Kept in the kernel's eigenbasis: O(N³) per step in two single-precision gemms, the rest O(N²).

/// Runs the averaged recursion with K̃ = K/N (λ_max = 1) from C = d₀d₀ᵀ, J = P = 0:
///
///     Q  = γα²N·K̃·diag(C)·K̃ + α²(1 − γ)·K̃CK̃ − αβ·(K̃J + (K̃J)ᵀ) + β²P
///     C' = C − α·(K̃C + CK̃) + β·(J + Jᵀ) + Q,   J' = βJ − α·CK̃ + Q,   P' = Q
///     loss = tr(C)/(2N)
///
/// C = E[d dᵀ], J = E[d vᵀ], P = E[v vᵀ] with v the last displacement d − d_prev; α = αₙ, β = βₙ;
/// γ = (N − B)/((N − 1)·B).
///
/// The state is stored in the eigenbasis of K̃ = Uᵀ·diag(λ)·U: C̃ = U·C·Uᵀ (likewise J̃, P̃), an exact change
/// of variables under which every term but the batch noise acts entrywise,
///
///     Q̃ₖₗ  = α²λₖλₗ·((1 − γ)·C̃ₖₗ + γN·Wₖₗ) − αβ·(λₖJ̃ₖₗ + λₗJ̃ₗₖ) + β²P̃ₖₗ,   W = U·diag(diag(UᵀC̃U))·Uᵀ
///     C̃'ₖₗ = (1 − α(λₖ + λₗ))·C̃ₖₗ + β·(J̃ₖₗ + J̃ₗₖ) + Q̃ₖₗ,   J̃'ₖₗ = βJ̃ₖₗ − αλₗ·C̃ₖₗ + Q̃ₖₗ,   P̃' = Q̃
///
/// and tr(C̃) = tr(C). Only W needs the basis: T = C̃·U, diag(C)ᵢ = Σₖ Uₖᵢ·Tₖᵢ, W = (U·diag(diag C))·Uᵀ: two
/// gemms per step (none in full batch, where γ = 0). Besides saving a gemm over the original-basis
/// form, this keeps single precision accurate: each entry's deterministic decay is applied to itself, so
/// rounding in the fast directions never leaks into the slow ones that carry the late loss.
func runAveraged(_ basis: Eigenbasis, plan: RunPlan) -> PowerLawOutcome {
    let n = basis.size
    let state = AveragedState(basis)
    var recorder = RunRecorder(plan: plan, initialLoss: state.trace() / Double(2 * n))
    let gamma = plan.gamma(size: n)
    if plan.steps >= 1 {
        for step in 1...plan.steps {
            if plan.shouldStop() {
                recorder.interrupt(at: step)
                break
            }
            state.step(alpha: plan.schedule.rate(step), beta: plan.schedule.momentum(step), gamma: gamma)
            if !recorder.record(step: step, loss: state.trace() / Double(2 * n)) { break }
        }
    }
    var statistics = CurveStatistics(steps: plan.steps)
    statistics.add(recorder)
    return statistics.outcome(regime: PowerLawCatalog.averaged, plan: plan)
}

/// The recursion's matrices (all N×N, row-major, single precision, in the eigenbasis) and one step of it.
final class AveragedState {
    let n: Int
    /// λₖ of K̃.
    let lambda: [Float]
    /// U (rows are eigenvectors).
    let basis: AlignedBuffer<Float>
    let c, j, p: AlignedBuffer<Float>
    /// C̃·U, U·diag(diag C) and W of the current step.
    private let cu, scaledBasis, w: AlignedBuffer<Float>
    /// diag(C) in the original basis, accumulated in double.
    private var diagonal: [Double]

    init(_ eigenbasis: Eigenbasis) {
        n = eigenbasis.size
        let count = n * n
        lambda = eigenbasis.eigenvalues.map { Float($0) }
        basis = AlignedBuffer(eigenbasis.vectors.map { Float($0) })
        c = AlignedBuffer(count: count)
        let coordinates = eigenbasis.coordinates.map { Float($0) }
        for k in 0..<n {
            for l in 0..<n { c.pointer[k * n + l] = coordinates[k] * coordinates[l] }
        }
        j = AlignedBuffer(count: count)
        p = AlignedBuffer(count: count)
        cu = AlignedBuffer(count: count)
        scaledBasis = AlignedBuffer(count: count)
        w = AlignedBuffer(count: count)
        diagonal = [Double](repeating: 0, count: n)
    }

    /// tr(C̃) = tr(C), summed in double in index order.
    func trace() -> Double {
        var total = 0.0
        for i in 0..<n { total += Double(c.pointer[i * n + i]) }
        return total
    }

    func step(alpha: Double, beta: Double, gamma: Double) {
        if gamma != 0 { noiseMatrix() }
        update(alpha: Float(alpha), beta: Float(beta), keep: Float(1 - gamma), noise: Float(gamma * Double(n)))
    }

    /// W = U·diag(diag C)·Uᵀ with diag(C)ᵢ = Σₖ Uₖᵢ·(C̃U)ₖᵢ.
    private func noiseMatrix() {
        let u = basis.pointer
        gemm(transA: false, transB: false, m: n, n: n, k: n, alpha: 1, a: c.pointer, lda: n, b: u, ldb: n,
             beta: 0, c: cu.pointer, ldc: n)
        diagonal.withUnsafeMutableBufferPointer { diagonal in
            let diagonal = diagonal.baseAddress!
            for i in 0..<n { diagonal[i] = 0 }
            for k in 0..<n {
                let uRow = u + k * n, cuRow = cu.pointer + k * n
                for i in 0..<n { diagonal[i] += Double(uRow[i]) * Double(cuRow[i]) }
            }
            for k in 0..<n {
                let uRow = u + k * n, scaledRow = scaledBasis.pointer + k * n
                for i in 0..<n { scaledRow[i] = uRow[i] * Float(diagonal[i]) }
            }
        }
        gemm(transA: false, transB: true, m: n, n: n, k: n, alpha: 1, a: scaledBasis.pointer, lda: n, b: u, ldb: n,
             beta: 0, c: w.pointer, ldc: n)
    }

    /// C̃, J̃, P̃ ← C̃', J̃', P̃', entry pairs (k, l) and (l, k) together (each needs the other's old J̃), in
    /// 64×64 tiles so the transposed reads stay in cache. `noise` = γN, `keep` = 1 − γ.
    private func update(alpha: Float, beta: Float, keep: Float, noise: Float) {
        let c = c.pointer, j = j.pointer, p = p.pointer, w = w.pointer
        let n = n
        let alpha2 = alpha * alpha, beta2 = beta * beta
        lambda.withUnsafeBufferPointer { lambda in
            let lambda = lambda.baseAddress!
            @inline(__always) func pair(_ a: Int, _ b: Int) {
                let ab = a * n + b, ba = b * n + a
                let la = lambda[a], lb = lambda[b]
                let jab = j[ab], jba = j[ba], cab = c[ab], cba = c[ba]
                let momentumTerm = alpha * beta * (la * jab + lb * jba)
                let qab = alpha2 * la * lb * (keep * cab + noise * w[ab]) - momentumTerm + beta2 * p[ab]
                let qba = alpha2 * la * lb * (keep * cba + noise * w[ba]) - momentumTerm + beta2 * p[ba]
                let decay = 1 - alpha * (la + lb), jSum = jab + jba
                let newCab = decay * cab + beta * jSum + qab
                let newCba = decay * cba + beta * jSum + qba
                let newJab = beta * jab - alpha * lb * cab + qab
                let newJba = beta * jba - alpha * la * cba + qba
                c[ab] = newCab
                c[ba] = newCba
                j[ab] = newJab
                j[ba] = newJba
                p[ab] = qab
                p[ba] = qba
            }
            let tile = 64
            for r0 in stride(from: 0, to: n, by: tile) {
                let r1 = min(r0 + tile, n)
                for s0 in stride(from: r0, to: n, by: tile) {
                    let s1 = min(s0 + tile, n)
                    for r in r0..<r1 {
                        // On the diagonal tile only s ≥ r; (r, r) pairs with itself, which `pair` handles
                        // (every new value is computed before any is stored, so both halves agree).
                        for s in max(s0, r)..<s1 { pair(r, s) }
                    }
                }
            }
        }
    }
}
