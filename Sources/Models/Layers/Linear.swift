// Fully connected layer, forward and backward, over flat row-major buffers (PyTorch's `nn.Linear`).
// Sizes: n = rows (samples or positions), c = input features, oc = output features.

/// How a batch of feature vectors lies in memory: sample after sample, (n, features), or feature after
/// feature, (features, n). A linear layer that reads and writes the feature-major form computes
/// `outᵀ = weight · inputᵀ` with the weight read where it lies, where `input · weightᵀ` copies the whole
/// weight transposed on every call (forward) and again for `dOut · weight` (backward): for a batch of 64
/// through 784→1000→1000→10 those copies were 10% of the step (perf), the input's much smaller ones stay.
public enum BatchLayout: Sendable {
    case sampleMajor, featureMajor
}

/// Whether a backward adds its parameter gradients into what the buffer holds (the default: a tensor used
/// twice, tied weights) or writes them (the one product that gives the tensor its gradient this step,
/// sparing the zeroing pass and the read of zeros).
public enum GradientUpdate: Sendable {
    case accumulate, overwrite
}

/// `out = input · weightᵀ + bias`. input is (n, c), weight is (oc, c), bias is (oc); writes out (n, oc).
/// Either batch may be feature-major instead, (c, n) and (oc, n). Each output is the same chain of
/// multiply-adds over c in every layout, so the layouts give the same bits wherever gemm takes its direct
/// path (no depth blocking: the fc shapes on every kernel set).
public func linearForward(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
                          weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?, n: Int, c: Int, oc: Int,
                          inputLayout: BatchLayout = .sampleMajor, outputLayout: BatchLayout = .sampleMajor) {
    let inputByFeature = inputLayout == .featureMajor
    switch outputLayout {
    case .sampleMajor:
        gemm(transA: inputByFeature, transB: true, m: n, n: oc, k: c, alpha: 1, a: input, lda: inputByFeature ? n : c,
             b: weight, ldb: c, beta: 0, c: out, ldc: oc)
        if let bias {
            parallelRanges(n, grain: max(1, elementGrain / oc)) { rows in
                for row in rows { addRow(out + row * oc, bias, oc) }
            }
        }
    case .featureMajor:
        // outᵀ (oc, n) = weight (oc, c) · inputᵀ (c, n)
        gemm(transA: false, transB: !inputByFeature, m: oc, n: n, k: c, alpha: 1, a: weight, lda: c,
             b: input, ldb: inputByFeature ? n : c, beta: 0, c: out, ldc: n)
        if let bias {
            parallelRanges(oc, grain: max(1, elementGrain / n)) { rows in
                for row in rows { addScalar(bias[row], into: out + row * n, n) }
            }
        }
    }
}

/// Adds (+=) into dInput (n, c), dWeight (oc, c) and dBias (oc), given dOut (n, oc) and the forward's
/// input and weight; with `parameterGradients: .overwrite`, writes dWeight and dBias instead (the same bits
/// as adding into zeros). `dInput` may be nil when nothing upstream needs it (the network's input). The
/// layouts are the forward's: input and dInput share one, output and dOut the other.
public func linearBackward(dInput: UnsafeMutablePointer<Float>?, dWeight: UnsafeMutablePointer<Float>,
                           dBias: UnsafeMutablePointer<Float>?, dOut: UnsafePointer<Float>,
                           input: UnsafePointer<Float>, weight: UnsafePointer<Float>, n: Int, c: Int, oc: Int,
                           inputLayout: BatchLayout = .sampleMajor, outputLayout: BatchLayout = .sampleMajor,
                           parameterGradients: GradientUpdate = .accumulate) {
    let inputByFeature = inputLayout == .featureMajor, outputByFeature = outputLayout == .featureMajor
    let ldOut = outputByFeature ? n : oc, ldInput = inputByFeature ? n : c
    if let dInput {
        if inputByFeature {
            // dInputᵀ (c, n) += weightᵀ (c, oc) · dOutᵀ (oc, n)
            gemm(transA: true, transB: !outputByFeature, m: c, n: n, k: oc, alpha: 1, a: weight, lda: c,
                 b: dOut, ldb: ldOut, beta: 1, c: dInput, ldc: n)
        } else {
            // dInput (n, c) += dOut (n, oc) · weight (oc, c)
            gemm(transA: outputByFeature, transB: false, m: n, n: c, k: oc, alpha: 1, a: dOut, lda: ldOut,
                 b: weight, ldb: c, beta: 1, c: dInput, ldc: c)
        }
    }
    // dWeight (oc, c) += dOutᵀ (oc, n) · input (n, c). Its accumulators start at +0, so they never hold
    // −0 and beta 0 writes what beta 1 would add to zeros.
    let overwrite = parameterGradients == .overwrite
    gemm(transA: !outputByFeature, transB: inputByFeature, m: oc, n: c, k: n, alpha: 1, a: dOut, lda: ldOut,
         b: input, ldb: ldInput, beta: overwrite ? 0 : 1, c: dWeight, ldc: c)
    guard let dBias else { return }
    if outputByFeature {
        biasGradientOfRows(dBias, dOut, rows: oc, columns: n, overwrite: overwrite)
        return
    }
    linearBiasGradient(dBias: dBias, dOut: dOut, n: n, oc: oc, overwrite: overwrite)
}

/// dBias (oc) (+)= the column sums of dOut (n, oc), from dBias or, with `overwrite`, from 0. Threads split the
/// columns; each column sums its rows in increasing order whatever the thread count.
public func linearBiasGradient(dBias: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>, n: Int, oc: Int, overwrite: Bool = false) {
    parallelRanges(oc, grain: columnSumGrain(rows: n, columns: oc)) { columns in
        if overwrite { (dBias + columns.lowerBound).update(repeating: 0, count: columns.count) }
        for row in 0..<n { addRow(dBias + columns.lowerBound, dOut + row * oc + columns.lowerBound, columns.count) }
    }
}

/// dBias[j] (+)= Σ_i dOutᵀ[j, i] for a feature-major dOutᵀ (rows, columns): each row summed in increasing i
/// from dBias[j] (or 0), as the sample-major column sums add, so both layouts give the same bits. Four
/// rows at a time: four dependency chains in flight instead of one.
private func biasGradientOfRows(_ dBias: UnsafeMutablePointer<Float>, _ dOut: UnsafePointer<Float>, rows: Int, columns: Int,
                                overwrite: Bool) {
    parallelRanges(rows, grain: max(4, elementGrain / max(columns, 1))) { range in
        var j = range.lowerBound
        while j < range.upperBound {
            let group = min(4, range.upperBound - j)
            var sums = SIMD4<Float>()
            if !overwrite {
                for l in 0..<group { sums[l] = dBias[j + l] }
            }
            let row = dOut + j * columns
            if group == 4 {
                for i in 0..<columns {
                    sums += SIMD4(row[i], row[columns + i], row[2 * columns + i], row[3 * columns + i])
                }
            } else {
                for l in 0..<group {
                    for i in 0..<columns { sums[l] += row[l * columns + i] }
                }
            }
            for l in 0..<group { dBias[j + l] = sums[l] }
            j += group
        }
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

/// `y[j] += value` for j < count.
@inline(__always)
private func addScalar(_ value: Float, into y: UnsafeMutablePointer<Float>, _ count: Int) {
    for j in 0..<count { y[j] += value }
}

/// `y[j] += x[j]` for j < count (a loop the compiler vectorises).
@inline(__always)
func addRow(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ count: Int) {
    for j in 0..<count { y[j] += x[j] }
}
