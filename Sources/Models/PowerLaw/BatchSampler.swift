// Mini-batches of B distinct points out of N, drawn afresh every step (seeds.md §3: "without
// replacement", NumPy's `choice(…, replace=False)` in the reference), by a partial Fisher–Yates shuffle.

/// Draws uniformly random ordered B-subsets of 0..<N, one per step, from its own seeded stream.
///
/// A partial Fisher–Yates pass over a persistent permutation: for i < B, swap position i with a uniform
/// position in i..<N. Whatever order the array is in, the first B entries are then a uniform random
/// B-subset, so the array is never reset: O(B) per step, no allocation.
struct BatchSampler {
    private var order: [Int]
    private var generator: SeededGenerator
    let batchSize: Int

    /// Run `run` of a configuration with `seed` draws from stream `"powerlaw.batches.<run>"`, so runs are
    /// independent and each is reproducible on its own.
    init(size: Int, batchSize: Int, seed: UInt64, run: Int) {
        precondition(batchSize >= 1 && batchSize <= size, "BatchSampler: batch \(batchSize) of \(size) points")
        order = Array(0..<size)
        generator = SeededGenerator(seed: seed, stream: "powerlaw.batches.\(run)")
        self.batchSize = batchSize
    }

    /// Draws the next batch; `batch` then holds it.
    mutating func draw() {
        let n = order.count
        for i in 0..<batchSize {
            order.swapAt(i, i + generator.below(n - i))
        }
    }

    /// The batch of the last `draw()`, in draw order.
    var batch: ArraySlice<Int> { order[0..<batchSize] }
}
