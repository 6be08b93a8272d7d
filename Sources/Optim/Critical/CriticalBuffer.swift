// One tensor's buffer of critical gradients, as priorities and slot numbers only: which stored gradient
// sits where in the array, which one is admitted, evicted, selected. The gradients themselves live in
// `CriticalGradients`' pool; this file does no float arithmetic on tensors.
//
// The reference (`priorityDict` in CGO's `optimizers/prioritydict.py`, seeds.md §1.1) keeps a plain
// Python list in binary-heap order and several results depend on the exact array order, so the list is
// reproduced literally: append, drop NaN priorities, CPython `heapq.heapify`, keep the last `topC`.

/// Which priority the admission test compares a new key with.
enum Eviction: String, Equatable, Sendable, CaseIterable {
    /// The reference's rule: the priority in array slot 0. After a trim the array is not re-heapified,
    /// so slot 0 may not hold the minimum and the test can be stricter than "beats the weakest".
    case faithful
    /// The corrected rule: the true minimum priority (and `G_min` is its gradient).
    case min
}

/// The priorities and storage slots of one tensor's critical gradients, in the reference's array order.
struct CriticalBuffer {
    /// topC: entries kept once full.
    let capacity: Int
    let eviction: Eviction
    /// Priority of each entry, array order.
    private(set) var priorities: [Float]
    /// Storage slot of each entry's gradient, array order.
    private(set) var slots: [Int]
    /// Scratch for the median's sort, kept to avoid allocating during steps.
    private var order: [Int]

    init(capacity: Int, eviction: Eviction) {
        precondition(capacity >= 1, "a critical buffer holds at least one gradient, got topC \(capacity)")
        self.capacity = capacity
        self.eviction = eviction
        priorities = []
        slots = []
        order = []
        priorities.reserveCapacity(capacity + 1)
        slots.reserveCapacity(capacity + 1)
        order.reserveCapacity(capacity + 1)
    }

    /// A buffer restored from a checkpoint, entries in array order.
    init(capacity: Int, eviction: Eviction, priorities: [Float], slots: [Int]) {
        self.init(capacity: capacity, eviction: eviction)
        self.priorities.append(contentsOf: priorities)
        self.slots.append(contentsOf: slots)
    }

    var count: Int { priorities.count }
    var isEmpty: Bool { priorities.isEmpty }
    /// The reference's `isFull`: count ≥ topC.
    var isFull: Bool { priorities.count >= capacity }

    // MARK: - Reading

    /// The admission threshold: a new key is admitted into a full buffer only when strictly greater.
    /// QUIRK (seeds.md §1.1 Q1): faithfully the priority in slot 0, not necessarily the minimum.
    var smallest: Float {
        switch eviction {
        case .faithful: return priorities[0]
        // A NaN priority belongs to a dead entry (dropped at the next insertion), so it must not block
        // admission: it counts as −∞.
        case .min: return priorities.reduce(Float.infinity) { $1.isNaN ? -.infinity : Swift.min($0, $1) }
        }
    }

    /// Entry index of `G_min`: slot 0 faithfully (same caveat as `smallest`), else the first entry with
    /// the smallest non-NaN priority.
    var minIndex: Int {
        guard eviction == .min else { return 0 }
        var best: Int?
        for e in priorities.indices where !priorities[e].isNaN {
            if best == nil || priorities[e] < priorities[best!] { best = e }
        }
        return best ?? 0
    }

    /// Entry index of `G_max`: scanning from entry 0, the best is replaced only by a strictly larger
    /// priority, so the first maximum in array order wins ties.
    var maxIndex: Int {
        var best = 0
        for e in priorities.indices.dropFirst() where priorities[best] < priorities[e] { best = e }
        return best
    }

