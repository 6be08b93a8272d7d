// The register tile of the matrix multiply: up to Shape.tileRows rows × 2 vectors of C, accumulated over
// a depth of k in registers, then merged into C with alpha and beta.
//
// Shared by the Kernels* targets (a symbolic link in each) and compiled once per instruction set: `Lane`,
// `Shape` and `multiplyAdd` come from the target's own file. Legend as in KernelInterface's
// TileOperands.swift.
import CacheHints
import KernelInterface

/// Floats per vector register (computed, so that it is a constant wherever it is used).
@inline(__always) var lanes: Int { Lane.scalarCount }

/// 24 zero vectors: 2 × the largest tileRows of any set (unused ones are optimised away).
///
/// A literal, not `InlineArray(repeating:)`: that stays an out-of-line call to a standard-library
/// specialization whose symbol is the same in every kernel target (and in Models), so the linker would
/// keep one copy, compiled for whichever instruction set it met first. Kernel code calls no generic
/// standard-library function that is not inlined (scripts/check-kernel-symbols checks it).
@inline(__always)
func zeroAccumulators() -> InlineArray<24, Lane> {
    [.zero, .zero, .zero, .zero, .zero, .zero, .zero, .zero, .zero, .zero, .zero, .zero,
     .zero, .zero, .zero, .zero, .zero, .zero, .zero, .zero, .zero, .zero, .zero, .zero]
}

/// C[0..<rows, 0..<columns] ← alpha · A·B + beta · C over `depth` steps; C is not read when beta is 0.
/// Specialised per shape (`rows` 1...Shape.tileRows, `vectors` 1 or 2), so loops unroll and the
/// accumulators live in registers. `columns` ≤ lanes·vectors, and B must hold lanes·vectors readable
/// floats per depth step. Every C element is the same chain of multiply-adds whatever the tile shape, so
/// edge tiles round exactly as full ones.
enum RegisterTile<let rows: Int, let vectors: Int> {
    static func run(_ t: TileOperands) {
        if let offsets = t.bOffsets { runWindows(t, offsets) } else { runStrided(t) }
    }

    // One depth loop per function: with both loops in one function, LLVM kept the accumulators in
    // memory and stored all of them after every step.
    @inline(never)
    private static func runStrided(_ t: TileOperands) {
        prefetchC(t)
        var acc = zeroAccumulators()
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
        prefetchC(t)
        var acc = zeroAccumulators()
        var pa = t.a
        for p in 0..<t.depth {
            step(&acc, pa, t.aRowStride, UnsafeRawPointer(t.b + offsets[p]))
            pa += t.aDepthStride
        }
        merge(&acc, t)
    }

    /// Fetches the tile's C lines while the depth loop runs: a gradient's C (dW, 1000 × 784 at the fc
    /// layers) comes from memory, and the merge stalled on it (perf: a fifth of the tile's samples on
    /// the adds after the loads of C, in the fc 784→1000→1000→10 step).
    @inline(__always)
    private static func prefetchC(_ t: TileOperands) {
        for i in 0..<rows {
            sweep_prefetch_for_write(t.c + i * t.ldc)
            sweep_prefetch_for_write(t.c + i * t.ldc + t.columns - 1)
        }
    }

    /// One depth step: row `pb` of B times column `pa` of A into the accumulators.
    @inline(__always)
    private static func step(_ acc: inout InlineArray<24, Lane>, _ pa: UnsafePointer<Float>,
                             _ aRowStride: Int, _ pb: UnsafeRawPointer) {
        let b0 = pb.loadUnaligned(as: Lane.self)
        let b1 = vectors == 2 ? pb.loadUnaligned(fromByteOffset: lanes * 4, as: Lane.self) : .zero
        for i in 0..<rows {
            let ai = Lane(repeating: pa[i * aRowStride])
            acc[2 * i] = multiplyAdd(acc[2 * i], ai, b0)
            if vectors == 2 { acc[2 * i + 1] = multiplyAdd(acc[2 * i + 1], ai, b1) }
        }
    }

