// The empirical neural tangent kernel of `PowerLawNetwork` at its current parameters (seeds.md §3.2, "the
// empirical NTK of the actual MLP"), in closed form instead of per-sample Jacobians. Sizes: n points,
// d inputs, m hidden units.

/// K[i][l] = Σ_θ ∂f(xᵢ)/∂θ · ∂f(x_l)/∂θ for f(x) = (1/√m)·Σⱼ vⱼ·relu(wⱼ·x/√d + bⱼ), over θ = (w, b, v).
///
/// With hᵢⱼ = wⱼ·xᵢ/√d + bⱼ, the derivatives are ∂f/∂vⱼ = relu(hⱼ)/√m, ∂f/∂bⱼ = vⱼ·[hⱼ > 0]/√m and
/// ∂f/∂wⱼ = vⱼ·[hⱼ > 0]/√m · x/√d, so with A = relu(H)/√m, D = [H > 0]·diag(v)/√m and X̂ = X/√d:
///
///     K = A·Aᵀ + (D·Dᵀ) ⊙ (1 + X̂·X̂ᵀ)
///
/// three gemms (n×n×m, n×n×m, n×n×d) instead of n·(m·d + 2m) Jacobian entries. The pre-activations are
/// computed by the same operations as the network's forward pass (scale, gemm, bias), so the ReLU
/// pattern is the network's own. Single precision; the result is made exactly symmetric.
/// - Parameter features: (n, d) inputs, row-major.
func empiricalNTK(_ network: PowerLawNetwork, features: [Float], count n: Int) -> AlignedBuffer<Float> {
    let d = network.inputSize, m = network.width
    precondition(features.count == n * d, "empiricalNTK: \(features.count) features for \(n) points of \(d)")
    let parameters = network.parameters
    guard let wSlot = parameters.slot(named: "w"), let bSlot = parameters.slot(named: "b"),
          let vSlot = parameters.slot(named: "v") else {
        preconditionFailure("empiricalNTK: PowerLawNetwork has no w, b, v tensors: \(parameters.slots.map(\.name))")
    }
    let w = parameters.values + wSlot.offset, b = parameters.values + bSlot.offset, v = parameters.values + vSlot.offset
    let scaledInput = AlignedBuffer<Float>(features)
    let inputScale = 1 / Float(d).squareRoot()
    scaleForward(out: scaledInput.pointer, input: scaledInput.pointer, factor: inputScale, count: n * d)
    let activation = AlignedBuffer<Float>(count: n * m)
    linearForward(out: activation.pointer, input: scaledInput.pointer, weight: w, bias: b, n: n, c: d, oc: m)
    // activation ← relu(H)/√m; gate ← [H > 0]·v/√m.
    let gate = AlignedBuffer<Float>(count: n * m)
    let outputScale = 1 / Float(m).squareRoot()
    for i in 0..<n {
        let h = activation.pointer + i * m, g = gate.pointer + i * m
        for j in 0..<m {
            let positive = h[j] > 0
            g[j] = positive ? v[j] * outputScale : 0
            h[j] = positive ? h[j] * outputScale : 0
        }
    }
    let kernel = AlignedBuffer<Float>(count: n * n)
    let gates = AlignedBuffer<Float>(count: n * n)
    let inputs = AlignedBuffer<Float>(count: n * n)
    gemm(transA: false, transB: true, m: n, n: n, k: m, alpha: 1, a: activation.pointer, lda: m,
         b: activation.pointer, ldb: m, beta: 0, c: kernel.pointer, ldc: n)
    gemm(transA: false, transB: true, m: n, n: n, k: m, alpha: 1, a: gate.pointer, lda: m,
         b: gate.pointer, ldb: m, beta: 0, c: gates.pointer, ldc: n)
    gemm(transA: false, transB: true, m: n, n: n, k: d, alpha: 1, a: scaledInput.pointer, lda: d,
         b: scaledInput.pointer, ldb: d, beta: 0, c: inputs.pointer, ldc: n)
    for i in 0..<(n * n) { kernel.pointer[i] += gates.pointer[i] * (1 + inputs.pointer[i]) }
    symmetrizeFromUpper(kernel.pointer, n)
    return kernel
}
