// The critical-gradient machinery shared by SGD_C, Adam_C, RMSprop_C and AggMo_C: per-tensor buffers and
// the storage of their gradients, the step's keys, admission decisions, running sums, and checkpoints.
// Each optimizer's fused loop does the float work through `CriticalStep.apply`.
//
// One step, for every tensor j:
//   1. `prepare`: keys (sum of per-tensor norms, or each tensor's own norm) from the raw gradients, then
//      per tensor, from priorities alone: what to aggregate with (Σ or a selected gradient), whether the
//      key is admitted, which entries leave, decay. The result is a `CriticalStep` per tensor.
//   2. The optimizer's fused loop reads Σ (or the selected gradient), stores the new gradient (in the
//      slot of the entry it evicts, or a free one) and updates Σ, while it updates the parameters.
//   3. `finish`: records the stored gradient's magnitude and re-sums Σ exactly when due.
//
// Running sums. Re-summing topC stored gradients every step (as the reference does) costs topC reads
// per element; instead Σ is kept by adding the admitted gradient and subtracting the evicted one. Each
// add/subtract rounds, and a gradient that leaves after much larger ones came and went leaves their
// rounding behind: left alone the error grows with the run (RunningSumTests: past the fixtures'
// tolerance within 5,000–20,000 steps). Σ is therefore re-anchored, recomputed exactly (G₀ + G₁ + … in
// array order, the reference's own sum):
//   • after every 4·topC running updates: topC reads per 4·topC updates, a quarter of one stored
//     gradient per step (amortised O(1), ~2 % of an Adam_C step), so the error is at most the roundings
//     of 4·topC updates whatever the run length. Every topC updates would cost ~8 % of a step and, in the
//     long-run tests, still used a fifth of the tolerance (4·topC: under a third);
//   • at once when the gradient leaving is more than 8× larger than every gradient that stays (its
//     roundings would dominate what remains), is not finite (inf − inf would leave NaN), when Σ turns
//     non-finite, or when more than one entry leaves. Spikes are rare, so this costs little.
// The long-run tests compare every step's aggregate with a twin that re-sums every step (100,000
// steps, spikes 2000× the usual gradient): the largest difference used under 30 % of the tolerance.

/// The critical-gradient options of SGD_C, Adam_C, RMSprop_C and AggMo_C.
struct CriticalOptions: Equatable {
    var topC: Int
    var decay: Double
    var aggregation: Aggregation
    /// κ as applied to the buffer term (1 where the reference does not pass it on).
    var kappa: Double
    var criticalTest: Bool
    var synced: Bool
    var eviction: Eviction
}

/// All tensors' critical-gradient buffers of one optimizer, with their stored gradients.
final class CriticalGradients {
    let options: CriticalOptions
    let layout: TensorLayout
    private(set) var buffers: [CriticalBuffer]
    /// Stored gradients: topC slots, each laid out like the state arrays; entry e of tensor j keeps its
    /// gradient in slot `buffers[j].slots[e]`. A new gradient takes the slot of the entry it evicts.
    private let pool: [FloatStorage]
    /// Σ of each tensor's stored gradients (sum, mid and mean modes), laid out like parameters.
    private let sums: FloatStorage?
    private var freeSlots: [[Int]]
    /// max |G| of each slot's gradient (+∞ if it holds a non-finite value).
    private var slotMagnitude: [[Float]]
    /// Magnitude of the gradient this step's running update subtracts from Σ (0: none).
    private var leavingMagnitude: [Float]
    /// Running updates of Σ since it was last computed exactly.
    private var sinceAnchor: [Int]
    private var resumDue: [Bool]
    /// The slot this step's candidate went to, or −1.
    private var candidateSlots: [Int]
    private var keys: [Float]
    private var removed: [Int]
    /// This step's plan per tensor, valid between `prepare` and `finish`.
    private(set) var steps: [CriticalStep]
    /// Admission decisions while buffers were full, per tensor and step.
    var admissions = AdmissionCounts()

    init(layout: TensorLayout, options: CriticalOptions) {
        self.options = options
        self.layout = layout
        let slotsPerTensor = options.topC
        buffers = Array(repeating: CriticalBuffer(capacity: options.topC, eviction: options.eviction), count: layout.count)
        pool = (0..<slotsPerTensor).map { _ in FloatStorage(count: layout.stateCount) }
        sums = options.aggregation.usesSum ? FloatStorage(count: layout.stateCount) : nil
        // Popped from the end: slot 0 is used first.
        freeSlots = Array(repeating: Array((0..<slotsPerTensor).reversed()), count: layout.count)
        for j in freeSlots.indices { freeSlots[j].reserveCapacity(slotsPerTensor + 1) }
        slotMagnitude = Array(repeating: Array(repeating: 0, count: slotsPerTensor), count: layout.count)
        leavingMagnitude = Array(repeating: 0, count: layout.count)
        sinceAnchor = Array(repeating: 0, count: layout.count)
        resumDue = Array(repeating: false, count: layout.count)
        candidateSlots = Array(repeating: -1, count: layout.count)
        keys = Array(repeating: 0, count: layout.count)
        removed = []
        removed.reserveCapacity(slotsPerTensor + 1)
        steps = Array(repeating: .passThrough, count: layout.count)
    }

