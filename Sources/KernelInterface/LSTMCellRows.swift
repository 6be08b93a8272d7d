// The operands of the LSTM cell kernels (KernelSource/LSTMCell.swift): `rows` consecutive batch rows of
// one time step. Sizes: H = hidden; gate rows are 4H wide, stacked i, f, g, o; state rows are H wide.

/// One step's cell update, forward: the gates' pre-activations a (rows, 4H) in `gates`, the previous
/// cell state `cPrev` (rows, H).
///
///     i = σ(a_i)  f = σ(a_f)  g = tanh(a_g)  o = σ(a_o)      (written back over a: the backward reads them)
///     c = f ⊙ c_prev + i ⊙ g     tanhC = tanh(c)     h = o ⊙ tanhC      (and `out` = h when given)
public struct LSTMCellRows {
    public var gates: UnsafeMutablePointer<Float>, cPrev: UnsafePointer<Float>
    public var c: UnsafeMutablePointer<Float>, tanhC: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>
    public var out: UnsafeMutablePointer<Float>?
    public var rows: Int, hidden: Int

    @inline(__always)
    public init(gates: UnsafeMutablePointer<Float>, cPrev: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
                tanhC: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>?,
                rows: Int, hidden: Int) {
        self.gates = gates; self.cPrev = cPrev; self.c = c; self.tanhC = tanhC; self.h = h; self.out = out
        self.rows = rows; self.hidden = hidden
    }
}

/// One step's cell update, backward: the forward's activated `gates` (rows, 4H), `cPrev` and `tanhC`
/// (rows, H); d loss / d h from above `dOut` (rows, H; nil for none) and from the next step `dH`;
/// d loss / d c from the next step `dC` (replaced by d loss / d c_prev). Writes d loss / d a into `dGates`.
///
///     dh = dOut + dH      dc = dC + dh ⊙ o ⊙ (1 − tanhC²)
///     da_i = dc ⊙ g ⊙ i ⊙ (1 − i)   da_f = dc ⊙ c_prev ⊙ f ⊙ (1 − f)   da_g = dc ⊙ i ⊙ (1 − g²)
///     da_o = dh ⊙ tanhC ⊙ o ⊙ (1 − o)      dC ← dc ⊙ f
public struct LSTMCellGradientRows {
    public var dGates: UnsafeMutablePointer<Float>, dC: UnsafeMutablePointer<Float>
    public var dH: UnsafePointer<Float>, dOut: UnsafePointer<Float>?
    public var gates: UnsafePointer<Float>, cPrev: UnsafePointer<Float>, tanhC: UnsafePointer<Float>
    public var rows: Int, hidden: Int

    @inline(__always)
    public init(dGates: UnsafeMutablePointer<Float>, dC: UnsafeMutablePointer<Float>, dH: UnsafePointer<Float>,
                dOut: UnsafePointer<Float>?, gates: UnsafePointer<Float>, cPrev: UnsafePointer<Float>,
                tanhC: UnsafePointer<Float>, rows: Int, hidden: Int) {
        self.dGates = dGates; self.dC = dC; self.dH = dH; self.dOut = dOut
        self.gates = gates; self.cPrev = cPrev; self.tanhC = tanhC
        self.rows = rows; self.hidden = hidden
    }
}
