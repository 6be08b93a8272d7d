// The tuned convolution against its naive twin on odd shapes, through every kernel set this CPU runs,
// and the naive twin's gradients against central finite differences in Double.
import Testing
import Models
import TestSupport

struct ConvCase: CustomTestStringConvertible, Sendable {
    var n: Int, c: Int, h: Int, w: Int, oc: Int, kh: Int, kw: Int, stride: Int, padding: Int, bias: Bool
    var oh: Int { slidingWindowCount(size: h, kernel: kh, stride: stride, padding: padding) }
    var ow: Int { slidingWindowCount(size: w, kernel: kw, stride: stride, padding: padding) }
    var inputCount: Int { n * c * h * w }
    var weightCount: Int { oc * c * kh * kw }
    var outCount: Int { n * oc * oh * ow }
    var testDescription: String {
        "n\(n) c\(c) \(h)×\(w) oc\(oc) k\(kh)×\(kw) s\(stride) p\(padding)\(bias ? " bias" : "")"
    }
}

let convCases: [ConvCase] = [
    ConvCase(n: 1, c: 1, h: 1, w: 1, oc: 1, kh: 1, kw: 1, stride: 1, padding: 0, bias: true),
    ConvCase(n: 2, c: 1, h: 28, w: 28, oc: 10, kh: 5, kw: 5, stride: 1, padding: 0, bias: true),
    ConvCase(n: 3, c: 10, h: 12, w: 12, oc: 20, kh: 5, kw: 5, stride: 1, padding: 0, bias: true),
    ConvCase(n: 2, c: 3, h: 32, w: 32, oc: 6, kh: 5, kw: 5, stride: 1, padding: 0, bias: true),
    ConvCase(n: 2, c: 3, h: 8, w: 8, oc: 6, kh: 3, kw: 3, stride: 1, padding: 1, bias: true),
    ConvCase(n: 2, c: 6, h: 8, w: 8, oc: 8, kh: 3, kw: 3, stride: 2, padding: 1, bias: false),
    ConvCase(n: 2, c: 4, h: 8, w: 8, oc: 8, kh: 1, kw: 1, stride: 2, padding: 0, bias: false),
    ConvCase(n: 3, c: 5, h: 7, w: 11, oc: 13, kh: 3, kw: 5, stride: 2, padding: 2, bias: true),
    ConvCase(n: 1, c: 2, h: 3, w: 3, oc: 3, kh: 5, kw: 5, stride: 1, padding: 2, bias: true),
    ConvCase(n: 2, c: 17, h: 13, w: 9, oc: 19, kh: 3, kw: 3, stride: 1, padding: 1, bias: true),
    ConvCase(n: 5, c: 3, h: 31, w: 17, oc: 33, kh: 5, kw: 3, stride: 2, padding: 1, bias: false),
    ConvCase(n: 2, c: 7, h: 5, w: 5, oc: 4, kh: 1, kw: 1, stride: 1, padding: 2, bias: true),
    ConvCase(n: 3, c: 6, h: 9, w: 9, oc: 5, kh: 1, kw: 1, stride: 1, padding: 0, bias: true),   // pointwise
    ConvCase(n: 2, c: 3, h: 2, w: 1, oc: 2, kh: 3, kw: 3, stride: 2, padding: 1, bias: true),   // taps past the edge
    ConvCase(n: 7, c: 32, h: 6, w: 6, oc: 40, kh: 3, kw: 3, stride: 1, padding: 1, bias: true), // several threads' work
    ConvCase(n: 2, c: 3, h: 5, w: 41, oc: 4, kh: 3, kw: 3, stride: 2, padding: 1, bias: false),  // vector stride-2 copies
]

@Suite struct Conv2DKernelTests {
    /// Sums of c·kh·kw products in another order than the twin's: a few float roundings apart.
    static let tolerance = 1e-5

    @Test(arguments: convCases, Kernels.runnable.map(\.name))
    func forwardMatchesReferenceOnAnyThreadCount(_ t: ConvCase, _ kernels: String) throws {
        try Kernels.using(Kernels.runnableSet(named: kernels)) { forward(t) }
    }

