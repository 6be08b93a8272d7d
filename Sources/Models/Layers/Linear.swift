// Fully connected layer, forward and backward, over flat row-major buffers (PyTorch's `nn.Linear`).
// Sizes: n = rows (samples or positions), c = input features, oc = output features.

/// `out = input · weightᵀ + bias`. input is (n, c), weight is (oc, c), bias is (oc); writes out (n, oc).
public func linearForward(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
                          weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?, n: Int, c: Int, oc: Int) {
    gemm(transA: false, transB: true, m: n, n: oc, k: c, alpha: 1, a: input, lda: c, b: weight, ldb: c,
         beta: 0, c: out, ldc: oc)
    if let bias {
        parallelRanges(n, grain: max(1, elementGrain / oc)) { rows in
            for row in rows { addRow(out + row * oc, bias, oc) }
        }
    }
}

/// Adds (+=) into dInput (n, c), dWeight (oc, c) and dBias (oc), given dOut (n, oc) and the forward's
/// input and weight. `dInput` may be nil when nothing upstream needs it (the network's input).
public func linearBackward(dInput: UnsafeMutablePointer<Float>?, dWeight: UnsafeMutablePointer<Float>,
                           dBias: UnsafeMutablePointer<Float>?, dOut: UnsafePointer<Float>,
                           input: UnsafePointer<Float>, weight: UnsafePointer<Float>, n: Int, c: Int, oc: Int) {
    if let dInput {
        // dInput (n, c) += dOut (n, oc) · weight (oc, c)
        gemm(transA: false, transB: false, m: n, n: c, k: oc, alpha: 1, a: dOut, lda: oc, b: weight, ldb: c,
             beta: 1, c: dInput, ldc: c)
    }
    // dWeight (oc, c) += dOutᵀ (oc, n) · input (n, c)
    gemm(transA: true, transB: false, m: oc, n: c, k: n, alpha: 1, a: dOut, lda: oc, b: input, ldb: c,
         beta: 1, c: dWeight, ldc: c)
    if let dBias { linearBiasGradient(dBias: dBias, dOut: dOut, n: n, oc: oc) }
}

/// dBias (oc) += the column sums of dOut (n, oc). Threads split the columns; each column sums its rows in
/// increasing order whatever the thread count.
public func linearBiasGradient(dBias: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>, n: Int, oc: Int) {
    parallelRanges(oc, grain: columnSumGrain(rows: n, columns: oc)) { columns in
        for row in 0..<n { addRow(dBias + columns.lowerBound, dOut + row * oc + columns.lowerBound, columns.count) }
    }
}

/// dInput (n, c) = dOut (n, oc) · weight (oc, c), written, for a dOut far wider than c (a decoder over a
/// vocabulary), where one product would take gemm's packed path and pack all of dOut as A, one element at
/// a time (11% of the small QRNN LM's step). Two forms, the cheaper for the shape (so the thread count
/// never changes the choice, nor the bits; where the transposed product takes gemm's direct path too, both
/// forms give each element the same chain of multiply-adds over oc, and the same bits):
/// - in blocks of rows small enough for gemm's direct path, which reads dOut's rows in place and copies
///   weight's column slivers once per block;
/// - as its transpose weightᵀ · dOutᵀ into `scratch` (c, n), written back transposed: dOut is packed once,
///   transposed, which costs more per element than copying weight but not once per block.
/// The blocks win while their copies of weight (blocks · oc · c floats) are fewer than dOut's n · oc:
/// blocks · c ≤ n (small QRNN LM, V 2k: 2 · 128 against 700 rows; at V 10k, E 400: 7 · 400 against 700).
public func linearInputGradientOfWideOutput(dInput: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                                            weight: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>,
                                            n: Int, c: Int, oc: Int) {
    // gemm reads A in place while m·k < 2²⁰ (usesPackedPath), so at most this many rows per block.
    let blockRows = max(1, ((1 << 20) - 1) / oc)
    let blocks = (n + blockRows - 1) / blockRows
    if blocks * c <= n {
        let rows = (n + blocks - 1) / blocks
        for first in stride(from: 0, to: n, by: rows) {
            gemm(transA: false, transB: false, m: min(rows, n - first), n: c, k: oc, alpha: 1, a: dOut + first * oc, lda: oc,
                 b: weight, ldb: c, beta: 0, c: dInput + first * c, ldc: c)
        }
    } else {
        gemm(transA: true, transB: true, m: c, n: n, k: oc, alpha: 1, a: weight, lda: c, b: dOut, ldb: oc,
             beta: 0, c: scratch, ldc: n)
        transpose(dInput, scratch, rows: n, columns: c)
    }
}

/// dWeight (oc, c) += dOutᵀ (oc, n) · input (n, c), as `linearBackward` adds it, in blocks of 192 rows of
/// dWeight: each block's product is small enough for gemm's direct path, which reads dOut's columns in
/// place, where one product over a wide dOut (a vocabulary) packs a transposed copy of all of it. The
/// block's slice of dOut (n × 192 floats) stays in L2 across its product.
public func linearWeightGradientInBlocks(dWeight: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                                         input: UnsafePointer<Float>, n: Int, c: Int, oc: Int) {
    let block = 192
    for first in stride(from: 0, to: oc, by: block) {
        gemm(transA: true, transB: false, m: min(block, oc - first), n: c, k: n, alpha: 1, a: dOut + first, lda: oc,
             b: input, ldb: c, beta: 1, c: dWeight + first * c, ldc: c)
    }
}

/// y (rows, columns) = xᵀ for x (columns, rows), in 16 × 16 blocks so both sides stay in a few cache lines.
private func transpose(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, rows: Int, columns: Int) {
    let block = 16
    for r0 in stride(from: 0, to: rows, by: block) {
        for c0 in stride(from: 0, to: columns, by: block) {
            for i in r0..<min(rows, r0 + block) {
                let row = y + i * columns
                for j in c0..<min(columns, c0 + block) { row[j] = x[j * rows + i] }
            }
        }
    }
}

/// Columns per block of a loop that sums (rows, columns) down its columns, a block sweeping every row: as
/// wide as a thread's share, so one thread reads the rows front to back, and at least an element grain of
/// work. (Blocks of 48 columns read 192 bytes of each row: the small QRNN LM's cross-entropy gradient took
/// 8% of its step so, 2.5% in one block.) Any split gives the same bits: each column's sum runs over the
/// rows in order.
func columnSumGrain(rows: Int, columns: Int) -> Int {
    let share = (columns + Compute.threads - 1) / Compute.threads
    return max(16, (max(share, elementGrain / max(rows, 1)) + 15) / 16 * 16)
}

/// `y[j] += x[j]` for j < count (a loop the compiler vectorises).
@inline(__always)
func addRow(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ count: Int) {
    for j in 0..<count { y[j] += x[j] }
}
