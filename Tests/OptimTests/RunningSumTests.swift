// The critical buffers' running sums against an implementation that re-sums every buffered gradient at
// every step, as the reference does: over a long run the fast path must stay within the fixtures'
// tolerance, and every re-anchoring must land exactly on the re-summed value.
import Testing
@testable import Optim
import TestSupport

/// SGD_C written from the fixture README with the buffer as a plain array (CPython heapify, cut without
/// re-heapify) and Σ re-summed in array order at every step. Keys use the library's norm, so both make
/// the same decisions; only Σ's rounding differs.
final class ReSummingSGDC {
    let ranges: [Range<Int>]
    let topC: Int, decay: Float, lr: Float, kappa: Float, aggregation: Aggregation
    var buffers: [[(p: Float, g: [Float])]]
    var admissions = AdmissionCounts()
    /// The aggregate of the last step, every tensor (flat).
    var lastAggregate: [Float] = []

    init(ranges: [Range<Int>], topC: Int, decay: Float, lr: Float, kappa: Float, aggregation: Aggregation) {
        (self.ranges, self.topC, self.decay, self.lr, self.kappa, self.aggregation) = (ranges, topC, decay, lr, kappa, aggregation)
        buffers = Array(repeating: [], count: ranges.count)
    }

    func step(_ x: inout [Float], _ g: [Float]) {
        lastAggregate = Array(repeating: 0, count: x.count)
        var key: Float = 0
        for range in ranges { key += g.withUnsafeBufferPointer { l2Norm($0.baseAddress! + range.lowerBound, count: range.count) } }
        for (j, range) in ranges.enumerated() {
            let d = Array(g[range])
            var update = d
            if !buffers[j].isEmpty {
                let n = Float(buffers[j].count)
                var sum = buffers[j][0].g
                for entry in buffers[j].dropFirst() { for i in sum.indices { sum[i] = sum[i] + entry.g[i] } }
                for i in d.indices {
                    switch aggregation {
                    case .mean: update[i] = (d[i] + sum[i] * kappa) / (n + 1)
                    case .mid: update[i] = (d[i] + (sum[i] / n) * kappa) * 0.5
                    default: update[i] = d[i] + (sum[i] / n) * kappa
                    }
                }
            }
            var admit = true
            if !buffers[j].isEmpty && buffers[j].count >= topC {
                admit = key > buffers[j][0].p
                if admit { admissions.admitted += 1 } else { admissions.rejected += 1 }
            }
            if admit { insert(j, key, d) }
            for e in buffers[j].indices { buffers[j][e].p = decay * buffers[j][e].p }
            for (i, k) in range.enumerated() {
                x[k] = x[k] - lr * update[i]
                lastAggregate[k] = update[i]
            }
        }
    }

    private func insert(_ j: Int, _ key: Float, _ d: [Float]) {
        var h = buffers[j] + [(key, d)]
        h = h.filter { $0.p >= 0 }
        var i = h.count / 2 - 1
        while i >= 0 {
            let start = i, item = h[i]
            var pos = i, child = 2 * i + 1
            while child < h.count {
                if child + 1 < h.count && !(h[child].p < h[child + 1].p) { child += 1 }
                h[pos] = h[child]
                pos = child
                child = 2 * pos + 1
            }
            while pos > start && item.p < h[(pos - 1) / 2].p {
                h[pos] = h[(pos - 1) / 2]
                pos = (pos - 1) / 2
            }
            h[pos] = item
            i -= 1
        }
        buffers[j] = h.count >= topC ? Array(h.suffix(topC)) : h
    }
}

/// SplitMix64, for test data only.
struct TestRandom {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [low, high).
    mutating func uniform(_ low: Float, _ high: Float) -> Float { low + (high - low) * Float(next() >> 40) * 0x1p-24 }
}

