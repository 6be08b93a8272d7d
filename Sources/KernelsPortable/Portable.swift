// The portable kernel set: plain 4-float vectors compiled for the baseline target (SSE2 on x86-64, NEON
// on arm64), for CPUs without AVX2 and FMA. Correct, not fast. The kernels themselves are the shared
// files in Sources/KernelSource.
import KernelInterface

typealias Lane = SIMD4<Float>

enum Shape {
    static let name = "portable"
    /// 4 × 8: 8 accumulators + 2 B vectors + a broadcast and a product of the 16 xmm registers.
    static let tileRows = 4
    static let depthBlock = 256
    static let rowBlock = 256
    static let columnBlock = 4096
    /// As AVX2 (not measured: 4 rows use 16 bytes of each line of a transposed A read in place).
    static let packsTransposedA = true
    /// Convolution weight gradient: 2 × 4 = 8 accumulators + 2 gradient vectors + 1 window vector.
    static let weightGradientRows = 2
    static let weightGradientTaps = 4
}

/// A multiply and an add: on the baseline target `addingProduct` is a libm `fmaf` call per lane.
/// Σ of v's lanes, halves added pairwise (`SIMD.sum()` is an out-of-line generic: see
/// `zeroAccumulators`). Out of line: inlined, the weight-gradient tile's reduction loop over its 24
/// accumulators was no longer unrolled, and the accumulators stayed in memory, stored every step.
@inline(never)
func laneSum(_ v: Lane) -> Float {
    let half = v.lowHalf + v.highHalf
    return half[0] + half[1]
}

@inline(__always)
func multiplyAdd(_ acc: Lane, _ x: Lane, _ y: Lane) -> Lane { acc + x * y }

/// Runs the register tile for `rows` (1...4) × `t.columns` (1...8), choosing the variant for that shape,
/// so edge tiles do no work for rows that do not exist.
func runTile(rows: Int, _ t: TileOperands) {
    if t.columns > lanes {
        switch rows {
        case 4: RegisterTile<4, 2>.run(t)
        case 3: RegisterTile<3, 2>.run(t)
        case 2: RegisterTile<2, 2>.run(t)
        default: RegisterTile<1, 2>.run(t)
        }
    } else {
        switch rows {
        case 4: RegisterTile<4, 1>.run(t)
        case 3: RegisterTile<3, 1>.run(t)
        case 2: RegisterTile<2, 1>.run(t)
        default: RegisterTile<1, 1>.run(t)
        }
    }
}
