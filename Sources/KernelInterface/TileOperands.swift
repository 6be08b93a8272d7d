// The operands of the two micro-kernels every kernel set provides, in one layout for all sets.
//
// Legend (gemm tile): rows × columns of C; depth d; A element (i, p) at a[i·aRowStride + p·aDepthStride];
// B element (p, j) at b[p·bDepthStride + j] (columns contiguous), or at b[bOffsets[p] + j] when an offset
// table is given (a convolution's shifted input windows).

/// Where one register tile's operands lie and how its result merges into C:
/// C[0..<rows, 0..<columns] ← alpha · A·B + beta · C over `depth` steps; C is not read when beta is 0.
/// B must hold a whole tile width (`KernelSet.tileColumns`) of readable floats per depth step.
public struct TileOperands {
    public var depth: Int
    public var a: UnsafePointer<Float>, aRowStride: Int, aDepthStride: Int
    public var b: UnsafePointer<Float>, bDepthStride: Int, bOffsets: UnsafePointer<Int>?
    public var c: UnsafeMutablePointer<Float>, ldc: Int, columns: Int
    public var alpha: Float, beta: Float

    @inline(__always)
    public init(depth: Int, a: UnsafePointer<Float>, aRowStride: Int, aDepthStride: Int,
                b: UnsafePointer<Float>, bDepthStride: Int, bOffsets: UnsafePointer<Int>? = nil,
                c: UnsafeMutablePointer<Float>, ldc: Int, columns: Int, alpha: Float, beta: Float) {
        self.depth = depth
        self.a = a; self.aRowStride = aRowStride; self.aDepthStride = aDepthStride
        self.b = b; self.bDepthStride = bDepthStride; self.bOffsets = bOffsets
        self.c = c; self.ldc = ldc; self.columns = columns
        self.alpha = alpha; self.beta = beta
    }
}

/// One tile of a convolution's weight gradient (Conv2DKernel.swift in Models):
/// dWeight[o0 + i, r0 + t] += Σ_images Σ_positions gradients[image, row(o0 + i), ·] · layouts[image, offset(r0 + t) + ·]
/// for i < `KernelSet.weightGradientRows`, t < `weightGradientTaps`; rows past oc and taps past kk repeat
/// the last one and are not stored. `wideRow` (positions per gradient row) is a multiple of 16.
public struct WeightGradientOperands {
    public var dWeight: UnsafeMutablePointer<Float>, o0: Int, oc: Int, r0: Int, kk: Int
    public var offsets: UnsafePointer<Int>
    public var gradients: UnsafePointer<Float>, gradientCount: Int, wideRow: Int
    public var layouts: UnsafePointer<Float>, layoutCount: Int, images: Int

    @inline(__always)
    public init(dWeight: UnsafeMutablePointer<Float>, o0: Int, oc: Int, r0: Int, kk: Int, offsets: UnsafePointer<Int>,
                gradients: UnsafePointer<Float>, gradientCount: Int, wideRow: Int,
                layouts: UnsafePointer<Float>, layoutCount: Int, images: Int) {
        self.dWeight = dWeight; self.o0 = o0; self.oc = oc; self.r0 = r0; self.kk = kk
        self.offsets = offsets
        self.gradients = gradients; self.gradientCount = gradientCount; self.wideRow = wideRow
        self.layouts = layouts; self.layoutCount = layoutCount; self.images = images
    }
}
