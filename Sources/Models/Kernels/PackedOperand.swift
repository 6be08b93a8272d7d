// A gemm operand B packed once into the kernel set's column slivers and reused by many products: an
// LSTM's recurrent weights, multiplied at every time step by a few dozen rows. gemm's direct path copies
// B into the same slivers on every call whenever B is transposed or spans many pages (both true of the
// SNLI encoders' W_hh, 4H × H = 800 × 200): per step that copy cost about a third of the product.
import KernelInterface

/// op(B) (depth × columns) in the layout `KernelSet.packB` writes: sliver s (columns tileColumns·s ..<)
/// at tileColumns·depth·s, element (p, j) at [p·tileColumns + j], zero-padded to whole slivers. It lives
/// in this thread's scratch: valid until the thread packs another operand.
struct PackedOperand {
    let kernels: KernelSet
    let values: UnsafePointer<Float>
    let depth: Int, columns: Int

    /// Packs op(B): B is depth × columns (`ldb ≥ columns`) or, if `transB`, columns × depth (`ldb ≥ depth`).
    init(transB: Bool, b: UnsafePointer<Float>, ldb: Int, depth: Int, columns: Int) {
        precondition(depth >= 1 && columns >= 1, "PackedOperand: empty operand \(depth) × \(columns)")
        kernels = Kernels.current
        let nr = kernels.tileColumns
        let buffer = Scratch.current.floats(.packedOperand, count: depth * ((columns + nr - 1) / nr * nr))
        kernels.packB(transB, b, ldb, 0, 0, depth, columns, buffer)
        values = UnsafePointer(buffer)
        (self.depth, self.columns) = (depth, columns)
    }
}

/// `C ← op(A) · B + beta · C` for op(A) m × depth and B packed: gemm's direct path over slivers copied
/// beforehand, so each C element is the same chain of multiply-adds as `gemm` computes on that path.
/// Threads split the slivers; results are bit-identical for every thread count.
func gemm(transA: Bool, m: Int, a: UnsafePointer<Float>, lda: Int, packed b: PackedOperand, beta: Float,
          c: UnsafeMutablePointer<Float>, ldc: Int, threads: Int = Compute.threads) {
    precondition(m >= 0 && lda >= max(1, transA ? m : b.depth) && ldc >= b.columns,
                 "gemm (packed B): m \(m), lda \(lda), ldc \(ldc) for B \(b.depth) × \(b.columns)")
    guard m > 0 else { return }
    let mr = b.kernels.tileRows, nr = b.kernels.tileColumns
    let aRowStride = transA ? 1 : lda, aDepthStride = transA ? lda : 1
    let slivers = (b.columns + nr - 1) / nr
    let chunks = Compute.chunkCount(work: m * b.columns * b.depth, items: slivers, threads: threads)
    Compute.forEachChunk(chunks, threads: threads) { chunk in
        for s in (slivers * chunk / chunks)..<(slivers * (chunk + 1) / chunks) {
            let j0 = s * nr
            for i0 in stride(from: 0, to: m, by: mr) {
                b.kernels.tile(min(mr, m - i0),
                               TileOperands(depth: b.depth, a: a + i0 * aRowStride, aRowStride: aRowStride, aDepthStride: aDepthStride,
                                            b: b.values + j0 * b.depth, bDepthStride: nr, c: c + i0 * ldc + j0, ldc: ldc,
                                            columns: min(nr, b.columns - j0), alpha: 1, beta: beta))
            }
        }
    }
}
