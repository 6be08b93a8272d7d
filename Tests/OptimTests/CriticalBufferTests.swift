// The critical-gradient buffer's array mechanics (CPython heapify, the cut without re-heapify, NaN
// drops, selections), checked on priorities written out by hand.
import Testing
@testable import Optim

@Suite struct CriticalBufferTests {
    /// Inserts `key` with the next slot number, as the optimizers do for an admitted gradient.
    func insert(_ buffer: inout CriticalBuffer, _ key: Float, slot: Int) -> [Int] {
        var removed: [Int] = []
        buffer.insert(priority: key, slot: slot, removed: &removed)
        return removed
    }

    @Test func workedExampleFromTheSeeds() {
        // seeds.md §1.1: topC 5, no decay, keys 1, 5, 2, 6, 7 then 3, 4, 8.
        var buffer = CriticalBuffer(capacity: 5, eviction: .faithful)
        for (slot, key) in [1, 5, 2, 6, 7].enumerated() { #expect(insert(&buffer, Float(key), slot: slot).isEmpty) }
        #expect(buffer.priorities == [1, 5, 2, 6, 7])
        #expect(buffer.isFull && buffer.smallest == 1)
        // 3 enters; the heapified [1, 5, 2, 6, 7, 3] loses slot 0: [5, 2, 6, 7, 3], not a heap any more.
        #expect(3 > buffer.smallest)
        #expect(insert(&buffer, 3, slot: 5) == [0])
        #expect(buffer.priorities == [5, 2, 6, 7, 3])
        // QUIRK Q1: the threshold is slot 0 (5), so 4 is refused although 2 is weaker.
        #expect(buffer.smallest == 5 && !(4 > buffer.smallest))
        // 8 is admitted and evicts 2, the true minimum.
        let removed = insert(&buffer, 8, slot: 0)
        #expect(buffer.priorities == [3, 6, 7, 5, 8])
        #expect(removed == [2])
    }

    @Test func minimumEvictionComparesWithTheTrueMinimum() {
        var buffer = CriticalBuffer(capacity: 5, eviction: .min)
        for (slot, key) in [1, 5, 2, 6, 7, 3].enumerated() { _ = insert(&buffer, Float(key), slot: slot) }
        #expect(buffer.priorities == [5, 2, 6, 7, 3])
        #expect(buffer.smallest == 2 && buffer.minIndex == 1)
        _ = insert(&buffer, 4, slot: 0)
        #expect(buffer.priorities == [3, 4, 7, 5, 6])
        #expect(buffer.smallest == 3 && buffer.minIndex == 0)
    }

    @Test func equalPrioritiesMoveAsCPythonsHeapifyMovesThem() {
        // With decay 0 every stored priority is 0. Among equals, _siftup moves the right child up (the left
        // is not strictly smaller) and the item does not bubble back: [a] + b → [b, a]; + c → [c, a, b].
        var buffer = CriticalBuffer(capacity: 3, eviction: .faithful)
        for slot in 0..<3 { _ = insert(&buffer, 0, slot: slot) }
        #expect(buffer.slots == [2, 0, 1])
        // + d (key 5): [c, a, b, d] heapifies to [b, a, c, d]; the cut evicts b, neither the oldest nor the newest.
        #expect(insert(&buffer, 5, slot: 3) == [1])
        #expect(buffer.slots == [0, 2, 3] && buffer.priorities == [0, 0, 5])
    }

    @Test func decayScalesInFloat32AndKeepsTheOrder() {
        var buffer = CriticalBuffer(capacity: 4, eviction: .faithful)
        for (slot, key) in [Float(3), 1, 2].enumerated() { _ = insert(&buffer, key, slot: slot) }
        let before = buffer.priorities
        buffer.decay(by: Float(0.7))
        #expect(buffer.priorities == before.map { Float(0.7) * $0 })
        buffer.decay(by: 0)
        #expect(buffer.priorities == [0, 0, 0])
    }

    @Test func nanPrioritiesAreDroppedAtTheNextInsertion() {
        var buffer = CriticalBuffer(capacity: 3, eviction: .faithful)
        #expect(insert(&buffer, .nan, slot: 0) == [0])
        #expect(buffer.isEmpty)
        _ = insert(&buffer, .infinity, slot: 1)
        _ = insert(&buffer, 2, slot: 2)
        buffer.decay(by: 0)  // inf·0 = NaN, 2·0 = 0
        #expect(buffer.priorities[0] == 0 && buffer.priorities[1].isNaN)
        #expect(insert(&buffer, 1, slot: 3) == [1])
        #expect(buffer.priorities == [0, 1] && buffer.slots == [2, 3])
    }

    @Test func selectionsFollowTheReference() {
        var buffer = CriticalBuffer(capacity: 10, eviction: .faithful,
                                    priorities: [3, 1, 2, 2, 5, 5], slots: [0, 1, 2, 3, 4, 5])
        // getMax: the first maximum in array order.
        #expect(buffer.maxIndex == 4)
        // getMedian: stable sort [1, 2, 2, 3, 5, 5] (entries 1, 2, 3, 0, 4, 5), index 6/2 = 3 → entry 0.
        #expect(buffer.medianIndex() == 0)
        // getMin: slot 0 faithfully, the smallest in min mode.
        #expect(buffer.minIndex == 0)
        #expect(CriticalBuffer(capacity: 10, eviction: .min, priorities: [3, 1, 2], slots: [0, 1, 2]).minIndex == 1)
        // A strictly descending run is reversed first; ties keep array order.
        var descending = CriticalBuffer(capacity: 10, eviction: .faithful, priorities: [4, 3, 2, 1], slots: [0, 1, 2, 3])
        #expect(descending.medianIndex() == 1)
        var ties = CriticalBuffer(capacity: 10, eviction: .faithful, priorities: [0, 0, 0, 0, 0], slots: [0, 1, 2, 3, 4])
        #expect(ties.medianIndex() == 2)
        #expect(ties.maxIndex == 0)
    }
}
