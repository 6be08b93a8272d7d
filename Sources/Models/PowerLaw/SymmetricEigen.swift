// The symmetric eigensolver of the power-law regimes: Householder reduction to tridiagonal form, then the
// implicit QL algorithm with Wilkinson-type shifts (Golub & Van Loan, "Matrix Computations", §8.3; the
// EISPACK tred/tql pair). The spectral regime needs the eigenvalues and the coordinates of one vector
// (the initial error) in the eigenbasis, not the eigenvectors themselves, so the solver carries the
// vectors it is given through every transformation instead of accumulating the n×n basis: the QL phase
// then costs O(n²) instead of O(n³). Everything is in Double.

/// The eigenvalues of a real symmetric matrix, largest first, and the coordinates of given vectors in its
/// orthonormal eigenbasis.
///
/// For A = Σₖ λₖ uₖuₖᵀ and a vector x, `projections[i][k]` is uₖᵀxᵢ. The sign of an eigenvector is
/// arbitrary, so a projection is defined up to sign; its square is not (for a simple eigenvalue).
/// Passing the unit vectors e₁…eₙ gives the eigenvectors themselves (`projections[i][k]` = uₖ[i]).
public struct SymmetricEigen: Sendable {
    /// Eigenvalues, largest first.
    public var values: [Double]
    /// For each projected vector xᵢ, the list uₖᵀxᵢ in the order of `values`.
    public var projections: [[Double]]

    /// Decomposes the symmetric `size`×`size` row-major `matrix`. Only its upper triangle is read.
    /// - Complexity: (4/3)·n³ multiply-adds for the reduction, O(n²) per projected vector.
    /// - Throws: `PowerLawError.eigensolverFailed` if a QL iteration does not converge (NaN or infinite
    ///   entries, in practice), or `.shapeMismatch` for buffers of the wrong length.
    public init(symmetric matrix: [Double], size: Int, projecting vectors: [[Double]] = []) throws {
        guard matrix.count == size * size, size >= 1 else {
            throw PowerLawError.shapeMismatch(what: "symmetric matrix of size \(size)", got: matrix.count, expected: size * size)
        }
        for x in vectors where x.count != size {
            throw PowerLawError.shapeMismatch(what: "projected vector", got: x.count, expected: size)
        }
        var a = matrix
        var vectors = vectors
        var diagonal = [Double](repeating: 0, count: size)
        var offDiagonal = [Double](repeating: 0, count: size)
        a.withUnsafeMutableBufferPointer { a in
            tridiagonalize(a.baseAddress!, size, &diagonal, &offDiagonal, &vectors)
        }
        try self.init(diagonal: diagonal, offDiagonal: offDiagonal, reduced: vectors)
    }

    /// Decomposes the symmetric tridiagonal matrix with `diagonal` (n) and `offDiagonal` (n − 1 values:
    /// entry i couples i and i + 1), projecting `vectors` (each of length n).
    public init(diagonal: [Double], offDiagonal: [Double], projecting vectors: [[Double]] = []) throws {
        guard offDiagonal.count + 1 == diagonal.count else {
            throw PowerLawError.shapeMismatch(what: "off-diagonal of a tridiagonal matrix of size \(diagonal.count)",
                                              got: offDiagonal.count, expected: diagonal.count - 1)
        }
        for x in vectors where x.count != diagonal.count {
            throw PowerLawError.shapeMismatch(what: "projected vector", got: x.count, expected: diagonal.count)
        }
        try self.init(diagonal: diagonal, offDiagonal: offDiagonal + [0], reduced: vectors)
    }

    /// QL on the tridiagonal form (`offDiagonal[n − 1]` = 0), `reduced` already in its basis.
    private init(diagonal: [Double], offDiagonal: [Double], reduced: [[Double]]) throws {
        var d = diagonal, e = offDiagonal, q = reduced
        try implicitQL(&d, &e, &q)
        // Largest first; ties keep their index order, so the result is fixed.
        let order = d.indices.sorted { d[$0] > d[$1] || (d[$0] == d[$1] && $0 < $1) }
        values = order.map { d[$0] }
        projections = q.map { x in order.map { x[$0] } }
    }
}

// MARK: - Householder tridiagonalisation