    /// Entry index of `G_median`: element count/2 (the upper median) of the entries stably sorted by
    /// priority. The sort is CPython's for short lists (a leading run, reversed if strictly descending,
    /// then binary insertion), so even NaN priorities land where the reference puts them (exactly so
    /// below 64 entries; with more, CPython merges runs, which differs only when a priority is NaN).
    mutating func medianIndex() -> Int {
        let n = priorities.count
        order.removeAll(keepingCapacity: true)
        order.append(contentsOf: 0..<n)
        var run = min(n, 1)
        if n > 1 {
            run = 2
            if priorities[1] < priorities[0] {
                while run < n && priorities[order[run]] < priorities[order[run - 1]] { run += 1 }
                order[0..<run].reverse()
            } else {
                while run < n && !(priorities[order[run]] < priorities[order[run - 1]]) { run += 1 }
            }
        }
        for start in run..<max(run, n) {
            let pivot = order[start]
            var low = 0, high = start
            while low < high {
                let middle = (low + high) >> 1
                if priorities[pivot] < priorities[order[middle]] { high = middle } else { low = middle + 1 }
            }
            var k = start
            while k > low { order[k] = order[k - 1]; k -= 1 }
            order[low] = pivot
        }
        return order[n / 2]
    }

    // MARK: - Changing

    /// The reference's `__setitem__` with deterministic insertion: append, drop every entry whose
    /// priority is not ≥ 0 (NaN), heapify, and when count ≥ topC keep only the last topC entries.
    /// QUIRK (seeds.md §1.1 Q1): the cut array is not re-heapified.
    /// - Parameter removed: receives the slots of the dropped and evicted entries (cleared first).
    mutating func insert(priority: Float, slot: Int, removed: inout [Int]) {
        removed.removeAll(keepingCapacity: true)
        priorities.append(priority)
        slots.append(slot)
        var kept = 0
        for e in priorities.indices {
            if priorities[e] >= 0 {
                priorities[kept] = priorities[e]
                slots[kept] = slots[e]
                kept += 1
            } else {
                removed.append(slots[e])
            }
        }
        priorities.removeLast(priorities.count - kept)
        slots.removeLast(slots.count - kept)
        heapify()
        if priorities.count >= capacity {
            let cut = priorities.count - capacity
            removed.append(contentsOf: slots[0..<cut])
            priorities.removeFirst(cut)
            slots.removeFirst(cut)
        }
    }

    /// Gives the entry stored under slot `placeholder` the slot `slot` (the slot of a new entry is chosen
    /// once the insertion shows which entry leaves).
    mutating func assignSlot(_ slot: Int, toEntryWithSlot placeholder: Int) {
        guard let e = slots.firstIndex(of: placeholder) else {
            preconditionFailure("no entry holds slot \(placeholder) in \(slots)")
        }
        slots[e] = slot
    }

    /// Every stored priority times `factor` (float32), array order unchanged.
    mutating func decay(by factor: Float) {
        for e in priorities.indices { priorities[e] = factor * priorities[e] }
    }

    /// CPython's `heapq.heapify`: bottom-up `_siftup` from the last parent down to the root. With equal
    /// priorities it moves entries in its own way, which decides evictions when `decay` = 0.
    private mutating func heapify() {
        let n = priorities.count
        var i = n / 2 - 1
        while i >= 0 {
            siftUp(i)
            i -= 1
        }
    }

    /// CPython's `_siftup`: move the smaller child up until the hole is a leaf (the right child when the
    /// left is not strictly smaller), put the item there, then bubble it up towards `start`.
    private mutating func siftUp(_ start: Int) {
        let n = priorities.count
        let item = (priorities[start], slots[start])
        var pos = start
        var child = 2 * pos + 1
        while child < n {
            let right = child + 1
            if right < n && !(priorities[child] < priorities[right]) { child = right }
            priorities[pos] = priorities[child]
            slots[pos] = slots[child]
            pos = child
            child = 2 * pos + 1
        }
        while pos > start {
            let parent = (pos - 1) >> 1
            guard item.0 < priorities[parent] else { break }
            priorities[pos] = priorities[parent]
            slots[pos] = slots[parent]
            pos = parent
        }
        priorities[pos] = item.0
        slots[pos] = item.1
    }
}
