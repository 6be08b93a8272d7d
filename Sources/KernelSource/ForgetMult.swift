// The QRNN layer's element-wise work per time step (gate activations and the forget-mult recurrence,
// forward and backward), compiled per instruction set: on the baseline target these loops were scalar
// and cost as much as the small language model's QRNN matrix products. Each lane does the same unfused
// multiplies and adds in the same order as the scalar tail loops, so every kernel set gives the same
// bits; the activations go through the 16-lane VectorMath code, tails padded.
//
// Shared by the Kernels* targets (a symbolic link in each), compiled once per instruction set.
import KernelInterface

private typealias Vector = SIMD16<Float>

@inline(__always)
private func load(_ p: UnsafePointer<Float>) -> Vector { UnsafeRawPointer(p).loadUnaligned(as: Vector.self) }

@inline(__always)
private func store(_ p: UnsafeMutablePointer<Float>, _ v: Vector) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self) }

/// Activates the gates of step t and runs c_t = f ⊙ z + (1 − f) ⊙ c_{t−1}, h_t = o ⊙ c_t (ForgetMultStep.swift).
func forgetMultForward(_ s: ForgetMultForward) {
    let h = s.hidden
    for b in 0..<s.streams {
        let y = s.gates + b * 3 * h, previous = s.previousCell + b * h, cell = s.cell + b * h, out = s.output + b * h
        mapVector(y, y, h, vectorTanh)
        mapVector(y + h, y + h, 2 * h, vectorSigmoid)
        var j = 0
        while j + 16 <= h {
            var f = load(y + h + j)
            if let mask = s.forgetMask { f = f * load(mask + b * h + j) }
            let c = f * load(y + j) + (1 - f) * load(previous + j)
            store(cell + j, c)
            store(out + j, load(y + 2 * h + j) * c)
            j += 16
        }
        while j < h {
            var f = y[h + j]
            if let mask = s.forgetMask { f = f * mask[b * h + j] }
            cell[j] = f * y[j] + (1 - f) * previous[j]
            out[j] = y[2 * h + j] * cell[j]
            j += 1
        }
    }
}

/// The gradients of step t's pre-activations and the cell gradient passed to step t − 1:
/// dc = dh·o + carry; dy_o = dh·c·o·(1 − o); dy_f = dc·(z − c_{t−1})·mask·σ_f·(1 − σ_f);
/// dy_z = dc·f·(1 − z²); carry ← (1 − f)·dc.
func forgetMultBackward(_ s: ForgetMultBackward) {
    let h = s.hidden
    for b in 0..<s.streams {
        let y = s.gates + b * 3 * h, dy = s.dGates + b * 3 * h
        let dh = s.dOutput + b * h, carry = s.carry + b * h, previous = s.previousCell + b * h, cell = s.cell + b * h
        var j = 0
        while j + 16 <= h {
            let z = load(y + j), fRaw = load(y + h + j), o = load(y + 2 * h + j), g = load(dh + j)
            var f = fRaw, forget = z - load(previous + j)
            let dc = g * o + load(carry + j)
            forget = dc * forget
            if let mask = s.forgetMask {
                let m = load(mask + b * h + j)
                f = fRaw * m
                forget = forget * m
            }
            store(dy + 2 * h + j, g * load(cell + j) * o * (1 - o))
            store(dy + h + j, forget * fRaw * (1 - fRaw))
            store(dy + j, dc * f * (1 - z * z))
            store(carry + j, (1 - f) * dc)
            j += 16
        }
        while j < h {
            let z = y[j], fRaw = y[h + j], o = y[2 * h + j], g = dh[j]
            var f = fRaw, forget = z - previous[j]
            let dc = g * o + carry[j]
            forget = dc * forget
            if let mask = s.forgetMask {
                let m = mask[b * h + j]
                f = fRaw * m
                forget = forget * m
            }
            dy[2 * h + j] = g * cell[j] * o * (1 - o)
            dy[h + j] = forget * fRaw * (1 - fRaw)
            dy[j] = dc * f * (1 - z * z)
            carry[j] = (1 - f) * dc
            j += 1
        }
    }
}