    /// Gradient storage of tensor j's slot.
    private func slot(_ j: Int, _ s: Int) -> UnsafeMutablePointer<Float> {
        pool[s].pointer + layout.offsets[j]
    }

    // MARK: - Before the optimizer's loop

    /// Computes the step's keys from the raw gradients and plans every tensor's buffer step (decay
    /// included: priorities are not used by the loop).
    func prepare(gradients: UnsafePointer<Float>) {
        // Keys come from all gradients before any tensor is updated. Synced: one key, the sum of
        // per-tensor L2 norms accumulated in float32 in model order (not the norm of the concatenation).
        // Norms last tensor first, so that the first tensors' gradients, which the loops read next, are
        // the most recently cached; the synced key still adds them up in model order.
        for j in (0..<layout.count).reversed() {
            let range = layout.ranges[j]
            keys[j] = l2Norm(gradients + range.lowerBound, count: range.count)
        }
        var total: Float = 0
        for j in 0..<layout.count { total += keys[j] }
        if options.synced {
            for j in 0..<layout.count { keys[j] = total }
        }
        for j in 0..<layout.count {
            candidateSlots[j] = -1
            steps[j] = plan(j, key: keys[j])
        }
    }

    private func plan(_ j: Int, key: Float) -> CriticalStep {
        let n = buffers[j].count
        let mode = options.aggregation
        var step = CriticalStep(aggregates: n > 0, meanRule: mode == .mean, halves: mode.halves, count: Float(n),
                                countPlusOne: Float(n + 1), kappa: Float(options.kappa), selected: nil,
                                scaleSelected: false, candidate: nil, sum: sums.map { $0.pointer + layout.offsets[j] },
                                sumUpdate: .none, evicted: nil)
        // The aggregate reads the buffer as it is before this step's insertion.
        if n > 0, let selection = options.aggregation.selection {
            let entry: Int
            switch selection {
            case .min: entry = buffers[j].minIndex
            case .median: entry = buffers[j].medianIndex()
            case .max: entry = buffers[j].maxIndex
            }
            step.selected = slot(j, buffers[j].slots[entry])
            step.scaleSelected = options.kappa != 1
        }

        var admit = true
        if n > 0 && buffers[j].isFull {
            if options.criticalTest {
                // Strict: an equal key is not admitted.
                admit = key > buffers[j].smallest
                if admit { admissions.admitted += 1 } else { admissions.rejected += 1 }
            } else {
                admissions.admitted += 1
            }
        }
        if admit { insert(j, key: key, into: &step) }
        buffers[j].decay(by: Float(options.decay))
        return step
    }

    /// Slot number of the new entry until its slot is chosen.
    private static let newEntry = -1

    private func insert(_ j: Int, key: Float, into step: inout CriticalStep) {
        let wasEmpty = buffers[j].isEmpty
        buffers[j].insert(priority: key, slot: Self.newEntry, removed: &removed)
        var kept = true
        var leaving: Int?
        var leavingCount = 0
        for s in removed {
            if s == Self.newEntry { kept = false } else { leaving = s; leavingCount += 1 }
        }
        // The new gradient takes the slot of an entry that leaves: the loop reads that gradient (for Σ)
        // just before overwriting it, so the store finds its cache lines loaded.
        var reused: Int?
        if kept {
            let s = leaving ?? freeSlots[j].removeLast()
            if leaving != nil { reused = s }
            buffers[j].assignSlot(s, toEntryWithSlot: Self.newEntry)
            step.candidate = slot(j, s)
            candidateSlots[j] = s
        }
        for s in removed where s != Self.newEntry && s != reused { freeSlots[j].append(s) }

        guard sums != nil else { return }
        if wasEmpty {
            step.sumUpdate = kept ? .copy : .none
        } else if leavingCount > 1 || leaving.map({ !slotMagnitude[j][$0].isFinite }) == true
                    || (leavingCount == 1 && !kept) {
            resumDue[j] = true
        } else if kept {
            step.sumUpdate = leaving == nil ? .add : .replace
            step.evicted = leaving.map { UnsafePointer(slot(j, $0)) }
            leavingMagnitude[j] = leaving.map { slotMagnitude[j][$0] } ?? 0
            sinceAnchor[j] += 1
            if sinceAnchor[j] >= Self.anchorPeriod * options.topC { resumDue[j] = true }
        }
        if resumDue[j] {
            step.sumUpdate = .none
            step.evicted = nil
        }
    }

    /// Σ is recomputed exactly after this many running updates per stored gradient (see the file comment).
    static let anchorPeriod = 4

    // MARK: - After the optimizer's loop

