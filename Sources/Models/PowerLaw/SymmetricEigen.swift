// The symmetric eigensolver of the power-law regimes: Householder reduction to tridiagonal form, then the
// implicit QL algorithm with Wilkinson-type shifts (Golub & Van Loan, "Matrix Computations", §8.3; the
// EISPACK tred/tql pair). The spectral regime needs the eigenvalues and the coordinates of one vector
// (the initial error) in the eigenbasis, not the eigenvectors, so the solver carries the vectors it is
// given through every transformation: for one vector the QL phase costs O(n²) instead of O(n³). The
// averaged regime needs the whole basis: that is the identity carried along. Everything is in Double.

/// The eigenvalues of a real symmetric matrix, largest first, and the coordinates of given vectors in its
/// orthonormal eigenbasis.
///
/// For A = Σₖ λₖ uₖuₖᵀ and a vector x, `projections[i][k]` is uₖᵀxᵢ. The sign of an eigenvector is
/// arbitrary, so a projection is defined up to sign; its square is not (for a simple eigenvalue).
/// `eigenvectors(symmetric:size:)` gives the eigenvectors themselves.
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
        try Self.check(matrix, size: size)
        var x = try Self.coordinateMajor(vectors, size: size)
        let d = try Self.solve(matrix, size: size, x: &x, count: vectors.count)
        self.init(unsorted: d, x: x, count: vectors.count)
    }

    /// Decomposes the symmetric tridiagonal matrix with `diagonal` (n) and `offDiagonal` (n − 1 values:
    /// entry i couples i and i + 1), projecting `vectors` (each of length n).
    public init(diagonal: [Double], offDiagonal: [Double], projecting vectors: [[Double]] = []) throws {
        guard offDiagonal.count + 1 == diagonal.count else {
            throw PowerLawError.shapeMismatch(what: "off-diagonal of a tridiagonal matrix of size \(diagonal.count)",
                                              got: offDiagonal.count, expected: diagonal.count - 1)
        }
        var x = try Self.coordinateMajor(vectors, size: diagonal.count)
        var d = diagonal, e = offDiagonal + [0]
        try x.withUnsafeMutableBufferPointer { x in
            try implicitQL(&d, &e, x.baseAddress!, count: vectors.count, threads: 1)
        }
        self.init(unsorted: d, x: x, count: vectors.count)
    }

    /// The eigenvalues, largest first, and the orthonormal eigenvectors as the rows of a `size`×`size`
    /// row-major matrix (row k belongs to value k), by carrying the identity through the solver.
    /// - Complexity: about 6·n³ flops (the reduction, its reflectors and the QL rotations on n vectors);
    ///   the last two on up to `threads` threads (the result does not depend on the count).
    public static func eigenvectors(symmetric matrix: [Double], size n: Int, threads: Int = Compute.threads) throws
        -> (values: [Double], vectors: [Double]) {
        try check(matrix, size: n)
        var a = matrix
        var d = [Double](repeating: 0, count: n), e = [Double](repeating: 0, count: n)
        // Coordinate-major Hᵀ (H = P₀P₁…, the reduction's reflectors): after the QL rotations, row i holds
        // eigenvector i (in solver order).
        var x = [Double](repeating: 0, count: n * n)
        try a.withUnsafeMutableBufferPointer { a in
            try x.withUnsafeMutableBufferPointer { x in
                let beta = tridiagonalize(a.baseAddress!, n, &d, &e)
                beta.withUnsafeBufferPointer { beta in
                    // Row i of Hᵀ = P_{n−3}···P₀ is e_iᵀ·P_{i−1}···P₀.
                    ReflectorSequence(vectors: a.baseAddress!, beta: beta.baseAddress!, n: n, shift: 1)
                        .formRows(into: x.baseAddress!, reflectors: beta.count, threads: threads)
                }
                try implicitQL(&d, &e, x.baseAddress!, count: n, threads: threads)
            }
        }
        let order = descending(d)
        var vectors = [Double](repeating: 0, count: n * n)
        for (k, row) in order.enumerated() {
            for t in 0..<n { vectors[k * n + t] = x[row * n + t] }
        }
        return (order.map { d[$0] }, vectors)
    }

    private static func check(_ matrix: [Double], size: Int) throws {
        guard matrix.count == size * size, size >= 1 else {
            throw PowerLawError.shapeMismatch(what: "symmetric matrix of size \(size)", got: matrix.count, expected: size * size)
        }
    }

    /// The vectors as an n × count matrix whose column t is vector t (so that the solver's rotations and
    /// reflections, which mix coordinates, run along rows).
    private static func coordinateMajor(_ vectors: [[Double]], size n: Int) throws -> [Double] {
        // Never empty, so its base address exists even with no vectors.
        var x = [Double](repeating: 0, count: max(n * vectors.count, 1))
        for (t, vector) in vectors.enumerated() {
            guard vector.count == n else { throw PowerLawError.shapeMismatch(what: "projected vector", got: vector.count, expected: n) }
            for i in 0..<n { x[i * vectors.count + t] = vector[i] }
        }
        return x
    }

    /// Tridiagonalises and diagonalises, carrying the columns of x along; returns the eigenvalues in
    /// solver order.
    private static func solve(_ matrix: [Double], size n: Int, x: inout [Double], count: Int) throws -> [Double] {
        var a = matrix
        var d = [Double](repeating: 0, count: n)
        var e = [Double](repeating: 0, count: n)
        try a.withUnsafeMutableBufferPointer { a in
            try x.withUnsafeMutableBufferPointer { x in
                let beta = tridiagonalize(a.baseAddress!, n, &d, &e)
                if count > 0 { reflect(x.baseAddress!, count: count, reflectors: a.baseAddress!, beta: beta, n) }
                try implicitQL(&d, &e, x.baseAddress!, count: count, threads: 1)
            }
        }
        return d
    }

    /// Sorts largest first and reads the projections out of the coordinate-major x.
    private init(unsorted d: [Double], x: [Double], count: Int) {
        let order = Self.descending(d)
        values = order.map { d[$0] }
        projections = (0..<count).map { t in order.map { x[$0 * count + t] } }
    }

    /// Indices of `d`, largest value first; ties keep their index order, so the result is fixed.
    private static func descending(_ d: [Double]) -> [Int] {
        d.indices.sorted { d[$0] > d[$1] || (d[$0] == d[$1] && $0 < $1) }
    }
}

