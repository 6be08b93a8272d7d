// How the layers spread element-wise and per-row work over `Compute.threads`. Work is cut into chunks
// of a fixed grain, never into one chunk per thread, so any sum a layer takes per chunk has the same
// order on every thread count: results stay bit-identical however many threads run them.

/// Runs `body` over consecutive ranges of at most `grain` indices covering `0..<count`, spread over
/// `Compute.threads`. Small loops (one chunk) run inline. Ranges must write disjoint outputs.
@inline(__always)
func parallelRanges(_ count: Int, grain: Int, _ body: (Range<Int>) -> Void) {
    let chunks = (count + grain - 1) / grain
    guard chunks > 1, Compute.threads > 1 else {
        var start = 0
        while start < count {
            body(start..<min(count, start + grain))
            start += grain
        }
        return
    }
    Compute.forEachChunk(chunks, threads: Compute.threads) { chunk in
        body((chunk * grain)..<min(count, (chunk + 1) * grain))
    }
}

/// Elements per chunk of an element-wise loop: large enough that a chunk outweighs the hand-off to a
/// thread (~1 µs), a multiple of 16 so vector loops split on lane boundaries.
let elementGrain = 32_768