    /// C ← alpha·acc + beta·C in separate multiplies and an add, lane by lane the same in the vector and
    /// the scalar (partial vector) branch. With beta = 1 and alpha = 1 it is exactly C + acc.
    /// The accumulators stay in registers only if every index into them is a constant, that is if these
    /// loops are unrolled; LLVM unrolls a loop only within a size budget, so each loop covers at most 6
    /// rows and tests nothing inside. As one loop over 12 rows with the beta test inside, it stayed rolled:
    /// the accumulators then lived on the stack, zeroed by a 1.5 KB memset and stored and reloaded around
    /// the depth loop on every call (at depth 10, dX of the 1000→10 layer, a third of the tile's time).
    @inline(__always)
    private static func merge(_ acc: inout InlineArray<24, Lane>, _ t: TileOperands) {
        let half = min(rows, 6)
        if t.columns != lanes * vectors {
            // alpha·acc to the stack, with constant indices, for the lane-by-lane merge out of line.
            withUnsafeTemporaryAllocation(of: Lane.self, capacity: 2 * rows) { sums in
                for i in 0..<half { scaleRow(&acc, i, t.alpha, into: sums) }
                for i in half..<rows { scaleRow(&acc, i, t.alpha, into: sums) }
                mergePartial(UnsafePointer(sums.baseAddress!), t)
            }
        } else if t.beta == 0 {
            for i in 0..<half { storeRow(&acc, i, t) }
            for i in half..<rows { storeRow(&acc, i, t) }
        } else {
            for i in 0..<half { mergeRow(&acc, i, t) }
            for i in half..<rows { mergeRow(&acc, i, t) }
        }
    }

    /// C row i ← alpha · acc row i (beta = 0: C is not read).
    @inline(__always)
    private static func storeRow(_ acc: inout InlineArray<24, Lane>, _ i: Int, _ t: TileOperands) {
        let target = UnsafeMutableRawPointer(t.c + i * t.ldc)
        target.storeBytes(of: acc[2 * i] * t.alpha, as: Lane.self)
        if vectors == 2 { target.storeBytes(of: acc[2 * i + 1] * t.alpha, toByteOffset: lanes * 4, as: Lane.self) }
    }

    /// C row i ← alpha · acc row i + beta · C row i.
    @inline(__always)
    private static func mergeRow(_ acc: inout InlineArray<24, Lane>, _ i: Int, _ t: TileOperands) {
        let target = UnsafeMutableRawPointer(t.c + i * t.ldc)
        let c0 = target.loadUnaligned(as: Lane.self)
        target.storeBytes(of: acc[2 * i] * t.alpha + c0 * t.beta, as: Lane.self)
        if vectors == 2 {
            let c1 = target.loadUnaligned(fromByteOffset: lanes * 4, as: Lane.self)
            target.storeBytes(of: acc[2 * i + 1] * t.alpha + c1 * t.beta, toByteOffset: lanes * 4, as: Lane.self)
        }
    }

    /// sums[2i + v] ← alpha · acc[2i + v], the products `storeRow` computes.
    @inline(__always)
    private static func scaleRow(_ acc: inout InlineArray<24, Lane>, _ i: Int, _ alpha: Float,
                                 into sums: UnsafeMutableBufferPointer<Lane>) {
        sums.initializeElement(at: 2 * i, to: acc[2 * i] * alpha)
        if vectors == 2 { sums.initializeElement(at: 2 * i + 1, to: acc[2 * i + 1] * alpha) }
    }

    /// C ← sums + beta · C lane by lane, for a tile whose last vector C does not hold whole
    /// (`t.columns` < lanes · vectors): the lanes of `mergeRow`'s operations that lie inside C.
    @inline(never)
    private static func mergePartial(_ sums: UnsafePointer<Lane>, _ t: TileOperands) {
        for i in 0..<rows {
            for v in 0..<vectors {
                let sum = sums[2 * i + v], target = t.c + i * t.ldc + lanes * v
                for j in 0..<min(lanes, t.columns - lanes * v) {
                    target[j] = t.beta == 0 ? sum[j] : sum[j] + target[j] * t.beta
                }
            }
        }
    }
}
