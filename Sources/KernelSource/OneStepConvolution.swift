// The backward of a convolution whose output gradient is nonzero at one step per (b, o)
// (KernelInterface/OneStepGradient.swift): row updates of c floats, 2·k·B·oc of them, which Models'
// baseline build ran 4 floats at a time (6.6% of the SNLI ConvNet encoder's step on AVX-512).
// The same unfused multiplies and adds in the same order as a baseline build, so every set gives the same bits.
//
// Shared by the Kernels* targets (a symbolic link in each), compiled once per instruction set.
import KernelInterface

/// Writes the tap gradients of the outputs `outputs`: for each (o, j) a sum over b in increasing order
/// from 0, kept in registers 64 floats at a time.
func oneStepTapGradients(_ s: OneStepGradient, outputs: Range<Int>) {
    let pad = (s.kernel - 1) / 2
    for o in outputs {
        for j in 0..<s.kernel {
            let dTap = s.dTaps + (j * s.oc + o) * s.c
            // The row of x that (b, o)'s tap j read, nil where none did (g = 0 or a padding step).
            func source(_ b: Int) -> UnsafePointer<Float>? {
                let t = Int(s.step[b * s.oc + o]) + j - pad
                guard s.g[b * s.oc + o] != 0, (0..<s.steps).contains(t) else { return nil }
                return s.input + (t * s.batch + b) * s.c
            }
            var ch = 0
            while ch + 64 <= s.c {
                var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
                for b in 0..<s.batch {
                    guard let x = source(b) else { continue }
                    let g = SIMD16<Float>(repeating: s.g[b * s.oc + o])
                    a0 += g * load(x + ch)
                    a1 += g * load(x + ch + 16)
                    a2 += g * load(x + ch + 32)
                    a3 += g * load(x + ch + 48)
                }
                store(a0, dTap + ch); store(a1, dTap + ch + 16); store(a2, dTap + ch + 32); store(a3, dTap + ch + 48)
                ch += 64
            }
            while ch + 16 <= s.c {
                var a = SIMD16<Float>()
                for b in 0..<s.batch {
                    guard let x = source(b) else { continue }
                    a += SIMD16<Float>(repeating: s.g[b * s.oc + o]) * load(x + ch)
                }
                store(a, dTap + ch)
                ch += 16
            }
            while ch < s.c {
                var a: Float = 0
                for b in 0..<s.batch {
                    guard let x = source(b) else { continue }
                    a += s.g[b * s.oc + o] * x[ch]
                }
                dTap[ch] = a
                ch += 1
            }
        }
    }
}

/// Adds the input gradient of the columns `columns`: for each b, outputs o in increasing order, taps j.
func oneStepInputGradient(_ s: OneStepGradient, columns: Range<Int>) {
    guard let dInput = s.dInput else { return }
    let pad = (s.kernel - 1) / 2
    for b in columns {
        for o in 0..<s.oc where s.g[b * s.oc + o] != 0 {
            let t = Int(s.step[b * s.oc + o]), g = s.g[b * s.oc + o], gv = SIMD16<Float>(repeating: g)
            for j in 0..<s.kernel where (0..<s.steps).contains(t + j - pad) {
                let w = s.taps + (j * s.oc + o) * s.c, d = dInput + ((t + j - pad) * s.batch + b) * s.c
                var ch = 0
                while ch + 16 <= s.c {
                    store(load(d + ch) + gv * load(w + ch), d + ch)
                    ch += 16
                }
                while ch < s.c {
                    d[ch] += g * w[ch]
                    ch += 1
                }
            }
        }
    }
}

@inline(__always)
private func load(_ p: UnsafePointer<Float>) -> SIMD16<Float> { UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self) }

@inline(__always)
private func store(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self) }
