// One instruction set's kernels as a table of functions and the sizes the loops around them need.
// Models picks one table at start-up (KernelChoice.swift) and calls through it: one indirect call per
// register tile or packed block, nothing per element.

/// The micro-kernels, packing routines and block sizes compiled for one instruction set.
public struct KernelSet: @unchecked Sendable {
    /// `avx512`, `avx2` or `portable`: what `SWEEP_KERNELS` and `sweep-bench --kernels` name.
    public var name: String
    /// Floats per vector register.
    public var lanes: Int
    /// The register tile: up to `tileRows` × `tileColumns` of C per micro-kernel call.
    public var tileRows: Int, tileColumns: Int
    /// Block sizes of the packed gemm path: depth (KC), rows of A (MC), columns of B (NC).
    public var depthBlock: Int, rowBlock: Int, columnBlock: Int
    /// The convolution weight-gradient tile: gradient rows × taps per call.
    public var weightGradientRows: Int, weightGradientTaps: Int
    /// Whether every product with a transposed A large enough to pack takes the packed path: a tile
    /// reading A in place touches one cache line of A per depth step and uses only tileRows floats of it.
    public var packsTransposedA: Bool

    /// Runs the register tile on `rows` (1...tileRows) × `operands.columns` (1...tileColumns).
    public var tile: (_ rows: Int, _ operands: TileOperands) -> Void
    /// Packs rows × depth of op(A) from (row0, depth0): sliver s (rows tileRows·s ..<) at
    /// dst + tileRows·depth·s, element (i, p) at [p·tileRows + i].
    public var packA: (_ transA: Bool, _ a: UnsafePointer<Float>, _ lda: Int, _ row0: Int, _ depth0: Int,
                       _ rows: Int, _ depth: Int, _ dst: UnsafeMutablePointer<Float>) -> Void
    /// Packs depth × columns of op(B) from (depth0, column0): sliver s (columns tileColumns·s ..<) at
    /// dst + tileColumns·depth·s, element (p, j) at [p·tileColumns + j], the last sliver zero-padded.
    public var packB: (_ transB: Bool, _ b: UnsafePointer<Float>, _ ldb: Int, _ depth0: Int, _ column0: Int,
                       _ depth: Int, _ columns: Int, _ dst: UnsafeMutablePointer<Float>) -> Void
    /// Adds one convolution weight-gradient tile into dWeight.
    public var weightGradientTile: (_ operands: WeightGradientOperands) -> Void
    /// 16 independent multiply-add chains of vectors, `iterations` steps: the benchmark's peak probe.
    public var multiplyAddChains: (_ iterations: Int, _ seed: Float) -> Float

    // Element-wise loops (KernelSource/Elementwise.swift); every set computes the same bits.
    /// y_j = exp(z_j − shift) for j < count; returns Σ y_j.
    public var expShiftedRow: (_ y: UnsafeMutablePointer<Float>, _ z: UnsafePointer<Float>, _ shift: Float,
                               _ count: Int) -> Float
    /// dA += g, dB += g (either may be nil), g = dOut where mask > 0, else 0.
    public var maskedAccumulate: (_ dA: UnsafeMutablePointer<Float>?, _ dB: UnsafeMutablePointer<Float>?,
                                  _ dOut: UnsafePointer<Float>, _ mask: UnsafePointer<Float>, _ count: Int) -> Void
    /// dA = dB = 0 + g (either may be nil), g as in `maskedAccumulate`: the first gradient written into a buffer.
    public var maskedWrite: (_ dA: UnsafeMutablePointer<Float>?, _ dB: UnsafeMutablePointer<Float>?,
                             _ dOut: UnsafePointer<Float>, _ mask: UnsafePointer<Float>, _ count: Int) -> Void
    /// Σ x, or Σ (x − shift)² when `squared`, over a BatchNorm plane of `count` floats.
    public var planeSum: (_ x: UnsafePointer<Float>, _ count: Int, _ shift: Float, _ squared: Bool) -> Float
    /// y = (x − mean)·scale + bias, then max(y, 0) with `relu`, over a BatchNorm plane of `count` floats.
    public var normalizePlane: (_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ count: Int, _ mean: Float,
                                _ scale: Float, _ bias: Float, _ relu: Bool) -> Void
    /// (Σ g, Σ g·x̂) over a BatchNorm plane.
    public var planeDotSums: (_ plane: BatchNormPlane) -> (Float, Float)
    /// d += k·(g − meanG − x̂·meanGX) over a BatchNorm plane; with `write`, d = 0 + that.
    public var batchNormInputGradient: (_ plane: BatchNormPlane, _ d: UnsafeMutablePointer<Float>, _ k: Float,
                                        _ meanG: Float, _ meanGX: Float, _ write: Bool) -> Void
    /// The LSTM cell update of one step's rows, forward and backward (KernelSource/LSTMCell.swift).
    public var lstmCellForward: (_ rows: LSTMCellRows) -> Void
    public var lstmCellBackward: (_ rows: LSTMCellGradientRows) -> Void
    /// One QRNN time step forward: gate activations and the forget-mult (ForgetMultStep.swift).
    public var forgetMultForward: (_ step: ForgetMultForward) -> Void
    /// One QRNN time step backward: the gate gradients and the carried cell gradient.
    public var forgetMultBackward: (_ step: ForgetMultBackward) -> Void
    /// The one-step convolution backward (OneStepGradient.swift): the tap gradients of the outputs in
    /// the range (written), and the input gradient of the batch columns in the range (added).
    public var oneStepTapGradients: (_ operands: OneStepGradient, _ outputs: Range<Int>) -> Void
    public var oneStepInputGradient: (_ operands: OneStepGradient, _ columns: Range<Int>) -> Void

