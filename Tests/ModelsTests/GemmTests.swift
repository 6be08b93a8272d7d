// The tuned gemm against exact (Double) products on odd shapes, in every transpose form, with alpha,
// beta 0 / 1 / other, padded leading dimensions, every path (direct, narrow, packed), and 1, 2, 3 threads
// giving bit-identical results, through every kernel set this CPU runs. Leading dimensions are the
// widths + 3 (A), + 5 (B), + 2 (C).
import Testing
import Models
import Foundation

struct GemmCase: CustomTestStringConvertible, Sendable {
    var m: Int, n: Int, k: Int
    var testDescription: String { "\(m)×\(k)·\(k)×\(n)" }
}

let gemmCases: [GemmCase] = [
    GemmCase(m: 1, n: 1, k: 1), GemmCase(m: 1, n: 1, k: 7), GemmCase(m: 3, n: 5, k: 2),
    GemmCase(m: 12, n: 32, k: 16), GemmCase(m: 13, n: 33, k: 17), GemmCase(m: 11, n: 31, k: 5),
    GemmCase(m: 7, n: 1, k: 300), GemmCase(m: 1, n: 97, k: 64), GemmCase(m: 23, n: 16, k: 29),
    GemmCase(m: 64, n: 32, k: 784), GemmCase(m: 64, n: 10, k: 32), GemmCase(m: 10, n: 32, k: 64),
    // The narrow path (C as Cᵀ): more columns than one tile's rows, a last row sliver part full.
    GemmCase(m: 75, n: 20, k: 300),
    GemmCase(m: 32, n: 784, k: 64),
    GemmCase(m: 49, n: 65, k: 1000), GemmCase(m: 100, n: 67, k: 600), GemmCase(m: 401, n: 70, k: 100),
    GemmCase(m: 50, n: 2100, k: 23), GemmCase(m: 131, n: 257, k: 129),
    // The packed path (A's leading dimension k + 3 or m + 3 a multiple of 256): a depth past one
    // 512-deep block, rows past one 384-row block, columns past one 2048-wide panel.
    GemmCase(m: 253, n: 97, k: 765), GemmCase(m: 509, n: 70, k: 253), GemmCase(m: 61, n: 2100, k: 253),
    // B's leading dimension n + 5 a multiple of 256: the direct path copies its slivers.
    GemmCase(m: 30, n: 251, k: 40),
]

/// C0 and the exact `alpha·op(A)·op(B) + beta·C0` in Double, with each element's error bound
/// γ·(|alpha|·Σ|a||b| + |beta·c0|), γ = (k + 3)·2⁻²³ (a float sum of k products, then the merge).
private func exactProduct(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float, a: [Float], lda: Int,
                          b: [Float], ldb: Int, beta: Float, c: [Float], ldc: Int) -> (value: [Double], bound: [Double]) {
    var value = [Double](repeating: 0, count: m * n), bound = value
    let gamma = Double(k + 3) * 0x1p-23
    for i in 0..<m {
        for j in 0..<n {
            var sum = 0.0, magnitude = 0.0
            for p in 0..<k {
                let x = Double(transA ? a[p * lda + i] : a[i * lda + p])
                let y = Double(transB ? b[j * ldb + p] : b[p * ldb + j])
                sum += x * y
                magnitude += abs(x * y)
            }
            let old = beta == 0 ? 0 : Double(beta) * Double(c[i * ldc + j])
            value[i * n + j] = Double(alpha) * sum + old
            bound[i * n + j] = gamma * (abs(Double(alpha)) * magnitude + abs(old)) + 1e-30
        }
    }
    return (value, bound)
}

@Suite struct GemmTests {
    @Test(arguments: gemmCases, [(false, false), (false, true), (true, false), (true, true)])
    func matchesExactProductAndIgnoresThreadCount(_ t: GemmCase, _ transposes: (Bool, Bool)) {
        for kernels in Kernels.runnable {
            Kernels.using(kernels) { check(t, transposes, kernels: kernels.name) }
        }
    }

