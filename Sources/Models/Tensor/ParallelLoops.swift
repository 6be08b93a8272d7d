// How the layers spread element-wise and per-row work over `Compute.threads`. Work is cut into blocks
// of a fixed grain, never into one block per thread, so any sum a layer takes per block has the same
// order on every thread count: results stay bit-identical however many threads run them.

/// Runs `body` over consecutive ranges of at most `grain` indices covering `0..<count`. The ranges are
/// dealt out in up to 4 shares per thread (contiguous runs of ranges), so a thread the OS deschedules
/// leaves its shares to the others. A loop of one range runs inline. Ranges must write disjoint outputs.
@inline(__always)
func parallelRanges(_ count: Int, grain: Int, _ body: (Range<Int>) -> Void) {
    let blocks = (count + grain - 1) / grain
    let threads = Compute.threads
    guard blocks > 1, threads > 1 else {
        var start = 0
        while start < count {
            body(start..<min(count, start + grain))
            start += grain
        }
        return
    }
    let shares = min(blocks, 4 * threads)
    Compute.forEachChunk(shares, threads: threads) { share in
        for block in (share * blocks / shares)..<((share + 1) * blocks / shares) {
            body((block * grain)..<min(count, (block + 1) * grain))
        }
    }
}

/// Elements per block of an element-wise loop: large enough that a thread's share outweighs the hand-off
/// (~1 µs), a multiple of 16 so vector loops split on lane boundaries.
let elementGrain = 32_768
