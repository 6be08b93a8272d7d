// The convolution weight-gradient tile (see WeightGradientOperands in KernelInterface): Shape's
// weightGradientRows × weightGradientTaps dot products along the positions, accumulated lane-wise in
// registers over every image, then each summed across its lanes.
//
// Shared by the Kernels* targets (a symbolic link in each), compiled once per instruction set.
import KernelInterface

enum WeightGradientTile {
    // Computed, not stored: a stored static initialised from another is a lazily initialised global
    // whose value the loops below would not see as a constant (they ran at half speed, not unrolled).
    @inline(__always) static var rows: Int { Shape.weightGradientRows }
    @inline(__always) static var taps: Int { Shape.weightGradientTaps }

    /// Per `lanes` positions: `rows` gradient loads and `taps` window loads feed rows·taps multiply-adds.
    @inline(never)
    static func run(_ o: WeightGradientOperands) {
        // Literals, not `repeating:` (see `zeroAccumulators` in RegisterTile.swift).
        var acc = zeroAccumulators()
        var rowStart: InlineArray<4, Int> = [0, 0, 0, 0], tapStart: InlineArray<6, Int> = [0, 0, 0, 0, 0, 0]
        for i in 0..<rows { rowStart[i] = min(o.o0 + i, o.oc - 1) * o.wideRow }
        for t in 0..<taps { tapStart[t] = o.offsets[min(o.r0 + t, o.kk - 1)] }
        var gradient = UnsafeRawPointer(o.gradients), layout = UnsafeRawPointer(o.layouts)
        for _ in 0..<o.images {
            // A plain counted loop: with `stride(from:to:by:)` the accumulators were spilled per image.
            var p = 0
            while p < o.wideRow {
                var d: InlineArray<4, Lane> = [.zero, .zero, .zero, .zero]
                for i in 0..<rows { d[i] = gradient.loadUnaligned(fromByteOffset: (rowStart[i] &+ p) &* 4, as: Lane.self) }
                for t in 0..<taps {
                    let x = layout.loadUnaligned(fromByteOffset: (tapStart[t] &+ p) &* 4, as: Lane.self)
                    for i in 0..<rows { acc[i * taps + t] = multiplyAdd(acc[i * taps + t], d[i], x) }
                }
                p &+= lanes
            }
            gradient += o.gradientCount * 4
            layout += o.layoutCount * 4
        }
        // Reduce with constant indices first: indexing `acc` by the runtime edge bounds would keep it in
        // memory, spilled and reloaded around every image.
        var sums: InlineArray<24, Float> = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        for k in 0..<rows * taps { sums[k] = laneSum(acc[k]) }
        for i in 0..<min(rows, o.oc - o.o0) {
            for t in 0..<min(taps, o.kk - o.r0) {
                o.dWeight[(o.o0 + i) * o.kk + o.r0 + t] += sums[i * taps + t]
            }
        }
    }
}