    private func check(_ t: GemmCase, _ transposes: (Bool, Bool), kernels: String) {
        let (transA, transB) = transposes
        // Leading dimensions padded by a few floats, so strides differ from widths.
        let lda = (transA ? t.m : t.k) + 3, ldb = (transB ? t.k : t.n) + 5, ldc = t.n + 2
        let a = randomFloats((transA ? t.k : t.m) * lda, seed: 11, "a")
        let b = randomFloats((transB ? t.n : t.k) * ldb, seed: 11, "b")
        let c0 = randomFloats(t.m * ldc, seed: 11, "c")
        for (alpha, beta) in [(Float(1), Float(0)), (1, 1), (-0.75, 0.5), (2, 1)] {
            var results: [[Float]] = []
            for threads in [1, 2, 3] {
                // With beta = 0, C must not be read: start from NaN.
                var c = beta == 0 ? [Float](repeating: .nan, count: c0.count) : c0
                gemm(transA: transA, transB: transB, m: t.m, n: t.n, k: t.k, alpha: alpha, a: a, lda: lda,
                     b: b, ldb: ldb, beta: beta, c: &c, ldc: ldc, threads: threads)
                results.append(c)
            }
            let bits = results.map { $0.map(\.bitPattern) }
            #expect(bits[1] == bits[0] && bits[2] == bits[0],
                    "\(kernels): 2 or 3 threads differ from 1 (alpha \(alpha), beta \(beta))")
            let exact = exactProduct(transA: transA, transB: transB, m: t.m, n: t.n, k: t.k, alpha: alpha,
                                     a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c0, ldc: ldc)
            var firstBad: String?
            for i in 0..<t.m {
                for j in 0..<t.n where firstBad == nil {
                    let got = Double(results[0][i * ldc + j]), want = exact.value[i * t.n + j]
                    if !(abs(got - want) <= exact.bound[i * t.n + j]) {
                        firstBad = "C[\(i), \(j)] = \(got), exact \(want), bound \(exact.bound[i * t.n + j])"
                    }
                }
                // The padding past n in each row of C is never touched.
                for j in t.n..<ldc where firstBad == nil && results[0][i * ldc + j].bitPattern != (beta == 0 ? Float.nan : c0[i * ldc + j]).bitPattern {
                    firstBad = "padding C[\(i), \(j)] was written"
                }
            }
            #expect(firstBad == nil, "\(kernels): alpha \(alpha), beta \(beta): \(firstBad ?? "")")
        }
    }

    @Test func referenceMatchesExactProduct() {
        let m = 7, n = 9, k = 13
        let a = randomFloats(m * k, seed: 12, "a"), b = randomFloats(n * k, seed: 12, "b")
        let c0 = randomFloats(m * n, seed: 12, "c")
        var c = c0
        gemmReference(transA: false, transB: true, m: m, n: n, k: k, alpha: 1.5, a: a, lda: k, b: b, ldb: k,
                      beta: -1, c: &c, ldc: n)
        let exact = exactProduct(transA: false, transB: true, m: m, n: n, k: k, alpha: 1.5, a: a, lda: k, b: b,
                                 ldb: k, beta: -1, c: c0, ldc: n)
        for i in 0..<(m * n) { #expect(abs(Double(c[i]) - exact.value[i]) <= exact.bound[i]) }
    }

    /// The narrow path (a 10-column C as its transpose) gives each row the bits the direct path gives it
    /// alone (one row of C is a direct product), in every transpose form, with alpha and beta.
    @Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
    func narrowPathRoundsAsTheDirectPath(_ transposes: (Bool, Bool)) {
        let (transA, transB) = transposes
        let m = 70, n = 10, k = 129
        let a = randomFloats(m * k, seed: 14, "a"), b = randomFloats(n * k, seed: 14, "b")
        let c0 = randomFloats(m * n, seed: 14, "c")
        let lda = transA ? m : k, ldb = transB ? k : n
        for kernels in Kernels.runnable {
            Kernels.using(kernels) {
                var whole = c0, byRow = c0
                gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 0.75, a: a, lda: lda, b: b, ldb: ldb,
                     beta: 1.25, c: &whole, ldc: n, threads: 1)
                a.withUnsafeBufferPointer { a in
                    byRow.withUnsafeMutableBufferPointer { c in
                        for i in 0..<m {
                            gemm(transA: transA, transB: transB, m: 1, n: n, k: k, alpha: 0.75,
                                 a: a.baseAddress! + (transA ? i : i * k), lda: lda, b: b, ldb: ldb,
                                 beta: 1.25, c: c.baseAddress! + i * n, ldc: n, threads: 1)
                        }
                    }
                }
                #expect(whole.map(\.bitPattern) == byRow.map(\.bitPattern), "\(kernels.name)")
            }
        }
    }

    /// k = 0: C ← beta·C; beta = 0 clears C even if it held NaN.
    @Test func emptyDepthScalesC() {
        let a: [Float] = [1], b: [Float] = [1]
        var c: [Float] = [1, 2, .nan, 4]
        gemm(transA: false, transB: false, m: 2, n: 2, k: 0, alpha: 1, a: a, lda: 1, b: b, ldb: 2, beta: 0,
             c: &c, ldc: 2)
        #expect(c == [0, 0, 0, 0])
        c = [1, 2, 3, 4]
        gemm(transA: false, transB: false, m: 2, n: 2, k: 0, alpha: 1, a: a, lda: 1, b: b, ldb: 2, beta: 0.5,
             c: &c, ldc: 2)
        #expect(c == [0.5, 1, 1.5, 2])
    }
}

/// Several threads calling multi-threaded kernels at once (as parallel tests do): one owns the worker
/// pool, the others run their chunks themselves, and every result is the single-thread one.
@Suite struct WorkerPoolTests {
    @Test func concurrentCallersGetSingleThreadResults() {
        let m = 96, n = 200, k = 300
        let a = randomFloats(m * k, seed: 13, "a"), b = randomFloats(k * n, seed: 13, "b")
        var expected = [Float](repeating: 0, count: m * n)
        gemm(transA: false, transB: false, m: m, n: n, k: k, alpha: 1, a: a, lda: k, b: b, ldb: n, beta: 0,
             c: &expected, ldc: n, threads: 1)
        let callers = 6
        var results = [[Float]](repeating: [], count: callers)
        results.withUnsafeMutableBufferPointer { slots in
            let slots = slots.baseAddress!
            DispatchQueue.concurrentPerform(iterations: callers) { caller in
                var c = [Float](repeating: .nan, count: m * n)
                for _ in 0..<20 {
                    gemm(transA: false, transB: false, m: m, n: n, k: k, alpha: 1, a: a, lda: k, b: b, ldb: n,
                         beta: 0, c: &c, ldc: n, threads: 2 + caller % 2)
                }
                slots[caller] = c
            }
        }
        for caller in 0..<callers { #expect(results[caller] == expected, "caller \(caller)") }
    }
}