    private func forward(_ t: ConvCase) {
        let input = randomFloats(t.inputCount, seed: 1, "input")
        let weight = randomFloats(t.weightCount, seed: 1, "weight")
        let bias = randomFloats(t.oc, seed: 1, "bias")
        var results: [[Float]] = []
        var expected = [Float](repeating: .nan, count: t.outCount)
        bias.withUnsafeBufferPointer { b in
            let biasPointer = t.bias ? b.baseAddress : nil
            for threads in [1, 2, 3] {
                var got = [Float](repeating: .nan, count: t.outCount)
                conv2dForward(out: &got, input: input, weight: weight, bias: biasPointer, n: t.n, c: t.c, h: t.h,
                              w: t.w, oc: t.oc, kh: t.kh, kw: t.kw, stride: t.stride, padding: t.padding,
                              threads: threads)
                results.append(got)
            }
            conv2dForwardReference(out: &expected, input: input, weight: weight, bias: biasPointer, n: t.n,
                                   c: t.c, h: t.h, w: t.w, oc: t.oc, kh: t.kh, kw: t.kw, stride: t.stride,
                                   padding: t.padding)
        }
        #expect(tensorMismatch(results[0], expected, tol: Self.tolerance, label: "out") == nil)
        #expect(results[1] == results[0] && results[2] == results[0], "2 or 3 threads differ from 1")
    }

    /// Backward adds into gradients that already hold values, with and without dInput and dBias, and
    /// gives the same bits on 1, 2 and 3 threads.
    @Test(arguments: convCases, Kernels.runnable.map(\.name))
    func backwardMatchesReferenceOnAnyThreadCount(_ t: ConvCase, _ kernels: String) throws {
        try Kernels.using(Kernels.runnableSet(named: kernels)) { backward(t) }
    }

