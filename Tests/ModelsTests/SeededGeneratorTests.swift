import Testing
import Foundation
import Models

@Suite struct SeededGeneratorTests {
    @Test func sameSeedSameStreamDifferentSeedDifferentStream() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42), c = SeededGenerator(seed: 43)
        let x = (0..<8).map { _ in a.next() }
        #expect(x == (0..<8).map { _ in b.next() })
        #expect(x != (0..<8).map { _ in c.next() })
        var init1 = SeededGenerator(seed: 7, stream: "init"), shuffle1 = SeededGenerator(seed: 7, stream: "shuffle")
        #expect(init1.next() != shuffle1.next())
    }

    /// The stream is part of the reproducibility contract: these words must never change.
    @Test func streamIsPinned() {
        var g = SeededGenerator(seed: 0)
        #expect((0..<3).map { _ in g.next() } == SeededGenerator.pinnedSeedZero)
    }

    @Test func uniformAndBelowStayInRange() {
        var g = SeededGenerator(seed: 1)
        for _ in 0..<10_000 {
            let f = g.nextFloat(); #expect(f >= 0 && f < 1)
            let d = g.nextDouble(); #expect(d >= 0 && d < 1)
            let k = g.below(7); #expect((0..<7).contains(k))
        }
    }

    @Test func normalHasUnitMoments() {
        var g = SeededGenerator(seed: 3)
        let n = 200_000
        var sum = 0.0, sumSquares = 0.0
        for _ in 0..<n { let x = g.normal(); sum += x; sumSquares += x * x }
        let mean = sum / Double(n), variance = sumSquares / Double(n) - mean * mean
        #expect(abs(mean) < 0.01)
        #expect(abs(variance - 1) < 0.01)
    }

    @Test func permutationIsAPermutationAndCodableRoundTrips() throws {
        var g = SeededGenerator(seed: 9)
        let p = g.permutation(1000)
        #expect(p.sorted() == Array(0..<1000))
        #expect(p != Array(0..<1000))
        let copy = try JSONDecoder().decode(SeededGenerator.self, from: JSONEncoder().encode(g))
        #expect(copy == g)
    }
}

extension SeededGenerator {
    /// First three outputs for seed 0 (SplitMix64 seeding, xoshiro256**), recorded when the generator was
    /// written and checked against an independent Python implementation of both algorithms; a change here
    /// would silently change every result of every sweep.
    static let pinnedSeedZero: [UInt64] = [0x99EC_5F36_CB75_F2B4, 0xBF6E_1F78_4956_452A, 0x1A5F_849D_4933_E6E0]
}
