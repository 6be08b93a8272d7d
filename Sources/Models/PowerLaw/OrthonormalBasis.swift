// Orthonormal bases for the synthetic power-law problem: a seeded Haar-random orthogonal matrix (the
// orthogonal factor of a Gaussian matrix with its signs fixed, which is how torch.nn.init.orthogonal_
// draws one) and the Walsh–Hadamard basis, whose entries all have modulus 1/√n: a "delocalised" basis,
// for which the spectral-diagonal recursion with τ = 1 is the exact diagonal of the averaged one.

/// Orthonormal n×n bases, row-major, one basis vector per row.
public enum OrthonormalBasis {
    /// Reflectors applied per pass over a row: their vectors (32 rows) stay in L2 while each row is updated.
    private static let panel = 32

    /// A Haar-distributed random orthogonal matrix drawn from `generator`.
    ///
    /// G (n×n, i.i.d. N(0, 1), row by row) is factored G = L·Q by Householder reflectors acting on rows
    /// (an LQ factorisation: the QR factorisation of Gᵀ, so every access runs along a row), and the result
    /// is U = D·Q with D = sign(diag L): the factor of the unique decomposition whose triangular part has
    /// a positive diagonal, which makes U Haar-distributed (Mezzadri 2007, "How to generate random
    /// matrices from the classical compact groups").
    /// - Complexity: (8/3)·n³ flops, in panels of 32 reflectors over rows held in cache, on up to
    ///   `threads` threads (rows are independent, so the result does not depend on the count).
    public static func random(size n: Int, generator: inout SeededGenerator, threads: Int = Compute.threads) -> [Double] {
        precondition(n >= 1, "OrthonormalBasis.random: size must be ≥ 1, got \(n)")
        var g = [Double](repeating: 0, count: n * n)
        for i in 0..<(n * n) { g[i] = generator.normal() }
        var beta = [Double](repeating: 0, count: n)
        var sign = [Double](repeating: 1, count: n)
        var u = [Double](repeating: 0, count: n * n)
        g.withUnsafeMutableBufferPointer { g in
            let g = g.baseAddress!
            factorRows(g, n, &beta, &sign, threads: threads)
            beta.withUnsafeBufferPointer { beta in
                u.withUnsafeMutableBufferPointer { u in
                    // Row k of Q = H_{n−2}···H₀ is e_kᵀ·H_k·H_{k−1}···H₀.
                    ReflectorSequence(vectors: g, beta: beta.baseAddress!, n: n, shift: 0).formRows(into: u.baseAddress!, reflectors: n, threads: threads)
                }
            }
        }
        for k in 0..<n where sign[k] < 0 {
            for i in 0..<n { u[k * n + i] = -u[k * n + i] }
        }
        return u
    }

    /// The Walsh–Hadamard basis of size n (a power of two): U[k][i] = (−1)^popcount(k AND i) / √n.
    /// - Throws: `PowerLawError.hadamardSize` when n is not a power of two.
    public static func hadamard(size n: Int) throws -> [Double] {
        guard n >= 1, n & (n - 1) == 0 else { throw PowerLawError.hadamardSize(n) }
        let entry = 1 / Double(n).squareRoot()
        var u = [Double](repeating: 0, count: n * n)
        for k in 0..<n {
            for i in 0..<n { u[k * n + i] = (k & i).nonzeroBitCount % 2 == 0 ? entry : -entry }
        }
        return u
    }

    // MARK: - Householder LQ

    /// Overwrites row j of `g` from column j on with reflector j's vector v (so that G·H₀···Hⱼ has zeros
    /// right of the diagonal in rows ≤ j), and records βⱼ and the sign of L[j][j]. Panels of `panel`
    /// reflectors are made row by row, then applied to every later row (spread over `threads`).
    private static func factorRows(_ g: UnsafeMutablePointer<Double>, _ n: Int, _ beta: inout [Double], _ sign: inout [Double],
                                   threads: Int) {
        beta.withUnsafeMutableBufferPointer { betaBuffer in
            let reflectors = ReflectorSequence(vectors: g, beta: betaBuffer.baseAddress!, n: n, shift: 0)
            for j0 in stride(from: 0, to: n, by: panel) {
                let j1 = min(j0 + panel, n)
                for j in j0..<j1 {
                    let row = g + j * n
                    reflectors.apply(j0..<j, toRows: j..<(j + 1), of: g)
                    // Reflector j maps x = row[j…] onto L[j][j]·e₁ with L[j][j] = −sign(x₀)·‖x‖.
                    let x0 = row[j]
                    let norm = sumOfSquares(row + j, n - j).squareRoot()
                    if j == n - 1 || norm == 0 {
                        betaBuffer[j] = 0
                        sign[j] = x0 < 0 ? -1 : 1
                        continue
                    }
                    let s: Double = x0 >= 0 ? 1 : -1
                    row[j] = x0 + s * norm
                    betaBuffer[j] = 1 / (norm * (norm + abs(x0)))
                    sign[j] = -s
                }
                guard j1 < n else { continue }
                let rows = n - j1
                let chunks = Compute.chunkCount(work: rows * (j1 - j0) * (n - j0), items: rows, threads: threads)
                Compute.forEachChunk(chunks, threads: threads) { chunk in
                    reflectors.apply(j0..<j1, toRows: (j1 + rows * chunk / chunks)..<(j1 + rows * (chunk + 1) / chunks), of: g)
                }
            }
        }
    }
}