    /// Records what tensor j's loop stored and re-sums Σ exactly when due (see the file comment).
    func finish(_ j: Int, checks: CriticalChecks) {
        let step = steps[j]
        if candidateSlots[j] >= 0 {
            slotMagnitude[j][candidateSlots[j]] = checks.candidateMagnitude
            candidateSlots[j] = -1
        }
        guard let sums else { return }
        if step.sumUpdate == .copy { sinceAnchor[j] = 0 }
        // A gradient much larger than everything that stays leaves its rounding in Σ: re-anchor.
        var largest: Float = 0
        for s in buffers[j].slots { largest = max(largest, slotMagnitude[j][s]) }
        let outsized = leavingMagnitude[j] > Self.outsized * largest
        leavingMagnitude[j] = 0
        if resumDue[j] || outsized || (step.sumUpdate != .none && !checks.sumIsFinite) {
            resum(j, into: sums.pointer + layout.offsets[j])
            resumDue[j] = false
            sinceAnchor[j] = 0
        }
    }

    /// A leaving gradient larger than this many times every remaining one triggers a re-anchoring.
    static let outsized: Float = 8

    /// Σ = G₀ + G₁ + … in array order (the reference's `gradSum`), or 0 for an empty buffer.
    private func resum(_ j: Int, into sum: UnsafeMutablePointer<Float>) {
        let count = layout.ranges[j].count
        let entries = buffers[j].slots
        @inline(__always) func add(_ i: Int, _ lanes: Int) {
            var s = Vector()
            if let first = entries.first {
                s = .load(slot(j, first), i, lanes)
                for e in entries.dropFirst() { s = s + .load(slot(j, e), i, lanes) }
            }
            s.store(sum, i, lanes)
        }
        var i = 0
        while i + Vector.scalarCount <= count { add(i, Vector.scalarCount); i += Vector.scalarCount }
        if i < count { add(i, count - i) }
    }

    // MARK: - Checkpoints

    /// Buffers in array order (priorities, stored gradients and their magnitudes), running sums and
    /// their anchor counters, admission counts.
    func save(into state: inout OptimizerState) {
        for j in 0..<layout.count {
            let n = layout.ranges[j].count
            state.floats["critical.priorities.\(j)"] = buffers[j].priorities
            var stored: [Float] = []
            stored.reserveCapacity(buffers[j].count * n)
            for s in buffers[j].slots { stored.append(contentsOf: UnsafeBufferPointer(start: slot(j, s), count: n)) }
            state.floats["critical.gradients.\(j)"] = stored
            state.floats["critical.magnitudes.\(j)"] = buffers[j].slots.map { slotMagnitude[j][$0] }
        }
        state.store(sums, as: "critical.sum", layout: layout)
        state.ints["critical.sinceAnchor"] = sinceAnchor
        state.ints["critical.admissions"] = [admissions.admitted, admissions.rejected]
    }

    /// Checks what `save` wrote and returns what restores it (nothing changes until it is called).
    func restoration(from state: OptimizerState) throws -> () -> Void {
        var restored: [(priorities: [Float], gradients: [Float], magnitudes: [Float])] = []
        for j in 0..<layout.count {
            let n = layout.ranges[j].count
            guard let priorities = state.floats["critical.priorities.\(j)"], priorities.count <= options.topC,
                  let gradients = state.floats["critical.gradients.\(j)"], gradients.count == priorities.count * n,
                  let magnitudes = state.floats["critical.magnitudes.\(j)"], magnitudes.count == priorities.count else {
                throw OptimizerError.stateMismatch("saved \(state.kind) state has no critical buffer for tensor \(j) "
                    + "of \(n) values with at most topC = \(options.topC) entries")
            }
            restored.append((priorities, gradients, magnitudes))
        }
        guard let anchors = state.ints["critical.sinceAnchor"], anchors.count == layout.count,
              let counts = state.ints["critical.admissions"], counts.count == 2 else {
            throw OptimizerError.stateMismatch("saved \(state.kind) state has no critical-buffer counters for "
                + "\(layout.count) tensors")
        }
        let restoreSums = try state.restoration([(sums, "critical.sum")], layout: layout)
        return { [self] in
            restoreSums()
            apply(restored, sinceAnchor: anchors, admissions: AdmissionCounts(admitted: counts[0], rejected: counts[1]))
        }
    }

    private func apply(_ restored: [(priorities: [Float], gradients: [Float], magnitudes: [Float])],
                       sinceAnchor anchors: [Int],
                       admissions counts: AdmissionCounts) {
        for (j, buffer) in restored.enumerated() {
            let n = layout.ranges[j].count
            let used = Array(0..<buffer.priorities.count)
            buffers[j] = CriticalBuffer(capacity: options.topC, eviction: options.eviction,
                                        priorities: buffer.priorities, slots: used)
            freeSlots[j] = Array((buffer.priorities.count..<options.topC).reversed())
            for (e, s) in used.enumerated() {
                for i in 0..<n { slot(j, s)[i] = buffer.gradients[e * n + i] }
                slotMagnitude[j][s] = buffer.magnitudes[e]
            }
        }
        sinceAnchor = anchors
        resumDue = Array(repeating: false, count: layout.count)
        admissions = counts
    }
}