// MARK: - Householder tridiagonalisation

/// Reduces the symmetric n×n `a` (upper triangle, row-major) to T = HᵀAH, tridiagonal with `d` on the
/// diagonal and `e[i]` = T[i][i+1] (e[n−1] = 0); H = P₀P₁···P_{n−3}. Reflector Pⱼ = I − βⱼ·v·vᵀ is left in
/// row j of `a` from column j + 1 on; returns the βⱼ.
///
/// Step j (j = 0 … n−3) builds the reflector P that maps row j right of the diagonal, x = A[j][j+1…],
/// onto ∓‖x‖·e₁, then updates the trailing block A₂₂ ← P·A₂₂·P as a rank-2 update:
///     p = β·A₂₂·v,   w = p − (β·pᵀv/2)·v,   A₂₂ ← A₂₂ − v·wᵀ − w·vᵀ.
/// Only the upper triangle of A₂₂ is touched: the symmetric product reads row i from column i on and
/// adds row i's off-diagonal part into p (so every access runs along a row). The matrix is larger than
/// the caches from N ≈ 1500 on, where each pass over it costs a trip to memory.
private func tridiagonalize(_ a: UnsafeMutablePointer<Double>, _ n: Int, _ d: inout [Double], _ e: inout [Double]) -> [Double] {
    var betas = [Double](repeating: 0, count: max(n - 2, 0))
    var p = [Double](repeating: 0, count: n)
    // The rank-2 update of step j is applied lazily, in the same pass over each row as step j + 1's
    // product (one pass over the trailing triangle per step instead of two): `pending` holds step j's
    // (v, w), v being row j of `a`.
    var wPending = [Double](repeating: 0, count: n), wNext = [Double](repeating: 0, count: n)
    var pending: UnsafePointer<Double>?
    /// Row i, from column i on, −= vᵢ·w + wᵢ·v for the pending (v, w).
    func update(_ i: Int, _ w: UnsafePointer<Double>) {
        guard let v = pending else { return }
        let row = a + i * n
        axpy(-v[i], w + i, row + i, n - i)
        axpy(-w[i], v + i, row + i, n - i)
    }
    p.withUnsafeMutableBufferPointer { p in
        let p = p.baseAddress!
        for j in 0..<max(n - 2, 0) {
            let rowJ = a + j * n
            wPending.withUnsafeBufferPointer { update(j, $0.baseAddress!) }
            // v lives in row j, at columns j+1 …, indexed by absolute column (v[k] = rowJ[k]).
            let v = rowJ
            let m = n - j - 1
            let x0 = v[j + 1]
            let norm = sumOfSquares(v + j + 1, m).squareRoot()
            d[j] = rowJ[j]
            let beta: Double
            if norm > 0 {
                let sign: Double = x0 >= 0 ? 1 : -1
                e[j] = -sign * norm
                v[j + 1] = x0 + sign * norm
                beta = 1 / (norm * (norm + abs(x0)))
            } else {
                // Row j is already reduced: P = I. The pass below still brings the rows up to date, and its
                // own update is zero (w = 0).
                e[j] = 0
                beta = 0
            }
            betas[j] = beta
            // p = β·A₂₂·v over the upper triangle, row by row, each row first brought up to date.
            for k in (j + 1)..<n { p[k] = 0 }
            wPending.withUnsafeBufferPointer { w in
                for i in (j + 1)..<n {
                    update(i, w.baseAddress!)
                    let row = a + i * n
                    let vi = v[i]
                    let rest = n - i - 1
                    p[i] += row[i] * vi + dot(row + i + 1, v + i + 1, rest)
                    axpy(vi, row + i + 1, p + i + 1, rest)
                }
            }
            for k in (j + 1)..<n { p[k] *= beta }
            let half = beta / 2 * dot(p + j + 1, v + j + 1, m)
            for k in (j + 1)..<n { wNext[k] = p[k] - half * v[k] }
            swap(&wPending, &wNext)
            pending = UnsafePointer(v)
        }
    }
    // The last update reaches the trailing 2×2 block.
    wPending.withUnsafeBufferPointer { w in for i in max(n - 2, 0)..<n { update(i, w.baseAddress!) } }
    if n >= 2 {
        d[n - 2] = a[(n - 2) * n + n - 2]
        e[n - 2] = a[(n - 2) * n + n - 1]
    }
    d[n - 1] = a[(n - 1) * n + n - 1]
    e[n - 1] = 0
    return betas
}

