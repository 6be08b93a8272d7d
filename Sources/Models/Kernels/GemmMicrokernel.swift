// The register tile of the matrix multiply: up to 12 rows × 32 columns of C, accumulated over a depth
// of k in 24 zmm registers (SIMD16<Float>), then merged into C with alpha and beta.
//
// Legend: rows × columns of C in this tile (rows ≤ MR = 12, columns ≤ NR = 32); depth d (the k range
// of this call); A element (i, p) at a[i·aRowStride + p·aDepthStride]; B element (p, j) at
// b[p·bDepthStride + j] (columns contiguous), or at b[bOffsets[p] + j] when an offset table is given
// (a convolution's shifted input windows). Packed panels and unpacked row-major operands both fit.

/// Register tile size. 12 × 32 uses 24 accumulators + 2 B vectors + broadcasts of the 32 zmm registers:
/// per depth step 2 vector loads and 12 broadcasts feed 24 FMAs, so loads never limit the two FMA
/// pipes, and 24 independent chains hide the FMA latency. (6 × 64 measured the same, 14 × 32 a little slower.)
enum GemmTile {
    static let rows = 12
    static let columns = 32
}

/// Where one tile's operands lie (see the legend) and how its result merges into C.
struct TileOperands {
    var depth: Int
    var a: UnsafePointer<Float>, aRowStride: Int, aDepthStride: Int
    var b: UnsafePointer<Float>, bDepthStride: Int, bOffsets: UnsafePointer<Int>? = nil
    var c: UnsafeMutablePointer<Float>, ldc: Int, columns: Int
    var alpha: Float, beta: Float
}

/// C[0..<rows, 0..<columns] ← alpha · A·B + beta · C over `depth` steps; C is not read when beta is 0.
/// Specialised per shape (`rows` 1...12, `vectors` 1 or 2 of 16 columns), so loops unroll and the
/// accumulators live in registers. `columns` ≤ 16·vectors, and B must hold 16·vectors readable floats per
/// depth step. Every C element is the same chain of FMAs whatever the tile shape, so edge tiles round
/// exactly as full ones.
enum RegisterTile<let rows: Int, let vectors: Int> {
    static func run(_ t: TileOperands) {
        if let offsets = t.bOffsets { runWindows(t, offsets) } else { runStrided(t) }
    }

    // One depth loop per function: with both loops in one function, LLVM kept the accumulators in
    // memory and stored all 24 after every step.
    @inline(never)
    private static func runStrided(_ t: TileOperands) {
        var acc = InlineArray<24, SIMD16<Float>>(repeating: .zero)
        var pa = t.a, pb = UnsafeRawPointer(t.b)
        let bStep = t.bDepthStride * MemoryLayout<Float>.stride
        for _ in 0..<t.depth {
            step(&acc, pa, t.aRowStride, pb)
            pa += t.aDepthStride
            pb += bStep
        }
        merge(&acc, t)
    }

    @inline(never)
    private static func runWindows(_ t: TileOperands, _ offsets: UnsafePointer<Int>) {
        var acc = InlineArray<24, SIMD16<Float>>(repeating: .zero)
        var pa = t.a
        for p in 0..<t.depth {
            step(&acc, pa, t.aRowStride, UnsafeRawPointer(t.b + offsets[p]))
            pa += t.aDepthStride
        }
        merge(&acc, t)
    }

    /// One depth step: row `pb` of B times column `pa` of A into the accumulators.
    @inline(__always)
    private static func step(_ acc: inout InlineArray<24, SIMD16<Float>>, _ pa: UnsafePointer<Float>,
                             _ aRowStride: Int, _ pb: UnsafeRawPointer) {
        let b0 = pb.loadUnaligned(as: SIMD16<Float>.self)
        let b1 = vectors == 2 ? pb.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self) : .zero
        for i in 0..<rows {
            let ai = SIMD16<Float>(repeating: pa[i * aRowStride])
            acc[2 * i] = acc[2 * i].addingProduct(ai, b0)
            if vectors == 2 { acc[2 * i + 1] = acc[2 * i + 1].addingProduct(ai, b1) }
        }
    }

    /// C ← alpha·acc + beta·C in separate multiplies and an add, lane by lane the same in the vector and
    /// the scalar (partial vector) branch. With beta = 1 and alpha = 1 it is exactly C + acc.
    /// Whole tiles merge with vector loads and stores, unrolled, the accumulators staying in registers;
    /// a tile with a partial vector goes through `mergePartial`, out of line (inline, its lane indexing
    /// kept all 24 accumulators in memory for every tile).
    @inline(__always)
    private static func merge(_ acc: inout InlineArray<24, SIMD16<Float>>, _ t: TileOperands) {
        guard t.columns == 16 * vectors else { return mergePartial(acc, t) }
        for i in 0..<rows {
            for v in 0..<vectors {
                let sum = acc[2 * i + v] * t.alpha
                let target = UnsafeMutableRawPointer(t.c + i * t.ldc + 16 * v)
                let merged = t.beta == 0 ? sum : sum + target.loadUnaligned(as: SIMD16<Float>.self) * t.beta
                target.storeBytes(of: merged, as: SIMD16<Float>.self)
            }
        }
    }

    /// `merge` for a tile whose last vector is partial: the same operations, lane by lane there.
    @inline(never)
    private static func mergePartial(_ acc: InlineArray<24, SIMD16<Float>>, _ t: TileOperands) {
        for i in 0..<rows {
            for v in 0..<vectors {
                let sum = acc[2 * i + v] * t.alpha
                let target = t.c + i * t.ldc + 16 * v
                for j in 0..<min(16, t.columns - 16 * v) {
                    target[j] = t.beta == 0 ? sum[j] : sum[j] + target[j] * t.beta
                }
            }
        }
    }
}

/// Runs the register tile for `rows` (1...12) × `t.columns` (1...32), choosing the variant for that
/// shape: 24 specialisations, so edge tiles do no work for rows that do not exist.
func gemmTile(rows: Int, _ t: TileOperands) {
    if t.columns > 16 {
        switch rows {
        case 12: RegisterTile<12, 2>.run(t)
        case 11: RegisterTile<11, 2>.run(t)
        case 10: RegisterTile<10, 2>.run(t)
        case 9: RegisterTile<9, 2>.run(t)
        case 8: RegisterTile<8, 2>.run(t)
        case 7: RegisterTile<7, 2>.run(t)
        case 6: RegisterTile<6, 2>.run(t)
        case 5: RegisterTile<5, 2>.run(t)
        case 4: RegisterTile<4, 2>.run(t)
        case 3: RegisterTile<3, 2>.run(t)
        case 2: RegisterTile<2, 2>.run(t)
        default: RegisterTile<1, 2>.run(t)
        }
    } else {
        switch rows {
        case 12: RegisterTile<12, 1>.run(t)
        case 11: RegisterTile<11, 1>.run(t)
        case 10: RegisterTile<10, 1>.run(t)
        case 9: RegisterTile<9, 1>.run(t)
        case 8: RegisterTile<8, 1>.run(t)
        case 7: RegisterTile<7, 1>.run(t)
        case 6: RegisterTile<6, 1>.run(t)
        case 5: RegisterTile<5, 1>.run(t)
        case 4: RegisterTile<4, 1>.run(t)
        case 3: RegisterTile<3, 1>.run(t)
        case 2: RegisterTile<2, 1>.run(t)
        default: RegisterTile<1, 1>.run(t)
        }
    }
}
