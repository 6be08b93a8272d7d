// Window counts and how work is cut into chunks: one thread always means one chunk (no pool at all).
import Testing
@testable import Models

@Suite struct ComputeTests {
    @Test func slidingWindowCountRoundsDown() {
        #expect(slidingWindowCount(size: 8, kernel: 3, stride: 2, padding: 1) == 4)   // the fixtures' example
        #expect(slidingWindowCount(size: 28, kernel: 5, stride: 1) == 24)
        #expect(slidingWindowCount(size: 7, kernel: 2, stride: 2) == 3)
        #expect(slidingWindowCount(size: 1, kernel: 1, stride: 1) == 1)
        #expect(slidingWindowCount(size: 3, kernel: 5, stride: 1) == 0)
        #expect(slidingWindowCount(size: 3, kernel: 5, stride: 1, padding: 1) == 1)
    }

    @Test func chunkCounts() {
        #expect(Compute.chunkCount(work: 1 << 30, items: 1000, threads: 1, perThread: 4) == 1)
        #expect(Compute.chunkCount(work: 1 << 30, items: 1000, threads: 2) == 2)
        #expect(Compute.chunkCount(work: 1 << 30, items: 1000, threads: 2, perThread: 4) == 8)
        #expect(Compute.chunkCount(work: 1 << 30, items: 3, threads: 8) == 3)
        // Too little work to be worth a second thread.
        #expect(Compute.chunkCount(work: Compute.minimumWorkPerThread - 1, items: 1000, threads: 8) == 1)
        #expect(Compute.chunkCount(work: 3 * Compute.minimumWorkPerThread, items: 1000, threads: 8) == 3)
    }

    /// Every chunk runs exactly once, on any thread count, including nested parallel loops.
    @Test(arguments: [1, 2, 3, 5]) func forEachChunkRunsEveryChunkOnce(threads: Int) {
        let chunks = 37
        var counts = [Int](repeating: 0, count: chunks * chunks)
        counts.withUnsafeMutableBufferPointer { counts in
            let counts = counts.baseAddress!
            Compute.forEachChunk(chunks, threads: threads) { outer in
                Compute.forEachChunk(chunks, threads: threads) { inner in counts[outer * chunks + inner] += 1 }
            }
        }
        #expect(counts.allSatisfy { $0 == 1 })
    }
}
