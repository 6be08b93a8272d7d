// The stream-masked forward product against the dense linear forward on locked-dropout inputs: the
// same bits on every kernel set this CPU runs, on gemm's direct and packed shapes (depth over one KC
// block), with and without bias, with 1 and 2 threads; a stream that keeps nothing and one that keeps
// everything included.
import Testing
import Models

struct MaskedProductCase: CustomTestStringConvertible, Sendable {
    var steps: Int, streams: Int, inputSize: Int, outputSize: Int
    var testDescription: String { "T \(steps), B \(streams), \(inputSize) → \(outputSize)" }
}

@Suite struct StreamMaskedProductTests {
    @Test(arguments: [
        MaskedProductCase(steps: 35, streams: 20, inputSize: 128, outputSize: 2_000),  // the small decoder (direct path)
        MaskedProductCase(steps: 7, streams: 3, inputSize: 19, outputSize: 45),        // odd sizes, partial slivers
        MaskedProductCase(steps: 35, streams: 20, inputSize: 1_550, outputSize: 100),  // packed path, several KC blocks
    ])
    func matchesTheDenseProduct(_ t: MaskedProductCase) {
        let rows = t.steps * t.streams
        let weight = randomFloats(t.outputSize * t.inputSize, seed: 3, "weight")
        let bias = randomFloats(t.outputSize, seed: 3, "bias")
        let raw = randomFloats(rows * t.inputSize, seed: 3, "input")
        // Locked-dropout mask at p ≈ 0.35, scaled as `dropoutMask` scales; stream 0 keeps nothing, stream 1 everything.
        var mask = randomFloats(t.streams * t.inputSize, seed: 3, "mask").map { $0 < -0.3 ? Float(0) : 1 / 0.65 }
        for j in 0..<t.inputSize {
            mask[j] = 0
            if t.streams > 1 { mask[t.inputSize + j] = 1 / 0.65 }
        }
        var input = [Float](repeating: 0, count: rows * t.inputSize)
        lockedDropoutForward(out: &input, input: raw, mask: mask, steps: t.steps, streams: t.streams, features: t.inputSize)
        for kernels in Kernels.runnable {
            Kernels.using(kernels) {
                for withBias in [false, true] {
                    var dense = [Float](repeating: .nan, count: rows * t.outputSize)
                    bias.withUnsafeBufferPointer { b in
                        linearForward(out: &dense, input: input, weight: weight, bias: withBias ? b.baseAddress : nil,
                                      n: rows, c: t.inputSize, oc: t.outputSize)
                    }
                    for threads in [1, 2] {
                        // Every element must be written: start from NaN.
                        var masked = [Float](repeating: .nan, count: rows * t.outputSize)
                        bias.withUnsafeBufferPointer { b in
                            streamMaskedLinearForward(out: &masked, input: input, mask: mask, weight: weight,
                                                      bias: withBias ? b.baseAddress : nil, steps: t.steps, streams: t.streams,
                                                      inputSize: t.inputSize, outputSize: t.outputSize, threads: threads)
                        }
                        #expect(masked.map(\.bitPattern) == dense.map(\.bitPattern),
                                "\(kernels.name), bias \(withBias), \(threads) threads: differs from the dense product")
                    }
                }
            }
        }
    }
}
