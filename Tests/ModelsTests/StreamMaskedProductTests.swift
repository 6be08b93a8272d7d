// The stream-masked products on locked-dropout inputs, on every kernel set this CPU runs; a stream that
// keeps nothing and one that keeps everything included. The forward against the dense linear forward:
// the same bits on gemm's direct and packed shapes (depth over one KC block), with and without bias, with
// 1 and 2 threads. The weight gradient (summed stream by stream) against the exact sum in Double, within
// the rounding error bound of a dot product, and the same bits with 1 and 2 threads.
import Testing
import Models

struct MaskedProductCase: CustomTestStringConvertible, Sendable {
    var steps: Int, streams: Int, inputSize: Int, outputSize: Int
    var testDescription: String { "T \(steps), B \(streams), \(inputSize) → \(outputSize)" }
}

private let maskedCases = [
    MaskedProductCase(steps: 35, streams: 20, inputSize: 128, outputSize: 2_000),  // the small decoder (direct path)
    MaskedProductCase(steps: 7, streams: 3, inputSize: 19, outputSize: 45),        // odd sizes, partial slivers
    MaskedProductCase(steps: 35, streams: 20, inputSize: 1_550, outputSize: 100),  // packed path, several KC blocks
]

/// A locked-dropout input (T·B, K) and its mask (B, K) at p ≈ 0.35, scaled as `dropoutMask` scales;
/// stream 0 keeps nothing, stream 1 everything.
private func lockedDropoutInput(_ t: MaskedProductCase) -> (input: [Float], mask: [Float]) {
    let rows = t.steps * t.streams
    let raw = randomFloats(rows * t.inputSize, seed: 3, "input")
    var mask = randomFloats(t.streams * t.inputSize, seed: 3, "mask").map { $0 < -0.3 ? Float(0) : 1 / 0.65 }
    for j in 0..<t.inputSize {
        mask[j] = 0
        if t.streams > 1 { mask[t.inputSize + j] = 1 / 0.65 }
    }
    var input = [Float](repeating: 0, count: rows * t.inputSize)
    lockedDropoutForward(out: &input, input: raw, mask: mask, steps: t.steps, streams: t.streams, features: t.inputSize)
    return (input, mask)
}

@Suite struct StreamMaskedProductTests {
    @Test(arguments: maskedCases)
    func forwardMatchesTheDenseProduct(_ t: MaskedProductCase) {
        let rows = t.steps * t.streams
        let weight = randomFloats(t.outputSize * t.inputSize, seed: 3, "weight")
        let bias = randomFloats(t.outputSize, seed: 3, "bias")
        let (input, mask) = lockedDropoutInput(t)
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

    @Test(arguments: maskedCases)
    func weightGradientMatchesTheExactSum(_ t: MaskedProductCase) {
        let rows = t.steps * t.streams
        let dOut = randomFloats(rows * t.outputSize, seed: 5, "dOut")
        let old = randomFloats(t.outputSize * t.inputSize, seed: 5, "dWeight")
        let (input, mask) = lockedDropoutInput(t)
        // d += Σ_r dOut[r, n]·x[r, k] in Double, with the rounding bound of an n-term float sum.
        let gamma = Double(rows + 2) * Double(Float.ulpOfOne)
        var exact = [Double](repeating: 0, count: old.count), bound = exact
        for n in 0..<t.outputSize {
            for k in 0..<t.inputSize {
                var sum = Double(old[n * t.inputSize + k]), magnitude = abs(sum)
                for r in 0..<rows {
                    let term = Double(dOut[r * t.outputSize + n]) * Double(input[r * t.inputSize + k])
                    sum += term
                    magnitude += abs(term)
                }
                (exact[n * t.inputSize + k], bound[n * t.inputSize + k]) = (sum, gamma * magnitude + 1e-30)
            }
        }
        for kernels in Kernels.runnable {
            Kernels.using(kernels) {
                var results: [[Float]] = []
                for threads in [1, 2] {
                    var dWeight = old
                    streamMaskedWeightGradient(dWeight: &dWeight, dOut: dOut, input: input, mask: mask, steps: t.steps,
                                               streams: t.streams, inputSize: t.inputSize, outputSize: t.outputSize, threads: threads)
                    results.append(dWeight)
                }
                let worst = zip(results[0].indices, results[0]).map { abs(Double($1) - exact[$0]) / bound[$0] }.max() ?? 0
                #expect(worst <= 1, "\(kernels.name): error \(worst) × the rounding bound")
                #expect(results[1].map(\.bitPattern) == results[0].map(\.bitPattern), "\(kernels.name): 2 threads differ from 1")
            }
        }
    }
}