/// Replaces each column x of the coordinate-major n × count `x` by Hᵀx = P_{n−3}···P₀x: for j = 0, 1, …,
/// s = βⱼ·Σₖ vₖ·x[k, :] and x[k, :] −= vₖ·s over k > j, row by row.
private func reflect(_ x: UnsafeMutablePointer<Double>, count: Int, reflectors a: UnsafePointer<Double>, beta: [Double], _ n: Int) {
    var s = [Double](repeating: 0, count: count)
    s.withUnsafeMutableBufferPointer { s in
        let s = s.baseAddress!
        for j in beta.indices where beta[j] != 0 {
            let v = a + j * n
            for t in 0..<count { s[t] = 0 }
            for k in (j + 1)..<n { axpy(v[k], x + k * count, s, count) }
            for t in 0..<count { s[t] *= beta[j] }
            for k in (j + 1)..<n { axpy(-v[k], s, x + k * count, count) }
        }
    }
}

// MARK: - Implicit QL

/// Diagonalises the symmetric tridiagonal (d, e) in place: on return d holds the eigenvalues (unsorted).
/// Each plane rotation G applied to the basis is applied as Gᵀ to every column of the coordinate-major
/// n × count `x` (two rows at a time), so the columns end as coordinates in the eigenbasis.
///
/// For each l, while some e[m] (m ≥ l) is not negligible against |d[m]| + |d[m+1]|: one implicit QL sweep
/// over l…m with the shift taken from the leading 2×2 block (the eigenvalue of it nearer d[l]), chasing
/// the bulge from m − 1 down to l with Givens rotations, which `RotationLog` applies to x.
private func implicitQL(_ d: inout [Double], _ e: inout [Double], _ x: UnsafeMutablePointer<Double>, count: Int,
                        threads: Int) throws {
    let n = d.count
    let maxSweeps = 60
    var log = RotationLog(x: x, count: count, capacity: 8 * n, threads: threads)
    defer { log.flush() }
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
                log.append(row: i, c: c, s: s)
                i -= 1
            }
            if deflated { continue }
            d[l] -= p
            e[l] = g
            e[m] = 0
        }
    }
}

