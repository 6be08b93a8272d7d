// Householder reflectors applied to rows, shared by the orthogonal basis (LQ factorisation) and the
// eigensolver (tridiagonal reduction): applying a reflector, and forming the rows of a product of them.
// Work is grouped four rows at a time so each load of a reflector's vector serves four rows.

/// Reflector j of a sequence: P = I − β·v·vᵀ with v stored in row j of a row-major n×n buffer from
/// column j + shift on (zero before), β in `beta[j]` (β = 0: P = I).
struct ReflectorSequence {
    let vectors: UnsafePointer<Double>
    let beta: UnsafePointer<Double>
    let n: Int
    /// The column where reflector j starts is j + shift (0: LQ, 1: tridiagonal reduction).
    let shift: Int

    /// x ← x·Pⱼ, the row-vector form: x −= β·(x·v)·v over the columns where v lives.
    @inline(__always)
    func apply(_ j: Int, to x: UnsafeMutablePointer<Double>) {
        let b = beta[j]
        guard b != 0 else { return }
        let from = j + shift, count = n - from, v = vectors + j * n + from
        axpy(-b * dot(v, x + from, count), v, x + from, count)
    }

    /// `apply(j, to:)` on four rows at once.
    @inline(__always)
    func apply(_ j: Int, to x0: UnsafeMutablePointer<Double>, _ x1: UnsafeMutablePointer<Double>,
               _ x2: UnsafeMutablePointer<Double>, _ x3: UnsafeMutablePointer<Double>) {
        let b = beta[j]
        guard b != 0 else { return }
        let from = j + shift, count = n - from, v = vectors + j * n + from
        let y0 = x0 + from, y1 = x1 + from, y2 = x2 + from, y3 = x3 + from
        var a0 = SIMD8<Double>(repeating: 0), a1 = a0, a2 = a0, a3 = a0
        var i = 0
        while i + 8 <= count {
            let vi = load8(v + i)
            a0 += vi * load8(y0 + i)
            a1 += vi * load8(y1 + i)
            a2 += vi * load8(y2 + i)
            a3 += vi * load8(y3 + i)
            i += 8
        }
        var s0 = laneSum(a0), s1 = laneSum(a1), s2 = laneSum(a2), s3 = laneSum(a3)
        var tail = i
        while tail < count {
            s0 += v[tail] * y0[tail]
            s1 += v[tail] * y1[tail]
            s2 += v[tail] * y2[tail]
            s3 += v[tail] * y3[tail]
            tail += 1
        }
        // The same sums, in the same order, as `dot`: four rows give the results of four single calls.
        let f0 = SIMD8<Double>(repeating: -b * s0), f1 = SIMD8<Double>(repeating: -b * s1)
        let f2 = SIMD8<Double>(repeating: -b * s2), f3 = SIMD8<Double>(repeating: -b * s3)
        i = 0
        while i + 8 <= count {
            let vi = load8(v + i)
            var z0 = load8(y0 + i), z1 = load8(y1 + i), z2 = load8(y2 + i), z3 = load8(y3 + i)
            z0 += f0 * vi
            z1 += f1 * vi
            z2 += f2 * vi
            z3 += f3 * vi
            store8(z0, y0 + i)
            store8(z1, y1 + i)
            store8(z2, y2 + i)
            store8(z3, y3 + i)
            i += 8
        }
        while i < count {
            y0[i] += f0[0] * v[i]
            y1[i] += f1[0] * v[i]
            y2[i] += f2[0] * v[i]
            y3[i] += f3[0] * v[i]
            i += 1
        }
    }

    /// Reflectors `js` (in increasing order) on rows `rows` of the row-major q (row r at q + r·n), four
    /// rows at a time.
    @inline(__always)
    func apply(_ js: Range<Int>, toRows rows: Range<Int>, of q: UnsafeMutablePointer<Double>) {
        var r = rows.lowerBound
        while r + 4 <= rows.upperBound {
            let x = q + r * n
            for j in js { apply(j, to: x, x + n, x + 2 * n, x + 3 * n) }
            r += 4
        }
        while r < rows.upperBound {
            for j in js { apply(j, to: q + r * n) }
            r += 1
        }
    }

    /// Writes the n×n row-major product q = P_{n−1}···P₁P₀ restricted to what the reflectors touch, row
    /// by row: row k is e_kᵀ·P_{k−shift}···P₀ (later reflectors start right of column k and leave e_k
    /// alone). Rows are built in blocks of 32, each reflector applied to a whole block while its vector
    /// is in cache, blocks spread over `threads` (rows are independent: the result does not depend on the
    /// thread count).
    func formRows(into q: UnsafeMutablePointer<Double>, reflectors count: Int, threads: Int) {
        let panel = 32
        let blocks = (n + panel - 1) / panel
        let chunks = Compute.chunkCount(work: n * n * n / 3, items: blocks, threads: threads)
        Compute.forEachChunk(chunks, threads: threads) { chunk in
            for block in (blocks * chunk / chunks)..<(blocks * (chunk + 1) / chunks) {
                let k0 = block * panel, k1 = min(k0 + panel, n)
                for k in k0..<k1 { q[k * n + k] = 1 }
                // Reflectors from the block's last row's first down to 0; rows before a reflector's start
                // skip it (apply only touches columns from j + shift on, where their e_k is 0 anyway, but
                // skipping saves the work).
                for j in stride(from: min(k1 - 1 - shift, count - 1), through: 0, by: -1) {
                    apply(j..<(j + 1), toRows: max(k0, j + shift)..<k1, of: q)
                }
            }
        }
    }
}
