// Single-precision matrix multiply, row-major, in all transpose forms: the workhorse of every layer.

/// `C ← alpha · op(A) · op(B) + beta · C`, row-major, where `op(A)` is m×k and `op(B)` is k×n.
///
/// - `a` holds A with leading dimension `lda`: A is m×k (`lda ≥ k`) or, if `transA`, k×m (`lda ≥ m`).
/// - `b` holds B with leading dimension `ldb`: B is k×n (`ldb ≥ n`) or, if `transB`, n×k (`ldb ≥ k`).
/// - `c` is m×n with leading dimension `ldc ≥ n`. With `beta == 0`, C is not read (NaNs in it vanish).
public func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                 alpha: Float, a: UnsafePointer<Float>, lda: Int,
                 b: UnsafePointer<Float>, ldb: Int,
                 beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
    gemmReference(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                  b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
}

/// The plain triple loop: the algorithmic reference the tuned kernel is tested against.
/// Each C element is one dot product over k in increasing order, accumulated in Float.
public func gemmReference(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                          alpha: Float, a: UnsafePointer<Float>, lda: Int,
                          b: UnsafePointer<Float>, ldb: Int,
                          beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
    for i in 0..<m {
        for j in 0..<n {
            var sum: Float = 0
            for p in 0..<k {
                let x = transA ? a[p * lda + i] : a[i * lda + p]
                let y = transB ? b[j * ldb + p] : b[p * ldb + j]
                sum += x * y
            }
            let old = beta == 0 ? 0 : beta * c[i * ldc + j]
            c[i * ldc + j] = alpha * sum + old
        }
    }
}
