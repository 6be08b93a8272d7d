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
    if let dBias {
        // Threads split the columns; each column sums its rows in increasing order whatever the thread count.
        parallelRanges(oc, grain: max(16, (elementGrain / max(n, 1) + 15) / 16 * 16)) { columns in
            for row in 0..<n { addRow(dBias + columns.lowerBound, dOut + row * oc + columns.lowerBound, columns.count) }
        }
    }
}

/// `y[j] += x[j]` for j < count (a loop the compiler vectorises).
@inline(__always)
func addRow(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ count: Int) {
    for j in 0..<count { y[j] += x[j] }
}