    public init(name: String, lanes: Int, tileRows: Int, tileColumns: Int,
                depthBlock: Int, rowBlock: Int, columnBlock: Int,
                weightGradientRows: Int, weightGradientTaps: Int, packsTransposedA: Bool,
                tile: @escaping (Int, TileOperands) -> Void,
                packA: @escaping (Bool, UnsafePointer<Float>, Int, Int, Int, Int, Int, UnsafeMutablePointer<Float>) -> Void,
                packB: @escaping (Bool, UnsafePointer<Float>, Int, Int, Int, Int, Int, UnsafeMutablePointer<Float>) -> Void,
                weightGradientTile: @escaping (WeightGradientOperands) -> Void,
                multiplyAddChains: @escaping (Int, Float) -> Float,
                expShiftedRow: @escaping (UnsafeMutablePointer<Float>, UnsafePointer<Float>, Float, Int) -> Float,
                maskedAccumulate: @escaping (UnsafeMutablePointer<Float>?, UnsafeMutablePointer<Float>?, UnsafePointer<Float>,
                                             UnsafePointer<Float>, Int) -> Void,
                maskedWrite: @escaping (UnsafeMutablePointer<Float>?, UnsafeMutablePointer<Float>?, UnsafePointer<Float>,
                                        UnsafePointer<Float>, Int) -> Void,
                planeSum: @escaping (UnsafePointer<Float>, Int, Float, Bool) -> Float,
                normalizePlane: @escaping (UnsafeMutablePointer<Float>, UnsafePointer<Float>, Int, Float, Float, Float, Bool) -> Void,
                planeDotSums: @escaping (BatchNormPlane) -> (Float, Float),
                batchNormInputGradient: @escaping (BatchNormPlane, UnsafeMutablePointer<Float>, Float, Float, Float, Bool) -> Void,
                lstmCellForward: @escaping (LSTMCellRows) -> Void, lstmCellBackward: @escaping (LSTMCellGradientRows) -> Void,
                forgetMultForward: @escaping (ForgetMultForward) -> Void,
                forgetMultBackward: @escaping (ForgetMultBackward) -> Void,
                oneStepTapGradients: @escaping (OneStepGradient, Range<Int>) -> Void,
                oneStepInputGradient: @escaping (OneStepGradient, Range<Int>) -> Void) {
        self.name = name; self.lanes = lanes
        self.tileRows = tileRows; self.tileColumns = tileColumns
        self.depthBlock = depthBlock; self.rowBlock = rowBlock; self.columnBlock = columnBlock
        self.weightGradientRows = weightGradientRows; self.weightGradientTaps = weightGradientTaps
        self.packsTransposedA = packsTransposedA
        self.tile = tile; self.packA = packA; self.packB = packB
        self.weightGradientTile = weightGradientTile; self.multiplyAddChains = multiplyAddChains
        self.expShiftedRow = expShiftedRow; self.maskedAccumulate = maskedAccumulate
        self.maskedWrite = maskedWrite
        self.planeSum = planeSum; self.normalizePlane = normalizePlane
        self.planeDotSums = planeDotSums; self.batchNormInputGradient = batchNormInputGradient
        self.lstmCellForward = lstmCellForward; self.lstmCellBackward = lstmCellBackward
        self.forgetMultForward = forgetMultForward; self.forgetMultBackward = forgetMultBackward
        self.oneStepTapGradients = oneStepTapGradients; self.oneStepInputGradient = oneStepInputGradient
    }
}
