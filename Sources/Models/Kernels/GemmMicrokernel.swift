// The register tile of the matrix multiply: up to 12 rows × 32 columns of C, accumulated over a depth
// of k in 24 zmm registers (SIMD16<Float>), then merged into C with alpha and beta.
//
// Legend: rows × columns of C in this tile (rows ≤ MR = 12, columns ≤ NR = 32); depth d (the k range
// of this call); A element (i, p) at a[i·aRowStride + p·aDepthStride]; B element (p, j) at
// b[p·bDepthStride + j] (columns contiguous). Packed panels and unpacked row-major operands both fit.

/// Register tile size. 12 × 32 uses 24 accumulators + 2 B vectors + broadcasts of the 32 zmm registers:
/// per depth step 2 vector loads and 12 broadcasts feed 24 FMAs, so loads never limit the two FMA
/// pipes, and 24 independent chains hide the FMA latency. (6 × 64 measured the same; 14 × 32 spills.)
enum GemmTile {
    static let rows = 12
    static let columns = 32
}

/// C[0..<rows, 0..<columns] ← alpha · A·B + beta · C over `depth` steps; C is not read when beta is 0.
/// `rows` must be a constant 1...12 and `vectors` 1 or 2 at the call site (they are unrolled away, so
/// the accumulators live in registers); `columns` ≤ 16·vectors, and B must hold 16·vectors readable
/// floats per depth step. Every C element is the same chain of FMAs whatever the tile shape, so edge
/// tiles round exactly as full ones.
@inline(__always)
private func microkernel(rows: Int, vectors: Int, depth: Int,
                         a: UnsafePointer<Float>, aRowStride: Int, aDepthStride: Int,
                         b: UnsafePointer<Float>, bDepthStride: Int,
                         c: UnsafeMutablePointer<Float>, ldc: Int, columns: Int, alpha: Float, beta: Float) {
    var acc = InlineArray<24, SIMD16<Float>>(repeating: .zero)
    var pa = a, pb = UnsafeRawPointer(b)
    let bStep = bDepthStride * MemoryLayout<Float>.stride
    for _ in 0..<depth {
        let b0 = pb.loadUnaligned(as: SIMD16<Float>.self)
        let b1 = vectors == 2 ? pb.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self) : .zero
        for i in 0..<rows {
            let ai = SIMD16<Float>(repeating: pa[i * aRowStride])
            acc[2 * i] = acc[2 * i].addingProduct(ai, b0)
            if vectors == 2 { acc[2 * i + 1] = acc[2 * i + 1].addingProduct(ai, b1) }
        }
        pa += aDepthStride
        pb += bStep
    }
    // Merge: alpha·acc + beta·C in separate multiplies and an add, lane by lane the same in the vector
    // and the scalar (partial vector) branch. With beta = 1 and alpha = 1 it is exactly C + acc.
    for i in 0..<rows {
        let row = c + i * ldc
        for v in 0..<vectors {
            let lanes = min(16, columns - 16 * v)
            let sum = acc[2 * i + v] * alpha
            let target = UnsafeMutableRawPointer(row + 16 * v)
            if lanes == 16 {
                let merged = beta == 0 ? sum : sum + target.loadUnaligned(as: SIMD16<Float>.self) * beta
                target.storeBytes(of: merged, as: SIMD16<Float>.self)
            } else {
                for j in 0..<lanes {
                    row[16 * v + j] = beta == 0 ? sum[j] : sum[j] + row[16 * v + j] * beta
                }
            }
        }
    }
}

/// Runs the micro-kernel for a tile of `rows` (1...12) × `columns` (1...32), choosing the unrolled
/// variant for that shape: 24 specialisations, so edge tiles do no work for rows that do not exist.
@inline(never)
func gemmTile(rows: Int, columns: Int, depth: Int,
              a: UnsafePointer<Float>, aRowStride: Int, aDepthStride: Int,
              b: UnsafePointer<Float>, bDepthStride: Int,
              c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float) {
    @inline(__always) func run(_ r: Int, _ v: Int) {
        microkernel(rows: r, vectors: v, depth: depth, a: a, aRowStride: aRowStride, aDepthStride: aDepthStride,
                    b: b, bDepthStride: bDepthStride, c: c, ldc: ldc, columns: columns, alpha: alpha, beta: beta)
    }
    if columns > 16 {
        switch rows {
        case 12: run(12, 2)
        case 11: run(11, 2)
        case 10: run(10, 2)
        case 9: run(9, 2)
        case 8: run(8, 2)
        case 7: run(7, 2)
        case 6: run(6, 2)
        case 5: run(5, 2)
        case 4: run(4, 2)
        case 3: run(3, 2)
        case 2: run(2, 2)
        default: run(1, 2)
        }
    } else {
        switch rows {
        case 12: run(12, 1)
        case 11: run(11, 1)
        case 10: run(10, 1)
        case 9: run(9, 1)
        case 8: run(8, 1)
        case 7: run(7, 1)
        case 6: run(6, 1)
        case 5: run(5, 1)
        case 4: run(4, 1)
        case 3: run(3, 1)
        case 2: run(2, 1)
        default: run(1, 1)
        }
    }
}
