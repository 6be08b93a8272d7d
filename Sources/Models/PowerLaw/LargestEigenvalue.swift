// The largest eigenvalue of a stored kernel, which fixes the problem's scale (K is rescaled so that
// λ_max = N, and the network's learning rate by N/λ_max). Lanczos iteration needs a few dozen products
// with the kernel where a full eigensolver needs O(N³), so an N = 10⁴ network run does not pay for a
// decomposition it never uses.

/// The largest eigenvalue of the symmetric n×n single-precision `matrix` (row-major), in double.
///
/// Lanczos iteration from a fixed pseudo-random start (so the value is a pure function of the matrix),
/// with full reorthogonalisation (twice, "twice is enough"), stopping when the largest Ritz value θ of
/// the tridiagonal Tⱼ has the residual bound βⱼ·|sⱼ| ≤ 10⁻¹³·|θ| (sⱼ: last entry of its Ritz vector), when
/// the Krylov space is invariant, or after min(n, 300) steps.
/// - Throws: `PowerLawError.eigensolverFailed` when the matrix holds NaN or infinite values.
func largestEigenvalue(of matrix: UnsafePointer<Float>, size n: Int, threads: Int = Compute.threads) throws -> Double {
    let maxSteps = min(n, 300)
    var basis = [Double](repeating: 0, count: maxSteps * n)
    var w = [Double](repeating: 0, count: n)
    var alphas: [Double] = [], betas: [Double] = []
    var generator = SeededGenerator(seed: 0, stream: "powerlaw.lanczos")
    var start = (0..<n).map { _ in generator.normal() }
    let startNorm = start.withUnsafeBufferPointer { sumOfSquares($0.baseAddress!, n) }.squareRoot()
    for i in 0..<n { start[i] /= startNorm }
    var theta = 0.0
    try basis.withUnsafeMutableBufferPointer { basis in
        try w.withUnsafeMutableBufferPointer { w in
            let q = basis.baseAddress!, w = w.baseAddress!
            start.withUnsafeBufferPointer { q.update(from: $0.baseAddress!, count: n) }
            for j in 0..<maxSteps {
                let qj = q + j * n
                multiply(matrix, qj, into: w, n, threads: threads)
                let alpha = dot(qj, w, n)
                axpy(-alpha, qj, w, n)
                if j > 0 { axpy(-betas[j - 1], q + (j - 1) * n, w, n) }
                for _ in 0..<2 {
                    for i in 0...j { axpy(-dot(q + i * n, w, n), q + i * n, w, n) }
                }
                alphas.append(alpha)
                let beta = sumOfSquares(w, n).squareRoot()
                let ritz = try SymmetricEigen(diagonal: alphas, offDiagonal: betas,
                                              projecting: [(0...j).map { $0 == j ? 1.0 : 0.0 }])
                theta = ritz.values[0]
                guard theta.isFinite else { throw PowerLawError.eigensolverFailed(index: 0, sweeps: j + 1) }
                let residual = beta * abs(ritz.projections[0][0])
                if residual <= 1e-13 * abs(theta) || beta <= 1e-14 * abs(theta) || j + 1 == maxSteps { return }
                betas.append(beta)
                let next = q + (j + 1) * n
                for i in 0..<n { next[i] = w[i] / beta }
            }
        }
    }
    return theta
}

/// y = A·x for the symmetric single-precision n×n A, each entry a double dot product of a row;
/// rows are split over `threads` (each y[i] is computed the same way on any thread).
private func multiply(_ a: UnsafePointer<Float>, _ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>, _ n: Int,
                      threads: Int) {
    let chunks = Compute.chunkCount(work: n * n, items: n, threads: threads)
    Compute.forEachChunk(chunks, threads: threads) { chunk in
        for i in (n * chunk / chunks)..<(n * (chunk + 1) / chunks) { y[i] = dot(a + i * n, x, n) }
    }
}