/// Reduces the symmetric n×n `a` (upper triangle, row-major; destroyed) to T = HᵀAH, tridiagonal with
/// `d` on the diagonal and `e[i]` = T[i][i+1] (e[n−1] = 0), and replaces each vector x by Hᵀx.
///
/// Step j (j = 0 … n−3) builds the reflector P = I − β·v·vᵀ that maps row j right of the diagonal,
/// x = A[j][j+1…], onto ∓‖x‖·e₁, then updates the trailing block A₂₂ ← P·A₂₂·P as a rank-2 update:
///     p = β·A₂₂·v,   w = p − (β·pᵀv/2)·v,   A₂₂ ← A₂₂ − v·wᵀ − w·vᵀ.
/// Only the upper triangle of A₂₂ is touched: the symmetric product reads row i from column i on and
/// adds row i's off-diagonal part into p (so every access runs along a row).
private func tridiagonalize(_ a: UnsafeMutablePointer<Double>, _ n: Int, _ d: inout [Double], _ e: inout [Double],
                            _ vectors: inout [[Double]]) {
    var p = [Double](repeating: 0, count: n)
    var w = [Double](repeating: 0, count: n)
    p.withUnsafeMutableBufferPointer { p in
        w.withUnsafeMutableBufferPointer { w in
            let p = p.baseAddress!, w = w.baseAddress!
            for j in 0..<max(n - 2, 0) {
                let rowJ = a + j * n
                // v lives in row j, at columns j+1 …, indexed by absolute column (v[k] = rowJ[k]).
                let v = rowJ
                let m = n - j - 1
                let x0 = v[j + 1]
                let norm = sumOfSquares(v + j + 1, m).squareRoot()
                d[j] = rowJ[j]
                guard norm > 0 else {
                    // Row j is already reduced: P = I.
                    e[j] = 0
                    continue
                }
                let sign: Double = x0 >= 0 ? 1 : -1
                e[j] = -sign * norm
                v[j + 1] = x0 + sign * norm
                let beta = 1 / (norm * (norm + abs(x0)))
                // p = β·A₂₂·v over the upper triangle, row by row.
                for k in (j + 1)..<n { p[k] = 0 }
                for i in (j + 1)..<n {
                    let row = a + i * n
                    let vi = v[i]
                    let rest = n - i - 1
                    p[i] += row[i] * vi + dot(row + i + 1, v + i + 1, rest)
                    axpy(vi, row + i + 1, p + i + 1, rest)
                }
                for k in (j + 1)..<n { p[k] *= beta }
                let half = beta / 2 * dot(p + j + 1, v + j + 1, m)
                for k in (j + 1)..<n { w[k] = p[k] - half * v[k] }
                for i in (j + 1)..<n {
                    let row = a + i * n
                    axpy(-v[i], w + i, row + i, n - i)
                    axpy(-w[i], v + i, row + i, n - i)
                }
                // Carry the vectors along: x ← P·x on coordinates j+1 ….
                for t in vectors.indices {
                    vectors[t].withUnsafeMutableBufferPointer { x in
                        let x = x.baseAddress!
                        let s = beta * dot(v + j + 1, x + j + 1, m)
                        axpy(-s, v + j + 1, x + j + 1, m)
                    }
                }
            }
        }
    }
    if n >= 2 {
        d[n - 2] = a[(n - 2) * n + n - 2]
        e[n - 2] = a[(n - 2) * n + n - 1]
    }
    d[n - 1] = a[(n - 1) * n + n - 1]
    e[n - 1] = 0
}

// MARK: - Implicit QL

/// Diagonalises the symmetric tridiagonal (d, e) in place: on return d holds the eigenvalues (unsorted).
/// Each plane rotation G applied to the basis is applied as Gᵀ to every vector in `q`, so q ends as the
/// vectors' coordinates in the eigenbasis.
///
/// For each l, while some e[m] (m ≥ l) is not negligible against |d[m]| + |d[m+1]|: one implicit QL sweep
/// over l…m with the shift taken from the leading 2×2 block (the eigenvalue of it nearer d[l]), chasing
/// the bulge from m − 1 down to l with Givens rotations.
private func implicitQL(_ d: inout [Double], _ e: inout [Double], _ q: inout [[Double]]) throws {
    let n = d.count
    let maxSweeps = 60
    for l in 0..<n {
        var sweeps = 0
        while true {
            var m = l
            while m < n - 1 {
                let scale = abs(d[m]) + abs(d[m + 1])
                if abs(e[m]) <= Double.ulpOfOne * scale { break }
                m += 1
            }
            if m == l { break }
            sweeps += 1
            guard sweeps <= maxSweeps, d[l].isFinite, e[l].isFinite else {
                throw PowerLawError.eigensolverFailed(index: l, sweeps: sweeps)
            }
            var g = (d[l + 1] - d[l]) / (2 * e[l])
            var r = (g * g + 1).squareRoot()
            g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r))
            var s = 1.0, c = 1.0, p = 0.0
            var i = m - 1
            var deflated = false
            while i >= l {
                let f = s * e[i]
                let b = c * e[i]
                r = (f * f + g * g).squareRoot()
                e[i + 1] = r
                if r == 0 {
                    // The rotation vanished: the matrix split at i + 1; restart on the smaller block.
                    d[i + 1] -= p
                    e[m] = 0
                    deflated = true
                    break
                }
                s = f / r
                c = g / r
                g = d[i + 1] - p
                r = (d[i] - g) * s + 2 * c * b
                p = s * r
                d[i + 1] = g + p
                g = c * r - b
                for t in q.indices {
                    let upper = q[t][i + 1], lower = q[t][i]
                    q[t][i + 1] = s * lower + c * upper
                    q[t][i] = c * lower - s * upper
                }
                i -= 1
            }
            if deflated { continue }
            d[l] -= p
            e[l] = g
            e[m] = 0
        }
    }
}
