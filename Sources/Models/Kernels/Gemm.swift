// Single-precision matrix multiply, row-major, in all transpose forms: the workhorse of every layer.
//
// Legend: op(A) is m×k, op(B) is k×n, C is m×n (row-major, leading dimensions lda, ldb, ldc).
// MR × NR register tile; KC depth, MC rows, NC columns of the packed blocks: all from the kernel set
// (`Kernels.current`, KernelChoice.swift), whose micro-kernel and packing routines these loops call.
//
// Three paths, chosen by shape alone (so the thread count never changes a result):
// - direct: small products. The micro-kernel reads A and B where they lie; only a transposed B, or a
//   last column sliver narrower than a vector, is copied into a sliver first. No k blocking.
// - narrow: C narrower than a tile (a 10-class output), computed as Cᵀ so that vectors run along m.
// - packed: Goto/BLIS loops. B panels (KC × NC) and A blocks (MC × KC) are packed per thread, and C is
//   updated once per KC-deep block.
// Threads split C into independent column (or row) ranges; each C element is the same chain of
// operations whichever thread computes it and wherever its tile lies, so results are bit-identical
// for every thread count (for one kernel set: sets differ in KC and in fused or separate multiply-adds).
import KernelInterface

/// `C ← alpha · op(A) · op(B) + beta · C`, row-major, where `op(A)` is m×k and `op(B)` is k×n.
///
/// - `a` holds A with leading dimension `lda`: A is m×k (`lda ≥ k`) or, if `transA`, k×m (`lda ≥ m`).
/// - `b` holds B with leading dimension `ldb`: B is k×n (`ldb ≥ n`) or, if `transB`, n×k (`ldb ≥ k`).
/// - `c` is m×n with leading dimension `ldc ≥ n`. With `beta == 0`, C is not read (NaNs in it vanish).
/// - `threads`: how many threads large products may use (default `Compute.threads`); the result is
///   bit-identical for every value.
public func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                 alpha: Float, a: UnsafePointer<Float>, lda: Int,
                 b: UnsafePointer<Float>, ldb: Int,
                 beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int,
                 threads: Int = Compute.threads) {
    precondition(m >= 0 && n >= 0 && k >= 0, "gemm: negative size m \(m), n \(n), k \(k)")
    precondition(lda >= max(1, transA ? m : k) && ldb >= max(1, transB ? k : n) && ldc >= max(1, n),
                 "gemm: leading dimensions lda \(lda), ldb \(ldb), ldc \(ldc) too small for m \(m), n \(n), k \(k)")
    if m == 0 || n == 0 { return }
    if k == 0 {
        scaleRows(c: c, ldc: ldc, m: m, n: n, beta: beta)
        return
    }
    let kernels = Kernels.current
    let operands = GemmOperands(transA: transA, transB: transB, k: k, alpha: alpha, a: a, lda: lda,
                                b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, kernels: kernels)
    if usesNarrowPath(m: m, n: n, kernels: kernels) {
        let tiles = (m + kernels.tileColumns - 1) / kernels.tileColumns
        let chunks = Compute.chunkCount(work: m * n * k, items: tiles, threads: threads)
        Compute.forEachChunk(chunks, threads: threads) { chunk in
            let first = tiles * chunk / chunks * kernels.tileColumns, last = tiles * (chunk + 1) / chunks * kernels.tileColumns
            gemmNarrow(operands, n: n, rows: first..<min(m, last))
        }
        return
    }
    let packed = usesPackedPath(transA: transA, m: m, n: n, k: k, lda: lda, kernels: kernels)
    // Split the longer side of C, in whole tiles, into one contiguous range per thread.
    let splitColumns = n >= m
    let tile = splitColumns ? kernels.tileColumns : kernels.tileRows
    let tiles = ((splitColumns ? n : m) + tile - 1) / tile
    let chunks = Compute.chunkCount(work: m * n * k, items: tiles, threads: threads)
    Compute.forEachChunk(chunks, threads: threads) { chunk in
        let first = tiles * chunk / chunks * tile, last = tiles * (chunk + 1) / chunks * tile
        let rows = splitColumns ? 0..<m : first..<min(m, last)
        let columns = splitColumns ? first..<min(n, last) : 0..<n
        if packed {
            gemmPacked(operands, rows: rows, columns: columns)
        } else {
            gemmDirect(operands, rows: rows, columns: columns)
        }
    }
}

