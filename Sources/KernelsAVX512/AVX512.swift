// The AVX-512 kernel set (x86-64-v4: 32 zmm registers of 16 floats, FMA). This target alone is compiled
// with `-target-cpu skylake-avx512` (Package.swift); Models calls it only where cpuid and the OS say
// AVX-512 state is usable. The kernels themselves are the shared files in Sources/KernelSource.
import KernelInterface

typealias Lane = SIMD16<Float>

enum Shape {
    static let name = "avx512"
    /// 12 × 32 uses 24 accumulators + 2 B vectors + broadcasts of the 32 zmm registers: per depth step
    /// 2 vector loads and 12 broadcasts feed 24 FMAs, so loads never limit the two FMA pipes, and 24
    /// independent chains hide the FMA latency. (6 × 64 measured the same, 14 × 32 a little slower.)
    static let tileRows = 12
    /// Depth of a packed block. 512 measured best on Zen 5 (+10% over 256 at 1024³): C tiles are merged
    /// half as often; the B sliver (512 × 32 floats) then lives in L2 rather than L1, which costs less.
    static let depthBlock = 512
    /// Rows of a packed A block: 384 × 512 floats = 768 KiB stays in a 1 MiB L2 across the B panel.
    static let rowBlock = 384
    /// Columns of a packed B panel: 512 × 2048 floats = 4 MiB, in L3, reused by every A block.
    static let columnBlock = 2048
    /// 12 rows use 48 bytes of each line of a transposed A: reading it in place measured as fast as packing.
    static let packsTransposedA = false
    /// Convolution weight gradient: 4 × 6 = 24 accumulators + 4 gradient vectors + 1 window vector.
    static let weightGradientRows = 4
    static let weightGradientTaps = 6
}

/// Σ of v's lanes, halves added pairwise (`SIMD.sum()` is an out-of-line generic: see
/// `zeroAccumulators`). Out of line: inlined, the weight-gradient tile's reduction loop over its 24
/// accumulators was no longer unrolled, and the accumulators stayed in memory, stored every step.
@inline(never)
func laneSum(_ v: Lane) -> Float {
    let half = v.lowHalf + v.highHalf, quarter = half.lowHalf + half.highHalf
    let eighth = quarter.lowHalf + quarter.highHalf
    return eighth[0] + eighth[1]
}

@inline(__always)
func multiplyAdd(_ acc: Lane, _ x: Lane, _ y: Lane) -> Lane { acc.addingProduct(x, y) }

/// Runs the register tile for `rows` (1...12) × `t.columns` (1...32), choosing the variant for that
/// shape, so edge tiles do no work for rows that do not exist.
func runTile(rows: Int, _ t: TileOperands) {
    if t.columns > lanes {
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
