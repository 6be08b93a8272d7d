// The averaged regime (seeds.md §3.1(c), PLO `training/train_full.py`): the exact recursion of the
// second moments of the linearised SGD-with-momentum dynamics, averaged over every batch sampling.
// O(N³) per step: three single-precision gemms of N×N matrices, the rest O(N²).

/// Runs the averaged recursion with K̃ = K/N (λ_max = 1) from C = d₀d₀ᵀ, J = P = 0:
///
///     Q  = γα²N·K̃·diag(C)·K̃ + α²(1 − γ)·K̃CK̃ − αβ·(K̃J + (K̃J)ᵀ) + β²P
///     C' = C − α·(K̃C + CK̃) + β·(J + Jᵀ) + Q,   J' = βJ − α·CK̃ + Q,   P' = Q
///     loss = tr(C)/(2N)
///
/// C = E[d dᵀ], J = E[d vᵀ], P = E[v vᵀ] with v the last displacement d − d_prev; α = αₙ, β = βₙ.
/// The two K̃·(…)·K̃ terms share one product, K̃·M·K̃ with M = (1 − γ)·C + γN·diag(C), and
/// K̃·M = (1 − γ)·K̃C + γN·K̃·diag(C) is built from K̃C in O(N²); CK̃ = (K̃C)ᵀ since both are symmetric.
/// So a step is three gemms: A = K̃C, B = K̃J, and (K̃M)·K̃.
func runAveraged(_ problem: KernelProblem, plan: RunPlan) -> PowerLawOutcome {
    let n = problem.size
    let state = AveragedState(problem)
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

/// The recursion's matrices (all N×N, row-major, single precision) and one step of it.
final class AveragedState {
    let n: Int
    /// K̃ = K/N.
    let kernel: AlignedBuffer<Float>
    let c, j, p: AlignedBuffer<Float>
    /// K̃C, K̃J, K̃M and K̃MK̃ of the current step.
    private let kc, kj, km, kmk: AlignedBuffer<Float>
    private var diagonal: [Float]

    init(_ problem: KernelProblem) {
        n = problem.size
        let count = n * n
        kernel = AlignedBuffer(count: count)
        let scale = 1 / Float(n)
        for i in 0..<count { kernel.pointer[i] = problem.kernel.pointer[i] * scale }
        c = AlignedBuffer(count: count)
        let d0 = problem.initialError.map { Float($0) }
        for r in 0..<n {
            for s in 0..<n { c.pointer[r * n + s] = d0[r] * d0[s] }
        }
        j = AlignedBuffer(count: count)
        p = AlignedBuffer(count: count)
        kc = AlignedBuffer(count: count)
        kj = AlignedBuffer(count: count)
        km = AlignedBuffer(count: count)
        kmk = AlignedBuffer(count: count)
        diagonal = [Float](repeating: 0, count: n)
    }

    /// tr(C), summed in double in index order.
    func trace() -> Double {
        var total = 0.0
        for i in 0..<n { total += Double(c.pointer[i * n + i]) }
        return total
    }

    func step(alpha: Double, beta: Double, gamma: Double) {
        let k = kernel.pointer
        gemm(transA: false, transB: false, m: n, n: n, k: n, alpha: 1, a: k, lda: n, b: c.pointer, ldb: n,
             beta: 0, c: kc.pointer, ldc: n)
        gemm(transA: false, transB: false, m: n, n: n, k: n, alpha: 1, a: k, lda: n, b: j.pointer, ldb: n,
             beta: 0, c: kj.pointer, ldc: n)
        // K̃M[r][s] = (1 − γ)·K̃C[r][s] + γN·K̃[r][s]·C[s][s]
        for s in 0..<n { diagonal[s] = Float(gamma * Double(n)) * c.pointer[s * n + s] }
        let keep = Float(1 - gamma)
        diagonal.withUnsafeBufferPointer { diagonal in
            let diagonal = diagonal.baseAddress!
            for r in 0..<n {
                let kmRow = km.pointer + r * n, kcRow = kc.pointer + r * n, kRow = k + r * n
                for s in 0..<n { kmRow[s] = keep * kcRow[s] + kRow[s] * diagonal[s] }
            }
        }
        gemm(transA: false, transB: false, m: n, n: n, k: n, alpha: 1, a: km.pointer, lda: n, b: k, ldb: n,
             beta: 0, c: kmk.pointer, ldc: n)
        update(alpha: Float(alpha), beta: Float(beta))
    }

    /// C, J, P ← C', J', P', entry pairs (r, s) and (s, r) together (each needs the other's old values),
    /// in 64×64 tiles so the transposed reads stay in cache.
    private func update(alpha: Float, beta: Float) {
        let alpha2 = alpha * alpha, alphaBeta = alpha * beta, beta2 = beta * beta
        let c = c.pointer, j = j.pointer, p = p.pointer, kc = kc.pointer, kj = kj.pointer, kmk = kmk.pointer
        let n = n
        @inline(__always) func pair(_ a: Int, _ b: Int) {
            let ab = a * n + b, ba = b * n + a
            let kjSum = kj[ab] + kj[ba], kcSum = kc[ab] + kc[ba], jSum = j[ab] + j[ba]
            let qab = alpha2 * kmk[ab] - alphaBeta * kjSum + beta2 * p[ab]
            let qba = alpha2 * kmk[ba] - alphaBeta * kjSum + beta2 * p[ba]
            let jab = beta * j[ab] - alpha * kc[ba] + qab
            let jba = beta * j[ba] - alpha * kc[ab] + qba
            c[ab] = c[ab] - alpha * kcSum + beta * jSum + qab
            c[ba] = c[ba] - alpha * kcSum + beta * jSum + qba
            j[ab] = jab
            j[ba] = jba
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
                    // (both halves write the same values).
                    for s in max(s0, r)..<s1 { pair(r, s) }
                }
            }
        }
    }
}
