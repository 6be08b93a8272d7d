// The pooling kernels against their naive twins (bit for bit: same operations in the same order), and
// the twins' gradients against central finite differences in Double.
import Testing
import Models
import TestSupport

struct PoolCase: CustomTestStringConvertible, Sendable {
    var n: Int, c: Int, h: Int, w: Int, kernel: Int, stride: Int
    var oh: Int { slidingWindowCount(size: h, kernel: kernel, stride: stride) }
    var ow: Int { slidingWindowCount(size: w, kernel: kernel, stride: stride) }
    var inputCount: Int { n * c * h * w }
    var outCount: Int { n * c * oh * ow }
    var testDescription: String { "n\(n) c\(c) \(h)×\(w) k\(kernel) s\(stride)" }
}

let poolCases: [PoolCase] = [
    PoolCase(n: 1, c: 1, h: 1, w: 1, kernel: 1, stride: 1),
    PoolCase(n: 2, c: 10, h: 24, w: 24, kernel: 2, stride: 2),
    PoolCase(n: 3, c: 6, h: 7, w: 9, kernel: 2, stride: 2),     // odd sizes: last row and column dropped
    PoolCase(n: 2, c: 3, h: 11, w: 13, kernel: 3, stride: 2),   // overlapping windows
    PoolCase(n: 2, c: 4, h: 10, w: 10, kernel: 3, stride: 3),
    PoolCase(n: 2, c: 5, h: 8, w: 8, kernel: 8, stride: 1),     // global pooling
    PoolCase(n: 1, c: 2, h: 5, w: 7, kernel: 2, stride: 1),
]

@Suite struct PoolingKernelTests {
    @Test(arguments: poolCases) func maxPoolMatchesReference(_ t: PoolCase) {
        let input = randomFloats(t.inputCount, seed: 5, "input")
        var out = [Float](repeating: .nan, count: t.outCount), outRef = out
        var argmax = [Int32](repeating: -1, count: t.outCount), argmaxRef = argmax
        maxPool2dForward(out: &out, argmax: &argmax, input: input, n: t.n, c: t.c, h: t.h, w: t.w,
                         kernel: t.kernel, stride: t.stride)
        maxPool2dForwardReference(out: &outRef, argmax: &argmaxRef, input: input, n: t.n, c: t.c, h: t.h, w: t.w,
                                  kernel: t.kernel, stride: t.stride)
        #expect(out == outRef)
        #expect(argmax == argmaxRef)
        let dOut = randomFloats(t.outCount, seed: 5, "dOut")
        var dInput = randomFloats(t.inputCount, seed: 5, "dInput"), dInputRef = dInput
        maxPool2dBackward(dInput: &dInput, dOut: dOut, argmax: argmax, n: t.n, c: t.c, h: t.h, w: t.w,
                          kernel: t.kernel, stride: t.stride)
        maxPool2dBackwardReference(dInput: &dInputRef, dOut: dOut, argmax: argmaxRef, n: t.n, c: t.c, h: t.h,
                                   w: t.w, kernel: t.kernel, stride: t.stride)
        #expect(dInput == dInputRef)
    }

    /// Ties go to the first maximum in row-major order: all-equal windows (dead ReLUs) pick their origin.
    @Test func maxPoolTieGoesToFirst() {
        let input: [Float] = [0, 0, 0, 0,
                              0, 0, 2, 2,
                              1, 3, 0, 0,
                              3, 1, 0, 0]
        var out = [Float](repeating: 0, count: 4), argmax = [Int32](repeating: -1, count: 4)
        maxPool2dForward(out: &out, argmax: &argmax, input: input, n: 1, c: 1, h: 4, w: 4, kernel: 2, stride: 2)
        #expect(out == [0, 2, 3, 0])
        #expect(argmax == [0, 6, 9, 10])
    }

    @Test(arguments: poolCases) func avgPoolMatchesReference(_ t: PoolCase) {
        let input = randomFloats(t.inputCount, seed: 6, "input")
        var out = [Float](repeating: .nan, count: t.outCount), outRef = out
        avgPool2dForward(out: &out, input: input, n: t.n, c: t.c, h: t.h, w: t.w, kernel: t.kernel, stride: t.stride)
        avgPool2dForwardReference(out: &outRef, input: input, n: t.n, c: t.c, h: t.h, w: t.w,
                                  kernel: t.kernel, stride: t.stride)
        #expect(out == outRef)
        let dOut = randomFloats(t.outCount, seed: 6, "dOut")
        var dInput = randomFloats(t.inputCount, seed: 6, "dInput"), dInputRef = dInput
        avgPool2dBackward(dInput: &dInput, dOut: dOut, n: t.n, c: t.c, h: t.h, w: t.w, kernel: t.kernel,
                          stride: t.stride)
        avgPool2dBackwardReference(dInput: &dInputRef, dOut: dOut, n: t.n, c: t.c, h: t.h, w: t.w,
                                   kernel: t.kernel, stride: t.stride)
        #expect(dInput == dInputRef)
    }

    /// L = Σ r ⊙ pool(x): both twins' backward passes match central differences of their forward passes.
    /// Max pooling is piecewise linear; with distinct random inputs a step of 1e-6 never crosses a tie.
    @Test(arguments: poolCases.filter { $0.inputCount <= 2_000 }) func referenceGradientsMatchFiniteDifferences(_ t: PoolCase) {
        var input = randomDoubles(t.inputCount, seed: 7, "input")
        let r = randomDoubles(t.outCount, seed: 7, "dOut")
        var argmax = [Int32](repeating: 0, count: t.outCount)
        func maxLoss() -> Double {
            var out = [Double](repeating: 0, count: t.outCount)
            maxPool2dForwardReference(out: &out, argmax: &argmax, input: input, n: t.n, c: t.c, h: t.h, w: t.w,
                                      kernel: t.kernel, stride: t.stride)
            return dot(out, r)
        }
        func avgLoss() -> Double {
            var out = [Double](repeating: 0, count: t.outCount)
            avgPool2dForwardReference(out: &out, input: input, n: t.n, c: t.c, h: t.h, w: t.w,
                                      kernel: t.kernel, stride: t.stride)
            return dot(out, r)
        }
        _ = maxLoss()
        var dMax = [Double](repeating: 0, count: t.inputCount), dAvg = dMax
        maxPool2dBackwardReference(dInput: &dMax, dOut: r, argmax: argmax, n: t.n, c: t.c, h: t.h, w: t.w,
                                   kernel: t.kernel, stride: t.stride)
        avgPool2dBackwardReference(dInput: &dAvg, dOut: r, n: t.n, c: t.c, h: t.h, w: t.w,
                                   kernel: t.kernel, stride: t.stride)
        let eps = 1e-6
        var fdMax = [Double](), fdAvg = [Double]()
        for i in 0..<t.inputCount {
            let saved = input[i]
            input[i] = saved + eps; let maxUp = maxLoss(), avgUp = avgLoss()
            input[i] = saved - eps; let maxDown = maxLoss(), avgDown = avgLoss()
            input[i] = saved
            fdMax.append((maxUp - maxDown) / (2 * eps))
            fdAvg.append((avgUp - avgDown) / (2 * eps))
        }
        #expect(tensorMismatch(dMax, fdMax, tol: 1e-8, label: "max pool dInput") == nil)
        #expect(tensorMismatch(dAvg, fdAvg, tol: 1e-8, label: "avg pool dInput") == nil)
    }
}
