// The AVX2 kernel set (x86-64-v3: 16 ymm registers of 8 floats, FMA). This target alone is compiled
// with `-target-cpu haswell` (Package.swift); Models calls it only where cpuid and the OS say AVX state
// is usable. The kernels themselves are the shared files in Sources/KernelSource.
import KernelInterface

typealias Lane = SIMD8<Float>

enum Shape {
    static let name = "avx2"
    /// 6 × 16 uses 12 accumulators + 2 B vectors + 1 broadcast of the 16 ymm registers (OpenBLAS's
    /// Haswell shape): per depth step 2 loads and 6 broadcasts feed 12 FMAs, and 12 chains cover the
    /// FMA latency × 2 pipes. AVX-512's 12 × 32 tile would spill here.
    static let tileRows = 6
    /// Depth and rows of a packed A block: 1024 × 96 floats = 384 KiB, inside the 512 KiB L2 of Zen 2
    /// and 3, with the B sliver (1024 × 16 floats = 64 KiB) streaming from L2 beside it. On Zen 4 (a
    /// loaded machine, 1 thread) 1024³ measured 97–102 GFLOP/s with this against 81–89 for 256 × 384,
    /// 512 × 192 and 512 × 384: C tiles are merged once per 1024 steps.
    static let depthBlock = 1024
    static let rowBlock = 96
    /// Columns of a packed B panel: 1024 × 1024 floats = 4 MiB, in L3, reused by every A block.
    static let columnBlock = 1024
    /// 6 rows use 24 bytes of each line of a transposed A read in place; packing it measured 70 → 100
    /// GFLOP/s at (128×1000)ᵀ · 128×1000 on Zen 4.
    static let packsTransposedA = true
    /// Convolution weight gradient: 2 × 6 = 12 accumulators + 2 gradient vectors + 1 window vector.
    static let weightGradientRows = 2
    static let weightGradientTaps = 6
}

/// Σ of v's lanes, halves added pairwise (`SIMD.sum()` is an out-of-line generic: see
/// `zeroAccumulators`). Out of line: inlined, the weight-gradient tile's reduction loop over its 24
/// accumulators was no longer unrolled, and the accumulators stayed in memory, stored every step.
@inline(never)
func laneSum(_ v: Lane) -> Float {
    let half = v.lowHalf + v.highHalf, quarter = half.lowHalf + half.highHalf
    return quarter[0] + quarter[1]
}

@inline(__always)
func multiplyAdd(_ acc: Lane, _ x: Lane, _ y: Lane) -> Lane { acc.addingProduct(x, y) }

/// Runs the register tile for `rows` (1...6) × `t.columns` (1...16), choosing the variant for that
/// shape, so edge tiles do no work for rows that do not exist.
func runTile(rows: Int, _ t: TileOperands) {
    if t.columns > lanes {
        switch rows {
        case 6: RegisterTile<6, 2>.run(t)
        case 5: RegisterTile<5, 2>.run(t)
        case 4: RegisterTile<4, 2>.run(t)
        case 3: RegisterTile<3, 2>.run(t)
        case 2: RegisterTile<2, 2>.run(t)
        default: RegisterTile<1, 2>.run(t)
        }
    } else {
        switch rows {
        case 6: RegisterTile<6, 1>.run(t)
        case 5: RegisterTile<5, 1>.run(t)
        case 4: RegisterTile<4, 1>.run(t)
        case 3: RegisterTile<3, 1>.run(t)
        case 2: RegisterTile<2, 1>.run(t)
        default: RegisterTile<1, 1>.run(t)
        }
    }
}