/// Whether to pack. Measured per shape (thread CPU time, 1 thread, AVX-512 set): the direct path wins
/// at every layer shape of the seed models and up to 768³ (e.g. 128×784·784×1000: 217 against 184
/// GFLOP/s), since A and a B sliver stay in L2 and nothing is copied. Packing wins once A outgrows L2
/// several times over (1024³: 185 against 128), and when A's rows lie a multiple of 1 KiB apart: the
/// rows a tile broadcasts from then share a few L1 sets and evict each other. Sets with a short tile
/// also pack every transposed A (`KernelSet.packsTransposedA`).
@inline(__always)
func usesPackedPath(transA: Bool, m: Int, n: Int, k: Int, lda: Int, kernels: KernelSet) -> Bool {
    guard m > kernels.tileRows && n > 2 * kernels.tileColumns && m * n * k >= 1 << 21 else { return false }
    return m * k >= 1 << 20 || lda % 256 == 0 || (transA && kernels.packsTransposedA)
}

/// Whether to compute Cᵀ (see `gemmNarrow`): C narrower than a tile and not a whole number of vectors
/// (10 classes: 10 of AVX-512's 16 lanes, 10 of AVX2's 16 in two vectors), with rows enough to fill a tile's
/// width instead. The direct path would take these shapes, so both give the same bits.
@inline(__always)
func usesNarrowPath(m: Int, n: Int, kernels: KernelSet) -> Bool {
    n < kernels.tileColumns && n % kernels.lanes != 0 && m >= kernels.tileColumns
}

/// The arguments of one gemm call, passed down to the paths.
struct GemmOperands {
    var transA: Bool, transB: Bool, k: Int, alpha: Float
    var a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int
    var beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    var kernels: KernelSet
}

/// C ← beta · C (the k = 0 product), without reading C when beta is 0.
private func scaleRows(c: UnsafeMutablePointer<Float>, ldc: Int, m: Int, n: Int, beta: Float) {
    for i in 0..<m {
        let row = c + i * ldc
        if beta == 0 {
            row.update(repeating: 0, count: n)
        } else {
            for j in 0..<n { row[j] *= beta }
        }
    }
}

/// The direct path over C[rows, columns]: column slivers of NR, row strips of MR, the whole depth per
/// tile. A is read in place, and so is B unless a sliver has to be copied (see below).
private func gemmDirect(_ o: GemmOperands, rows: Range<Int>, columns: Range<Int>) {
    let mr = o.kernels.tileRows, nr = o.kernels.tileColumns
    let aRowStride = o.transA ? 1 : o.lda, aDepthStride = o.transA ? o.lda : 1
    var sliver: UnsafeMutablePointer<Float>?
    for j0 in stride(from: columns.lowerBound, to: columns.upperBound, by: nr) {
        let width = min(nr, columns.upperBound - j0)
        var b = o.b + j0, bDepthStride = o.ldb
        // Copy the sliver when B is transposed, when the last sliver is not whole vectors (no reads past
        // B's end), when B's rows lie a multiple of 1 KiB apart (they would share L1 sets), and when
        // they span more 4 KiB pages than an L1 TLB holds (depth·ldb ≥ 2¹⁶ floats): every depth step of
        // every row strip would touch another page (AVX2, 128×1000 · 1000×1000 on a loaded Zen 4: 65 → 88
        // GFLOP/s, against numpy 93 and 91).
        if o.transB || width % o.kernels.lanes != 0 || o.ldb % 256 == 0 || o.k * o.ldb >= 1 << 16 {
            let buffer = sliver ?? Scratch.current.floats(.gemmB, count: o.k * nr)
            sliver = buffer
            o.kernels.packB(o.transB, o.b, o.ldb, 0, j0, o.k, width, buffer)
            b = UnsafePointer(buffer)
            bDepthStride = nr
        }
        for i0 in stride(from: rows.lowerBound, to: rows.upperBound, by: mr) {
            o.kernels.tile(min(mr, rows.upperBound - i0),
                     TileOperands(depth: o.k, a: o.a + i0 * aRowStride, aRowStride: aRowStride,
                                  aDepthStride: aDepthStride, b: b, bDepthStride: bDepthStride,
                                  c: o.c + i0 * o.ldc + j0, ldc: o.ldc, columns: width, alpha: o.alpha, beta: o.beta))
        }
    }
}

