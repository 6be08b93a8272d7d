// The element-wise kernels (KernelSource/Elementwise.swift) through every kernel set this CPU runs:
// each against a scalar reference, and every set giving the same bits (they multiply and add unfused, in
// the same order). Lengths 1043 and 37 leave a tail after the 16-lane loop.
import Foundation
import KernelInterface
import Models
import Testing

@Suite struct ElementwiseKernelTests {
    static let counts = [1043, 37]

    @Test(arguments: counts)
    func expShiftedRowIsExpAndItsSum(_ count: Int) throws {
        let z = randomFloats(count, seed: 3, "z").map { $0 * 20 }
        var results: [[Float]] = []
        for set in Kernels.runnable {
            var y = [Float](repeating: .nan, count: count)
            let sum = set.expShiftedRow(&y, z, 1.5, count)
            for j in 0..<count {
                let expected = exp(Double(z[j] - 1.5))  // the kernel subtracts in Float
                #expect(abs(Double(y[j]) - expected) <= 3e-7 * expected, "\(set.name) y[\(j)]")
            }
            #expect(abs(Double(sum) - y.reduce(0.0) { $0 + Double($1) }) <= 1e-6 * Double(sum), "\(set.name)")
            results.append(y + [sum])
        }
        expectSameBits(results)
    }

    @Test(arguments: counts)
    func maskedAccumulateAddsWhereTheMaskIsPositive(_ count: Int) {
        let g = randomFloats(count, seed: 4, "g"), mask = randomFloats(count, seed: 4, "mask")
        let start = randomFloats(count, seed: 4, "start")
        for set in Kernels.runnable {
            var dA = start, dB = start.map { -$0 }
            set.maskedAccumulate(&dA, &dB, g, mask, count)
            for i in 0..<count {
                let gi: Float = mask[i] > 0 ? g[i] : 0
                #expect(dA[i] == start[i] + gi && dB[i] == -start[i] + gi, "\(set.name) at \(i)")
            }
            var onlyB = start
            set.maskedAccumulate(nil, &onlyB, g, mask, count)
            #expect(onlyB == dA, "\(set.name) with dA nil")
        }
    }

    /// Writing gives the bits of adding into zeros, −0 gradients included (they become +0).
    @Test(arguments: counts)
    func maskedWriteIsMaskedAccumulateIntoZeros(_ count: Int) {
        var g = randomFloats(count, seed: 4, "g")
        for i in stride(from: 0, to: count, by: 5) { g[i] = -0.0 }
        let mask = randomFloats(count, seed: 4, "mask").enumerated().map { $0.offset % 5 == 0 ? 1 : $0.element }
        for set in Kernels.runnable {
            var addedA = [Float](repeating: 0, count: count), addedB = addedA
            set.maskedAccumulate(&addedA, &addedB, g, mask, count)
            var writtenA = [Float](repeating: .nan, count: count), writtenB = writtenA
            set.maskedWrite(&writtenA, &writtenB, g, mask, count)
            #expect(writtenA.map(\.bitPattern) == addedA.map(\.bitPattern), "\(set.name) dA")
            #expect(writtenB.map(\.bitPattern) == addedB.map(\.bitPattern), "\(set.name) dB")
            #expect(!writtenA.contains { $0.sign == .minus && $0 == 0 }, "\(set.name) wrote −0")
            var onlyB = [Float](repeating: .nan, count: count)
            set.maskedWrite(nil, &onlyB, g, mask, count)
            #expect(onlyB.map(\.bitPattern) == addedB.map(\.bitPattern), "\(set.name) with dA nil")
        }
    }

    @Test(arguments: counts, [false, true])
    func batchNormPlaneKernelsMatchTheScalarFormulas(_ count: Int, _ masked: Bool) {
        let g = randomFloats(count, seed: 5, "g"), x = randomFloats(count, seed: 5, "x")
        let mask = randomFloats(count, seed: 5, "mask"), start = randomFloats(count, seed: 5, "start")
        let mean: Float = 0.125, invStd: Float = 1.75, k: Float = 0.5, meanG: Float = 0.03, meanGX: Float = -0.2
        var results: [[Float]] = []
        for set in Kernels.runnable {
            var d = start, written = [Float](repeating: .nan, count: count), addedToZeros = [Float](repeating: 0, count: count)
            let (sumG, sumGX) = g.withUnsafeBufferPointer { gp in
                x.withUnsafeBufferPointer { xp in
                    mask.withUnsafeBufferPointer { mp in
                        let plane = BatchNormPlane(g: gp.baseAddress!, x: xp.baseAddress!, mask: masked ? mp.baseAddress! : nil,
                                                   count: count, mean: mean, invStd: invStd)
                        set.batchNormInputGradient(plane, &d, k, meanG, meanGX, false)
                        set.batchNormInputGradient(plane, &written, k, meanG, meanGX, true)
                        set.batchNormInputGradient(plane, &addedToZeros, k, meanG, meanGX, false)
                        return set.planeDotSums(plane)
                    }
                }
            }
            #expect(written.map(\.bitPattern) == addedToZeros.map(\.bitPattern), "\(set.name) written")
            var referenceG = 0.0, referenceGX = 0.0
            for i in 0..<count {
                let gi: Float = !masked || mask[i] > 0 ? g[i] : 0
                let xHat = (x[i] - mean) * invStd
                #expect(d[i] == start[i] + k * (gi - meanG - xHat * meanGX), "\(set.name) d[\(i)]")
                referenceG += Double(gi)
                referenceGX += Double(gi) * Double(xHat)
            }
            #expect(abs(Double(sumG) - referenceG) <= 1e-4 && abs(Double(sumGX) - referenceGX) <= 1e-4, "\(set.name)")
            results.append(d + [sumG, sumGX])
        }
        expectSameBits(results)
    }

    @Test(arguments: counts, [false, true])
    func batchNormForwardPlaneKernelsMatchTheScalarFormulas(_ count: Int, _ relu: Bool) {
        let x = randomFloats(count, seed: 6, "x")
        let mean: Float = -0.125, scale: Float = 1.5, bias: Float = -0.1875
        var results: [[Float]] = []
        for set in Kernels.runnable {
            let sum = set.planeSum(x, count, 0, false), squares = set.planeSum(x, count, mean, true)
            var y = [Float](repeating: .nan, count: count)
            set.normalizePlane(&y, x, count, mean, scale, bias, relu)
            var referenceSum = 0.0, referenceSquares = 0.0
            for i in 0..<count {
                let v = (x[i] - mean) * scale + bias
                #expect(y[i].bitPattern == (relu ? max(v, 0) : v).bitPattern, "\(set.name) y[\(i)]")
                referenceSum += Double(x[i])
                referenceSquares += Double(x[i] - mean) * Double(x[i] - mean)
            }
            #expect(abs(Double(sum) - referenceSum) <= 1e-4 && abs(Double(squares) - referenceSquares) <= 1e-4, "\(set.name)")
            results.append(y + [sum, squares])
        }
        expectSameBits(results)
    }

    private func expectSameBits(_ results: [[Float]]) {
        for other in results.dropFirst() { #expect(other.map(\.bitPattern) == results[0].map(\.bitPattern)) }
    }
}