/// The QL rotations still to be applied to the coordinate-major x, in order. Applying each one at once
/// would stream all of x from memory per sweep; instead up to `capacity` rotations are kept and applied
/// 32 columns at a time (a column block of all rows stays in cache while every logged rotation passes
/// over it), the blocks spread over `threads`. Every column sees the same rotations in the same
/// order either way, so the result is the same bit for bit.
private struct RotationLog {
    let x: UnsafeMutablePointer<Double>
    let count: Int
    let capacity: Int
    let threads: Int
    private var rows: [Int] = [], cosines: [Double] = [], sines: [Double] = []

    init(x: UnsafeMutablePointer<Double>, count: Int, capacity: Int, threads: Int) {
        self.x = x
        self.count = count
        self.capacity = capacity
        self.threads = threads
        guard count > 0 else { return }
        rows.reserveCapacity(capacity)
        cosines.reserveCapacity(capacity)
        sines.reserveCapacity(capacity)
    }

    /// Records the rotation of rows (row, row + 1); applies the log when it is full.
    mutating func append(row: Int, c: Double, s: Double) {
        guard count > 0 else { return }
        rows.append(row)
        cosines.append(c)
        sines.append(s)
        if rows.count >= capacity { flush() }
    }

    /// Applies and clears the log.
    mutating func flush() {
        guard !rows.isEmpty else { return }
        let x = x, count = count
        let blocks = (count + 31) / 32
        let chunks = Compute.chunkCount(work: 3 * rows.count * count, items: blocks, threads: threads)
        rows.withUnsafeBufferPointer { rows in
            cosines.withUnsafeBufferPointer { cosines in
                sines.withUnsafeBufferPointer { sines in
                    Compute.forEachChunk(chunks, threads: threads) { chunk in
                        for block in (blocks * chunk / chunks)..<(blocks * (chunk + 1) / chunks) {
                            let first = block * 32, width = min(32, count - first)
                            for k in rows.indices {
                                let row = rows[k]
                                rotate(x + row * count + first, x + (row + 1) * count + first, c: cosines[k], s: sines[k], width)
                            }
                        }
                    }
                }
            }
        }
        rows.removeAll(keepingCapacity: true)
        cosines.removeAll(keepingCapacity: true)
        sines.removeAll(keepingCapacity: true)
    }
}

/// (lower, upper) ← (c·lower − s·upper, s·lower + c·upper), elementwise over two rows.
@inline(__always)
private func rotate(_ lower: UnsafeMutablePointer<Double>, _ upper: UnsafeMutablePointer<Double>, c: Double, s: Double, _ count: Int) {
    let vc = SIMD8<Double>(repeating: c), vs = SIMD8<Double>(repeating: s)
    var t = 0
    while t + 8 <= count {
        let l = load8(lower + t), u = load8(upper + t)
        store8(vs * l + vc * u, upper + t)
        store8(vc * l - vs * u, lower + t)
        t += 8
    }
    while t < count {
        let l = lower[t], u = upper[t]
        upper[t] = s * l + c * u
        lower[t] = c * l - s * u
        t += 1
    }
}
