// The QRNN step kernels (KernelSource/ForgetMult.swift) through every kernel set this CPU runs: the
// activations against Foundation's tanh and exp, the recurrence and the gradients against the scalar
// formulas evaluated on the kernel's own activated gates (the same unfused operations, so equal bits),
// and every set giving the same bits. H = 37 leaves a tail after the 16-lane loop; 3 streams.
import Foundation
import KernelInterface
import Models
import Testing

@Suite struct ForgetMultKernelTests {
    static let streams = 3, hidden = 37

    /// One step forward then backward through `set`; returns (gates, cell, output, dGates, carry).
    private func step(_ set: KernelSet, mask: [Float]?) -> (gates: [Float], cell: [Float], output: [Float], dGates: [Float], carry: [Float]) {
        let b = Self.streams, h = Self.hidden
        // The operands hold pointers beyond one call, so they point into buffers allocated here, never `&array`.
        func buffer(_ values: [Float]) -> UnsafeMutableBufferPointer<Float> {
            let p = UnsafeMutableBufferPointer<Float>.allocate(capacity: values.count)
            _ = p.initialize(from: values)
            return p
        }
        let gates = buffer(randomFloats(b * 3 * h, seed: 9, "gates").map { $0 * 4 }), previous = buffer(randomFloats(b * h, seed: 9, "previous"))
        let dOutput = buffer(randomFloats(b * h, seed: 9, "dOutput")), carry = buffer(randomFloats(b * h, seed: 9, "carry"))
        let cell = buffer([Float](repeating: .nan, count: b * h)), output = buffer([Float](repeating: .nan, count: b * h))
        let dGates = buffer([Float](repeating: .nan, count: b * 3 * h)), forgetMask = mask.map(buffer)
        let all = [gates, previous, dOutput, carry, cell, output, dGates] + (forgetMask.map { [$0] } ?? [])
        defer { for p in all { p.deallocate() } }
        let m = forgetMask.map { UnsafePointer($0.baseAddress!) }
        set.forgetMultForward(ForgetMultForward(gates: gates.baseAddress!, previousCell: previous.baseAddress!, cell: cell.baseAddress!,
                                                output: output.baseAddress!, forgetMask: m, streams: b, hidden: h))
        set.forgetMultBackward(ForgetMultBackward(dGates: dGates.baseAddress!, carry: carry.baseAddress!, dOutput: dOutput.baseAddress!,
                                                  gates: gates.baseAddress!, previousCell: previous.baseAddress!, cell: cell.baseAddress!,
                                                  forgetMask: m, streams: b, hidden: h))
        return (Array(gates), Array(cell), Array(output), Array(dGates), Array(carry))
    }

    @Test(arguments: [false, true])
    func stepMatchesTheScalarFormulas(_ masked: Bool) {
        let b = Self.streams, h = Self.hidden
        let raw = randomFloats(b * 3 * h, seed: 9, "gates").map { $0 * 4 }
        let previous = randomFloats(b * h, seed: 9, "previous"), dOutput = randomFloats(b * h, seed: 9, "dOutput")
        let carryIn = randomFloats(b * h, seed: 9, "carry")
        let mask: [Float]? = masked ? randomFloats(b * h, seed: 9, "mask").map { $0 > 0 ? 1 : 0 } : nil
        var results: [[Float]] = []
        for set in Kernels.runnable {
            let r = step(set, mask: mask)
            for s in 0..<b {
                for j in 0..<h {
                    let row = s * 3 * h, i = s * h + j
                    let z = r.gates[row + j], fRaw = r.gates[row + h + j], o = r.gates[row + 2 * h + j]
                    #expect(abs(Double(z) - tanh(Double(raw[row + j]))) <= 1e-6, "\(set.name) z[\(i)]")
                    #expect(abs(Double(fRaw) - 1 / (1 + exp(-Double(raw[row + h + j])))) <= 1e-6, "\(set.name) f[\(i)]")
                    #expect(abs(Double(o) - 1 / (1 + exp(-Double(raw[row + 2 * h + j])))) <= 1e-6, "\(set.name) o[\(i)]")
                    let m: Float = mask?[i] ?? 1, f = fRaw * m
                    let c = f * z + (1 - f) * previous[i]
                    #expect(r.cell[i] == c && r.output[i] == o * c, "\(set.name) c, h[\(i)]")
                    let dc = dOutput[i] * o + carryIn[i]
                    #expect(r.dGates[row + 2 * h + j] == dOutput[i] * c * o * (1 - o), "\(set.name) dy_o[\(i)]")
                    #expect(r.dGates[row + h + j] == dc * (z - previous[i]) * m * fRaw * (1 - fRaw), "\(set.name) dy_f[\(i)]")
                    #expect(r.dGates[row + j] == dc * f * (1 - z * z), "\(set.name) dy_z[\(i)]")
                    #expect(r.carry[i] == (1 - f) * dc, "\(set.name) carry[\(i)]")
                }
            }
            results.append(r.gates + r.cell + r.output + r.dGates + r.carry)
        }
        for other in results.dropFirst() { #expect(other.map(\.bitPattern) == results[0].map(\.bitPattern)) }
    }
}
