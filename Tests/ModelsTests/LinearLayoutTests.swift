// The linear layer's batch layouts and gradient updates against its plain form, bit for bit: a
// feature-major batch changes where the products read and write, not what they sum, and `.overwrite`
// writes what adding into zeros would. Shapes small enough for gemm's direct path, on every kernel set.
import Testing
import Models

/// x (rows, columns) transposed.
private func transposed(_ x: [Float], rows: Int, columns: Int) -> [Float] {
    (0..<rows * columns).map { x[$0 % rows * columns + $0 / rows] }
}

@Suite struct LinearLayoutTests {
    @Test(arguments: [(3, 5, 4), (64, 40, 37)])
    func everyLayoutGivesTheSampleMajorBits(_ sizes: (Int, Int, Int)) {
        let (n, c, oc) = sizes
        let x = uniformValues(n * c, seed: 11), w = uniformValues(oc * c, seed: 12), b = uniformValues(oc, seed: 13)
        let dOut = uniformValues(n * oc, seed: 14)
        for set in Kernels.runnable {
            Kernels.using(set) {
                var out = [Float](repeating: 0, count: n * oc)
                linearForward(out: &out, input: x, weight: w, bias: b, n: n, c: c, oc: oc)
                var dX = [Float](repeating: 0.5, count: n * c), dW = [Float](repeating: 0.5, count: oc * c)
                var dB = [Float](repeating: 0.5, count: oc)
                linearBackward(dInput: &dX, dWeight: &dW, dBias: &dB, dOut: dOut, input: x, weight: w, n: n, c: c, oc: oc)

                for inputLayout in [BatchLayout.sampleMajor, .featureMajor] {
                    for outputLayout in [BatchLayout.sampleMajor, .featureMajor] {
                        let label = "\(set.name) \(inputLayout) → \(outputLayout)"
                        let byFeatureIn = inputLayout == .featureMajor, byFeatureOut = outputLayout == .featureMajor
                        let input = byFeatureIn ? transposed(x, rows: n, columns: c) : x
                        let gradient = byFeatureOut ? transposed(dOut, rows: n, columns: oc) : dOut
                        var y = [Float](repeating: .nan, count: n * oc)
                        linearForward(out: &y, input: input, weight: w, bias: b, n: n, c: c, oc: oc,
                                      inputLayout: inputLayout, outputLayout: outputLayout)
                        #expect((byFeatureOut ? transposed(y, rows: oc, columns: n) : y).map(\.bitPattern)
                                == out.map(\.bitPattern), "\(label): forward")

                        var dXl = [Float](repeating: 0.5, count: n * c), dWl = dW.map { _ in Float(0.5) }
                        var dBl = [Float](repeating: 0.5, count: oc)
                        linearBackward(dInput: &dXl, dWeight: &dWl, dBias: &dBl, dOut: gradient, input: input, weight: w,
                                       n: n, c: c, oc: oc, inputLayout: inputLayout, outputLayout: outputLayout)
                        #expect((byFeatureIn ? transposed(dXl, rows: c, columns: n) : dXl).map(\.bitPattern)
                                == dX.map(\.bitPattern), "\(label): dInput")
                        #expect(dWl.map(\.bitPattern) == dW.map(\.bitPattern), "\(label): dWeight")
                        #expect(dBl.map(\.bitPattern) == dB.map(\.bitPattern), "\(label): dBias")

                        // Overwriting ignores what the buffers held (NaN here) and gives the bits of adding into zeros.
                        var zeroW = [Float](repeating: 0, count: oc * c), zeroB = [Float](repeating: 0, count: oc)
                        linearBackward(dInput: nil, dWeight: &zeroW, dBias: &zeroB, dOut: gradient, input: input, weight: w,
                                       n: n, c: c, oc: oc, inputLayout: inputLayout, outputLayout: outputLayout)
                        var freshW = [Float](repeating: .nan, count: oc * c), freshB = [Float](repeating: .nan, count: oc)
                        linearBackward(dInput: nil, dWeight: &freshW, dBias: &freshB, dOut: gradient, input: input, weight: w,
                                       n: n, c: c, oc: oc, inputLayout: inputLayout, outputLayout: outputLayout,
                                       parameterGradients: .overwrite)
                        #expect(freshW.map(\.bitPattern) == zeroW.map(\.bitPattern), "\(label): dWeight overwritten")
                        #expect(freshB.map(\.bitPattern) == zeroB.map(\.bitPattern), "\(label): dBias overwritten")
                    }
                }
            }
        }
    }
}