/// The narrow path over C[rows, 0..<n]: C as its transpose Cᵀ = op(B)ᵀ · op(A)ᵀ (n × m), so the tile's
/// vectors run along C's rows. For each NR-wide sliver of rows, op(A)ᵀ is packed (B's packing, with A's
/// transpose flag flipped) and op(B)ᵀ read in place; the tiles write Cᵀ with alpha 1 and beta 0 into
/// scratch (the accumulators exactly), then C ← alpha·Cᵀᵀ + beta·C with the merge's own operations. Each
/// C element is the direct path's chain of multiply-adds over the whole depth, and rounds as there.
private func gemmNarrow(_ o: GemmOperands, n: Int, rows: Range<Int>) {
    let mr = o.kernels.tileRows, nr = o.kernels.tileColumns
    let scratch = Scratch.current
    let sliver = scratch.floats(.gemmB, count: o.k * nr)
    let transposed = scratch.floats(.gemmA, count: n * nr)
    // op(B)ᵀ (n × k) element (j, p) = op(B)(p, j).
    let bRowStride = o.transB ? o.ldb : 1, bDepthStride = o.transB ? 1 : o.ldb
    for i0 in stride(from: rows.lowerBound, to: rows.upperBound, by: nr) {
        let width = min(nr, rows.upperBound - i0)
        o.kernels.packB(!o.transA, o.a, o.lda, 0, i0, o.k, width, sliver)
        for j0 in stride(from: 0, to: n, by: mr) {
            o.kernels.tile(min(mr, n - j0),
                           TileOperands(depth: o.k, a: o.b + j0 * bRowStride, aRowStride: bRowStride, aDepthStride: bDepthStride,
                                        b: sliver, bDepthStride: nr, c: transposed + j0 * nr, ldc: nr, columns: width,
                                        alpha: 1, beta: 0))
        }
        for i in 0..<width {
            let row = o.c + (i0 + i) * o.ldc
            for j in 0..<n {
                let sum = transposed[j * nr + i] * o.alpha
                row[j] = o.beta == 0 ? sum : sum + row[j] * o.beta
            }
        }
    }
}

/// The packed path over C[rows, columns] (Goto's loop order): for each NC-wide panel of columns and
/// each KC-deep block, pack the B panel once, then for each MC block of rows pack A and sweep the tiles,
/// A slivers innermost, so one B sliver (KC × NR) stays cached while the A block streams from L2.
private func gemmPacked(_ o: GemmOperands, rows: Range<Int>, columns: Range<Int>) {
    let mr = o.kernels.tileRows, nr = o.kernels.tileColumns
    let scratch = Scratch.current
    let depthBlock = o.kernels.depthBlock, rowBlock = o.kernels.rowBlock, columnBlock = o.kernels.columnBlock
    let panelWidth = min(columnBlock, (columns.count + nr - 1) / nr * nr)
    let blockHeight = min(rowBlock, rows.count)
    let packedB = scratch.floats(.gemmB, count: min(depthBlock, o.k) * panelWidth)
    let packedA = scratch.floats(.gemmA, count: min(depthBlock, o.k) * ((blockHeight + mr - 1) / mr * mr))
    for jc in stride(from: columns.lowerBound, to: columns.upperBound, by: columnBlock) {
        let panelColumns = min(columnBlock, columns.upperBound - jc)
        for pc in stride(from: 0, to: o.k, by: depthBlock) {
            let depth = min(depthBlock, o.k - pc)
            // The first block applies beta; later ones add to what it left.
            let beta = pc == 0 ? o.beta : 1
            o.kernels.packB(o.transB, o.b, o.ldb, pc, jc, depth, panelColumns, packedB)
            for ic in stride(from: rows.lowerBound, to: rows.upperBound, by: rowBlock) {
                let blockRows = min(rowBlock, rows.upperBound - ic)
                o.kernels.packA(o.transA, o.a, o.lda, ic, pc, blockRows, depth, packedA)
                for jr in stride(from: 0, to: panelColumns, by: nr) {
                    for ir in stride(from: 0, to: blockRows, by: mr) {
                        o.kernels.tile(min(mr, blockRows - ir),
                                 TileOperands(depth: depth, a: packedA + ir * depth, aRowStride: 1, aDepthStride: mr,
                                              b: packedB + jr * depth, bDepthStride: nr,
                                              c: o.c + (ic + ir) * o.ldc + jc + jr, ldc: o.ldc,
                                              columns: min(nr, panelColumns - jr), alpha: o.alpha, beta: beta))
                    }
                }
            }
        }
    }
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
