// The operands of the QRNN layer's per-step kernels (qrnnForward and qrnnBackward in Models): one time
// step t for all B streams, rows of the (T, B, ·) buffers. Sizes: B = streams, H = hidden; gate rows are
// [z f o], 3H wide.

/// Forward of step t: `gates` (B, 3H) holds the pre-activations and receives z = tanh, σ(f), σ(o) in
/// place; then c_t = f ⊙ z + (1 − f) ⊙ c_{t−1} into `cell` and h_t = o ⊙ c_t into `output` (both (B, H)),
/// with f = σ(f) ⊙ mask where a zoneout `forgetMask` (B, H) is given.
public struct ForgetMultForward {
    public var gates: UnsafeMutablePointer<Float>, previousCell: UnsafePointer<Float>
    public var cell: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>
    public var forgetMask: UnsafePointer<Float>?
    public var streams: Int, hidden: Int

    @inline(__always)
    public init(gates: UnsafeMutablePointer<Float>, previousCell: UnsafePointer<Float>, cell: UnsafeMutablePointer<Float>,
                output: UnsafeMutablePointer<Float>, forgetMask: UnsafePointer<Float>?, streams: Int, hidden: Int) {
        self.gates = gates; self.previousCell = previousCell; self.cell = cell; self.output = output
        self.forgetMask = forgetMask; self.streams = streams; self.hidden = hidden
    }
}

/// Backward of step t: from d loss / d h_t (`dOutput`, (B, H)) and the running cell gradient `carry`
/// (B, H; d loss / d c_t from step t + 1 on the way in, (1 − f) ⊙ dc_t on the way out), writes the
/// pre-activation gradients into `dGates` (B, 3H). `gates`, `previousCell`, `cell` and `forgetMask` are as
/// the forward left them.
public struct ForgetMultBackward {
    public var dGates: UnsafeMutablePointer<Float>, carry: UnsafeMutablePointer<Float>, dOutput: UnsafePointer<Float>
    public var gates: UnsafePointer<Float>, previousCell: UnsafePointer<Float>, cell: UnsafePointer<Float>
    public var forgetMask: UnsafePointer<Float>?
    public var streams: Int, hidden: Int

    @inline(__always)
    public init(dGates: UnsafeMutablePointer<Float>, carry: UnsafeMutablePointer<Float>, dOutput: UnsafePointer<Float>,
                gates: UnsafePointer<Float>, previousCell: UnsafePointer<Float>, cell: UnsafePointer<Float>,
                forgetMask: UnsafePointer<Float>?, streams: Int, hidden: Int) {
        self.dGates = dGates; self.carry = carry; self.dOutput = dOutput
        self.gates = gates; self.previousCell = previousCell; self.cell = cell
        self.forgetMask = forgetMask; self.streams = streams; self.hidden = hidden
    }
}