@Suite struct RunningSumTests {
    /// A noisy quadratic as in the fixtures (g = a·x − b + noise, x following the re-summing twin) with
    /// bursts: most steps small noise, some large, and now and then a spike 2000× the usual size, whose
    /// departure from the buffer is where an add/subtract sum keeps the most rounding. At every step
    /// the fast optimizer's aggregate (lr 1 from x = 0, so −x is exactly the aggregate) must match the
    /// twin's, re-summed, by the fixtures' rule; decisions must be identical.
    func longRun(aggregation: Aggregation, topC: Int, decay: Float, steps: Int) throws {
        let ranges = [0..<21, 21..<31, 31..<32]
        let count = ranges.last!.upperBound
        var random = TestRandom(state: 42)
        let a = (0..<count).map { _ in random.uniform(0.2, 2) }
        let b = (0..<count).map { _ in random.uniform(-1, 1) }
        var x = (0..<count).map { _ in random.uniform(-2, 2) }
        let fast = try OptimizerCatalog.make(name: "sgd_c", hyperparameters: [
            "lr": .number(1), "topC": .number(Double(topC)), "decay": .number(Double(decay)),
            "aggr": .string(aggregation.rawValue),
        ], tensors: ranges)
        let twin = ReSummingSGDC(ranges: ranges, topC: topC, decay: decay, lr: 0.02, kappa: 1, aggregation: aggregation)
        var g = [Float](repeating: 0, count: count)
        var aggregate = [Float](repeating: 0, count: count)
        var anchorsChecked = 0
        for step in 1...steps {
            let roll = random.uniform(0, 1)
            let scale: Float = roll < 0.002 ? 100 : roll < 0.2 ? 3 : 0.05
            for i in 0..<count { g[i] = ((a[i] * x[i]) - b[i]) + scale * random.uniform(-1, 1) }
            twin.step(&x, g)
            for i in 0..<count { aggregate[i] = 0 }
            aggregate.withUnsafeMutableBufferPointer { p in
                g.withUnsafeBufferPointer { fast.step(parameters: p.baseAddress!, gradients: $0.baseAddress!) }
            }
            for i in 0..<count { aggregate[i] = -aggregate[i] }
            let mismatch = elementwiseMismatch(aggregate, twin.lastAggregate, rtol: 1e-4, atol: 1e-5,
                                               label: "\(aggregation) step \(step)")
            #expect(mismatch == nil, "\(mismatch ?? "")")
            if mismatch != nil { return }

            let state = fast.saveState()
            for j in ranges.indices where state.ints["critical.sinceAnchor"]![j] == 0 {
                // Just re-anchored: Σ is exactly the array-order sum of the stored gradients.
                let n = ranges[j].count
                let stored = state.floats["critical.gradients.\(j)"]!
                var exactSum = Array(stored[0..<n])
                for e in 1..<(stored.count / n) { for i in 0..<n { exactSum[i] = exactSum[i] + stored[e * n + i] } }
                #expect(state.floats["critical.sum.\(j)"]! == exactSum, "step \(step) tensor \(j)")
                anchorsChecked += 1
            }
        }
        #expect(fast.admissions == twin.admissions)
        #expect(fast.admissions.rejected > 1000 && fast.admissions.admitted > 1000)
        #expect(anchorsChecked > 10)
    }

    @Test func meanAggregationStaysWithTheReSummedReferenceOver100kSteps() throws {
        try longRun(aggregation: .mean, topC: 5, decay: 0.9, steps: 100_000)
    }

    @Test func sumAggregationWithALargeBufferStaysWithTheReSummedReference() throws {
        try longRun(aggregation: .sum, topC: 20, decay: 0.99, steps: 30_000)
    }

    @Test func midAggregationStaysWithTheReSummedReference() throws {
        try longRun(aggregation: .mid, topC: 3, decay: 0.7, steps: 30_000)
    }

    @Test func aNonFiniteGradientLeavesNoNaNBehind() throws {
        // decay 0 turns the infinite key into NaN, so the entry is dropped at the next insertion; Σ must
        // be re-summed then (inf − inf would leave NaN in a running sum). lr 0 keeps x out of it.
        let optimizer = try OptimizerCatalog.make(name: "adam_c", hyperparameters: [
            "topC": .number(3), "decay": .number(0), "lr": .number(0),
        ], tensors: [0..<2])
        var x: [Float] = [0, 0]
        for g: [Float] in [[1, 2], [.infinity, 1], [3, 4], [0.5, 0.25], [2, 2]] {
            x.withUnsafeMutableBufferPointer { p in g.withUnsafeBufferPointer { optimizer.step(parameters: p.baseAddress!, gradients: $0.baseAddress!) } }
        }
        let state = optimizer.saveState()
        let stored = state.floats["critical.gradients.0"]!
        #expect(stored.allSatisfy { $0.isFinite })
        var exact: [Float] = [0, 0]
        for e in 0..<(stored.count / 2) { for i in 0..<2 { exact[i] = exact[i] + stored[e * 2 + i] } }
        #expect(state.floats["critical.sum.0"]! == exact)
    }
}
