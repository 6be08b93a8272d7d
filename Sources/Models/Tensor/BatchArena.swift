// Per-sample buffers for a batch (activations, their gradients, masks, argmax indices), grown to the
// largest batch seen and then reused: a step with a batch no larger than before allocates nothing.

/// Regions of `perSample × capacity` elements each, in one allocation.
final class BatchArena<Element: Numeric> {
    /// Elements per sample of each region, by id.
    private(set) var perSample: [Int] = []
    /// Samples the storage holds room for.
    private(set) var capacity = 0
    private var storage = AlignedBuffer<Element>(count: 0)
    private var offsets: [Int] = []

    /// Registers a region of `perSample` elements per sample and returns its id.
    func add(perSample count: Int) -> Int {
        precondition(capacity == 0, "BatchArena: regions must be added before the first reserve")
        perSample.append(count)
        return perSample.count - 1
    }

    /// Makes room for `samples` samples (reallocating, zero-filled, only when it grows).
    func reserve(_ samples: Int) {
        guard samples > capacity else { return }
        capacity = samples
        offsets = []
        var total = 0
        for count in perSample {
            offsets.append(total)
            // Each region starts on a 64-byte boundary.
            total += (count * samples + 15) / 16 * 16
        }
        storage = AlignedBuffer(count: total)
    }

    /// The first element of region `id`.
    @inline(__always)
    func pointer(_ id: Int) -> UnsafeMutablePointer<Element> { storage.pointer + offsets[id] }

    /// Zeroes the first `samples` samples of every region.
    func zero(samples: Int) {
        for id in perSample.indices { zeroElements(pointer(id), perSample[id] * samples) }
    }
}