    private func backward(_ t: ConvCase) {
        let input = randomFloats(t.inputCount, seed: 2, "input")
        let weight = randomFloats(t.weightCount, seed: 2, "weight")
        let dOut = randomFloats(t.outCount, seed: 2, "dOut")
        for wantInput in [true, false] {
            var dInputRef = randomFloats(t.inputCount, seed: 3, "dInput")
            var dWeightRef = randomFloats(t.weightCount, seed: 3, "dWeight")
            var dBiasRef = randomFloats(t.oc, seed: 3, "dBias")
            let initial = (dInputRef, dWeightRef, dBiasRef)
            dInputRef.withUnsafeMutableBufferPointer { dx in
                dBiasRef.withUnsafeMutableBufferPointer { db in
                    conv2dBackwardReference(dInput: wantInput ? dx.baseAddress : nil, dWeight: &dWeightRef,
                                            dBias: t.bias ? db.baseAddress : nil, dOut: dOut, input: input,
                                            weight: weight, n: t.n, c: t.c, h: t.h, w: t.w, oc: t.oc, kh: t.kh,
                                            kw: t.kw, stride: t.stride, padding: t.padding)
                }
            }
            var results: [[Float]] = []
            for threads in [1, 2, 3] {
                var (dInput, dWeight, dBias) = initial
                dInput.withUnsafeMutableBufferPointer { dx in
                    dBias.withUnsafeMutableBufferPointer { db in
                        conv2dBackward(dInput: wantInput ? dx.baseAddress : nil, dWeight: &dWeight,
                                       dBias: t.bias ? db.baseAddress : nil, dOut: dOut, input: input, weight: weight,
                                       n: t.n, c: t.c, h: t.h, w: t.w, oc: t.oc, kh: t.kh, kw: t.kw,
                                       stride: t.stride, padding: t.padding, threads: threads)
                    }
                }
                if threads == 1 {
                    let label = "(dInput wanted: \(wantInput))"
                    #expect(tensorMismatch(dWeight, dWeightRef, tol: Self.tolerance, label: "dWeight \(label)") == nil)
                    #expect(tensorMismatch(dBias, dBiasRef, tol: Self.tolerance, label: "dBias \(label)") == nil)
                    #expect(tensorMismatch(dInput, dInputRef, tol: Self.tolerance, label: "dInput \(label)") == nil)
                    if !wantInput { #expect(dInput == initial.0, "dInput written though not wanted") }
                    if !t.bias { #expect(dBias == initial.2, "dBias written though nil") }
                }
                results.append(dInput + dWeight + dBias)
            }
            #expect(results[1] == results[0] && results[2] == results[0], "2 or 3 threads differ from 1")
        }
    }

    /// The layouts a training forward saves serve the backward as the ones it writes itself, and
    /// `.overwrite` gives the bits of adding into zeroed parameter gradients: the network's path.
    @Test(arguments: convCases, Kernels.runnable.map(\.name))
    func savedLayoutsAndOverwrittenGradientsGiveTheSameBits(_ t: ConvCase, _ kernels: String) throws {
        try Kernels.using(Kernels.runnableSet(named: kernels)) {
            let input = randomFloats(t.inputCount, seed: 4, "input")
            let weight = randomFloats(t.weightCount, seed: 4, "weight")
            let dOut = randomFloats(t.outCount, seed: 4, "dOut")
            var out = [Float](repeating: 0, count: t.outCount), saved = out
            var layouts = [Float](repeating: .nan, count: t.n * conv2dLayoutCount(c: t.c, h: t.h, w: t.w, kh: t.kh, kw: t.kw,
                                                                                    stride: t.stride, padding: t.padding))
            conv2dForward(out: &out, input: input, weight: weight, bias: nil, n: t.n, c: t.c, h: t.h, w: t.w, oc: t.oc,
                          kh: t.kh, kw: t.kw, stride: t.stride, padding: t.padding)
            conv2dForward(out: &saved, input: input, weight: weight, bias: nil, n: t.n, c: t.c, h: t.h, w: t.w, oc: t.oc,
                          kh: t.kh, kw: t.kw, stride: t.stride, padding: t.padding, threads: 2, savedLayouts: &layouts)
            #expect(saved == out)
            var dWeight = [Float](repeating: 0, count: t.weightCount), dBias = [Float](repeating: 0, count: t.oc)
            conv2dBackward(dInput: nil, dWeight: &dWeight, dBias: &dBias, dOut: dOut, input: input, weight: weight,
                           n: t.n, c: t.c, h: t.h, w: t.w, oc: t.oc, kh: t.kh, kw: t.kw, stride: t.stride, padding: t.padding)
            var dWeightSaved = [Float](repeating: .nan, count: t.weightCount), dBiasSaved = [Float](repeating: .nan, count: t.oc)
            conv2dBackward(dInput: nil, dWeight: &dWeightSaved, dBias: &dBiasSaved, dOut: dOut, input: input, weight: weight,
                           n: t.n, c: t.c, h: t.h, w: t.w, oc: t.oc, kh: t.kh, kw: t.kw, stride: t.stride, padding: t.padding,
                           parameterGradients: .overwrite, savedLayouts: layouts)
            #expect(dWeightSaved.map(\.bitPattern) == dWeight.map(\.bitPattern))
            #expect(dBiasSaved.map(\.bitPattern) == dBias.map(\.bitPattern))
        }
    }

    /// The naive twin's backward is the derivative of its forward: for L = Σ r ⊙ conv(x, W) + b, every
    /// gradient entry matches a central difference of L in Double.
    /// (Cases whose finite differences would take over ~3·10⁷ generic multiply-adds are left to the others.)
    @Test(arguments: convCases.filter { ($0.inputCount + $0.weightCount) * $0.outCount * $0.c * $0.kh * $0.kw <= 30_000_000 })
    func referenceGradientsMatchFiniteDifferences(_ t: ConvCase) {
        var input = randomDoubles(t.inputCount, seed: 4, "input")
        var weight = randomDoubles(t.weightCount, seed: 4, "weight")
        var bias = randomDoubles(t.oc, seed: 4, "bias")
        let r = randomDoubles(t.outCount, seed: 4, "dOut")
        func loss() -> Double {
            var out = [Double](repeating: 0, count: t.outCount)
            bias.withUnsafeBufferPointer { b in
                conv2dForwardReference(out: &out, input: input, weight: weight, bias: t.bias ? b.baseAddress : nil,
                                       n: t.n, c: t.c, h: t.h, w: t.w, oc: t.oc, kh: t.kh, kw: t.kw,
                                       stride: t.stride, padding: t.padding)
            }
            return dot(out, r)
        }
        var dInput = [Double](repeating: 0, count: t.inputCount)
        var dWeight = [Double](repeating: 0, count: t.weightCount)
        var dBias = [Double](repeating: 0, count: t.oc)
        conv2dBackwardReference(dInput: &dInput, dWeight: &dWeight, dBias: &dBias, dOut: r, input: input,
                                weight: weight, n: t.n, c: t.c, h: t.h, w: t.w, oc: t.oc, kh: t.kh, kw: t.kw,
                                stride: t.stride, padding: t.padding)
        let eps = 1e-4
        func centralDifference(_ values: inout [Double], _ i: Int) -> Double {
            let saved = values[i]
            values[i] = saved + eps; let up = loss()
            values[i] = saved - eps; let down = loss()
            values[i] = saved
            return (up - down) / (2 * eps)
        }
        let fdInput = (0..<t.inputCount).map { centralDifference(&input, $0) }
        let fdWeight = (0..<t.weightCount).map { centralDifference(&weight, $0) }
        #expect(tensorMismatch(dInput, fdInput, tol: 1e-9, label: "dInput") == nil)
        #expect(tensorMismatch(dWeight, fdWeight, tol: 1e-9, label: "dWeight") == nil)
        if t.bias {
            let fdBias = (0..<t.oc).map { centralDifference(&bias, $0) }
            #expect(tensorMismatch(dBias, fdBias, tol: 1e-9, label: "dBias") == nil)
        }
    }
}
