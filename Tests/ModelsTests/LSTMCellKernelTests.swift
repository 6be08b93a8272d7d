// The LSTM cell kernels (KernelSource/LSTMCell.swift) through every kernel set this CPU runs: each against
// the scalar formulas of LSTMCellRows.swift, and every set giving the same bits. H = 37 leaves a partial
// vector after two whole ones; 3 rows check the row strides.
import Foundation
import KernelInterface
import Models
import Testing

@Suite struct LSTMCellKernelTests {
    static let hiddenSizes = [37, 32]
    static let rows = 3

    @Test(arguments: hiddenSizes)
    func forwardIsTheCellUpdate(_ hidden: Int) {
        let rows = Self.rows, width = 4 * hidden
        let preactivations = randomFloats(rows * width, seed: 7, "a").map { $0 * 6 }
        let cPrev = randomFloats(rows * hidden, seed: 7, "c")
        var results: [[Float]] = []
        for set in Kernels.runnable {
            var gates = preactivations
            var c = [Float](repeating: .nan, count: rows * hidden), tanhC = c, h = c, out = c
            cPrev.withUnsafeBufferPointer { cp in
                set.lstmCellForward(LSTMCellRows(gates: &gates, cPrev: cp.baseAddress!, c: &c, tanhC: &tanhC, h: &h, out: &out,
                                                 rows: rows, hidden: hidden))
            }
            for row in 0..<rows {
                for j in 0..<hidden {
                    let g = row * width + j, s = row * hidden + j
                    for (k, name) in ["i", "f", "o"].enumerated() {
                        let column = [0, 1, 3][k] * hidden
                        let expected = 1 / (1 + exp(-Double(preactivations[g + column])))
                        #expect(abs(Double(gates[g + column]) - expected) <= 1e-6, "\(set.name) \(name)[\(row), \(j)]")
                    }
                    #expect(abs(Double(gates[g + 2 * hidden]) - tanh(Double(preactivations[g + 2 * hidden]))) <= 1e-6,
                            "\(set.name) g[\(row), \(j)]")
                    let (i, f, gg, o) = (gates[g], gates[g + hidden], gates[g + 2 * hidden], gates[g + 3 * hidden])
                    #expect(c[s] == f * cPrev[s] + i * gg, "\(set.name) c[\(row), \(j)]")
                    #expect(abs(Double(tanhC[s]) - tanh(Double(c[s]))) <= 1e-6, "\(set.name) tanhC[\(row), \(j)]")
                    #expect(h[s] == o * tanhC[s] && out[s] == h[s], "\(set.name) h[\(row), \(j)]")
                }
            }
            results.append(gates + c + tanhC + h)
        }
        expectSameBits(results)
    }

    @Test(arguments: hiddenSizes, [false, true])
    func backwardIsTheCellGradient(_ hidden: Int, _ withOut: Bool) {
        let rows = Self.rows, width = 4 * hidden
        // Activated gates: i, f, o in (0, 1), g and tanhC in (−1, 1).
        let gates = randomFloats(rows * width, seed: 8, "gates").enumerated().map { k, v in (k % width) / hidden == 2 ? v : (v + 1) / 2 }
        let cPrev = randomFloats(rows * hidden, seed: 8, "c"), tanhC = randomFloats(rows * hidden, seed: 8, "tanhC")
        let dOut = randomFloats(rows * hidden, seed: 8, "dOut"), dH = randomFloats(rows * hidden, seed: 8, "dH")
        let dCStart = randomFloats(rows * hidden, seed: 8, "dC")
        var results: [[Float]] = []
        for set in Kernels.runnable {
            var dGates = [Float](repeating: .nan, count: rows * width), dC = dCStart
            dOut.withUnsafeBufferPointer { dOut in
                set.lstmCellBackward(LSTMCellGradientRows(dGates: &dGates, dC: &dC, dH: dH, dOut: withOut ? dOut.baseAddress! : nil,
                                                          gates: gates, cPrev: cPrev, tanhC: tanhC, rows: rows, hidden: hidden))
            }
            for row in 0..<rows {
                for j in 0..<hidden {
                    let g = row * width + j, s = row * hidden + j
                    let (i, f, gg, o, t) = (gates[g], gates[g + hidden], gates[g + 2 * hidden], gates[g + 3 * hidden], tanhC[s])
                    let dh = (withOut ? dOut[s] : 0) + dH[s]
                    let dc = dCStart[s] + dh * o * (1 - t * t)
                    #expect(dGates[g] == dc * gg * i * (1 - i), "\(set.name) da_i[\(row), \(j)]")
                    #expect(dGates[g + hidden] == dc * cPrev[s] * f * (1 - f), "\(set.name) da_f[\(row), \(j)]")
                    #expect(dGates[g + 2 * hidden] == dc * i * (1 - gg * gg), "\(set.name) da_g[\(row), \(j)]")
                    #expect(dGates[g + 3 * hidden] == dh * t * o * (1 - o), "\(set.name) da_o[\(row), \(j)]")
                    #expect(dC[s] == dc * f, "\(set.name) dC[\(row), \(j)]")
                }
            }
            results.append(dGates + dC)
        }
        expectSameBits(results)
    }

    private func expectSameBits(_ results: [[Float]]) {
        for other in results.dropFirst() { #expect(other.map(\.bitPattern) == results[0].map(\.bitPattern)) }
    }
}
