// The LSTM cell's element-wise update, forward and backward (the gate nonlinearities and the cell and
// hidden state), compiled per instruction set like the register tile: at the study's H = 200 the gate
// loops of the SNLI encoders cost as much as a quarter of their recurrent products on the baseline target.
// Each does the multiplies and adds of the scalar formulas (LSTMCellRows.swift), unfused and in the same
// order, with the same vector exp, so every kernel set gives the same bits.
//
// Shared by the Kernels* targets (a symbolic link in each), compiled once per instruction set.
import KernelInterface

/// The forward cell update of `r.rows` rows, 16 hidden units at a time; a last partial vector goes
/// through the same code, padded with zeros.
func lstmCellForward(_ r: LSTMCellRows) {
    let hidden = r.hidden, width = 4 * hidden
    for row in 0..<r.rows {
        let a = r.gates + row * width, offset = row * hidden
        let cp = r.cPrev + offset, c = r.c + offset, tc = r.tanhC + offset, h = r.h + offset
        var j = 0
        while j < hidden {
            // Not Swift.min: here it is emitted as a weak specialization, which the linker could share between sets.
            let n = hidden - j < 16 ? hidden - j : 16
            let i = vectorSigmoid(load(a + j, n)), f = vectorSigmoid(load(a + hidden + j, n))
            let g = vectorTanh(load(a + 2 * hidden + j, n)), o = vectorSigmoid(load(a + 3 * hidden + j, n))
            let cv = f * load(cp + j, n) + i * g
            let t = vectorTanh(cv)
            let hv = o * t
            store(i, a + j, n); store(f, a + hidden + j, n); store(g, a + 2 * hidden + j, n); store(o, a + 3 * hidden + j, n)
            store(cv, c + j, n); store(t, tc + j, n); store(hv, h + j, n)
            if let out = r.out { store(hv, out + offset + j, n) }
            j += 16
        }
    }
}

/// The backward cell update of `r.rows` rows, 16 hidden units at a time (tails padded as above).
func lstmCellBackward(_ r: LSTMCellGradientRows) {
    let hidden = r.hidden, width = 4 * hidden
    for row in 0..<r.rows {
        let a = r.gates + row * width, da = r.dGates + row * width, offset = row * hidden
        let cp = r.cPrev + offset, tc = r.tanhC + offset, dH = r.dH + offset, dC = r.dC + offset
        var j = 0
        while j < hidden {
            let n = hidden - j < 16 ? hidden - j : 16
            let i = load(a + j, n), f = load(a + hidden + j, n), g = load(a + 2 * hidden + j, n), o = load(a + 3 * hidden + j, n)
            let t = load(tc + j, n)
            // 0 + dH when there is no dOut, as the scalar formula adds a missing term's 0.
            let dh = (r.dOut.map { load($0 + offset + j, n) } ?? SIMD16<Float>(repeating: 0)) + load(dH + j, n)
            let dc = load(dC + j, n) + dh * o * (1 - t * t)
            store(dc * g * i * (1 - i), da + j, n)
            store(dc * load(cp + j, n) * f * (1 - f), da + hidden + j, n)
            store(dc * i * (1 - g * g), da + 2 * hidden + j, n)
            store(dh * t * o * (1 - o), da + 3 * hidden + j, n)
            store(dc * f, dC + j, n)
            j += 16
        }
    }
}

/// p[0..<n] in the first n lanes (n ≤ 16), zeros after.
@inline(__always)
private func load(_ p: UnsafePointer<Float>, _ n: Int) -> SIMD16<Float> {
    if n == 16 { return UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self) }
    var v = SIMD16<Float>(repeating: 0)
    for k in 0..<n { v[k] = p[k] }
    return v
}

@inline(__always)
private func load(_ p: UnsafeMutablePointer<Float>, _ n: Int) -> SIMD16<Float> { load(UnsafePointer(p), n) }

/// p[0..<n] = the first n lanes of v (n ≤ 16).
@inline(__always)
private func store(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>, _ n: Int) {
    if n == 16 {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
        return
    }
    for k in 0..<n { p[k] = v[k] }
}
