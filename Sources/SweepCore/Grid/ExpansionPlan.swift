// The grid compiled for fast expansion: every canonical fragment (each `"key":` and each value) in one
// byte arena, and the leaves as plain-data tables of offsets into it. Writing a configuration is then a
// handful of memory copies through pointers, with no reference counting on the way.

struct ExpansionPlan: Sendable {
    /// A run of bytes in the arena.
    struct Span: Sendable {
        var start: Int32
        var count: Int32
    }

    /// One key of a leaf's configurations, in canonical order: its `"key":` prefix and where its value is.
    struct Step: Sendable {
        var prefix: Span
        /// For an axis: its index among the leaf's axes. Otherwise: the value's span index.
        var index: Int32
        var isAxis: Bool
        var isSeed: Bool
    }

    struct AxisPlan: Sendable {
        /// Span index of the axis's first choice; its choices follow contiguously.
        var firstChoice: Int32
        var choices: Int32
        /// Distance between consecutive choices in a product (the last axis varies fastest).
        var stride: Int
    }

    struct LeafPlan: Sendable {
        var firstStep: Int32
        var steps: Int32
        var firstAxis: Int32
        var isZip: Bool
    }

    let bytes: [UInt8]
    let spans: [Span]
    let axes: [AxisPlan]
    let steps: [Step]
    let leaves: [LeafPlan]
    /// Span index of the first seed; the seeds follow contiguously.
    let firstSeed: Int32
    /// The longest canonical configuration, so writers can reserve space once per line.
    let maxCanonicalLength: Int

    init(leaves source: [Leaf], seeds: [Choice]) {
        var bytes: [UInt8] = []
        var spans: [Span] = []
        func addSpan(_ fragment: [UInt8]) -> Int32 {
            spans.append(Span(start: Int32(bytes.count), count: Int32(fragment.count)))
            bytes += fragment
            return Int32(spans.count - 1)
        }
        func canonical(_ value: JSONValue) -> [UInt8] {
            var out: [UInt8] = []
            CanonicalJSON.append(value, to: &out)
            return out
        }
        let firstSeed = Int32(spans.count)
        for seed in seeds { _ = addSpan(canonical(seed.value)) }

        var axes: [AxisPlan] = []
        var steps: [Step] = []
        var leaves: [LeafPlan] = []
        var maxLength = 0
        for leaf in source {
            let firstAxis = Int32(axes.count)
            var stride = 1
            var leafAxes: [AxisPlan] = []
            for axis in leaf.axes.reversed() {
                let first = Int32(spans.count)
                for choice in axis.choices { _ = addSpan(canonical(choice.value)) }
                leafAxes.append(AxisPlan(firstChoice: first, choices: Int32(axis.choices.count), stride: stride))
                stride = stride &* axis.choices.count
            }
            axes += leafAxes.reversed()
            let firstStep = Int32(steps.count)
            var length = 2 + max(0, leaf.plan.count - 1) // braces and commas
            for entry in leaf.plan {
                let prefix = spans[Int(addSpan(entry.prefix))]
                length += Int(prefix.count)
                switch entry.source {
                case let .axis(j):
                    steps.append(Step(prefix: prefix, index: Int32(j), isAxis: true, isSeed: false))
                    let axis = axes[Int(firstAxis) + j]
                    length += (0..<Int(axis.choices)).map { Int(spans[Int(axis.firstChoice) + $0].count) }.max() ?? 0
                case let .fixed(f):
                    let span = addSpan(canonical(leaf.fixed[f].choice.value))
                    steps.append(Step(prefix: prefix, index: span, isAxis: false, isSeed: false))
                    length += Int(spans[Int(span)].count)
                case .seed:
                    steps.append(Step(prefix: prefix, index: 0, isAxis: false, isSeed: true))
                    length += (0..<seeds.count).map { Int(spans[Int(firstSeed) + $0].count) }.max() ?? 0
                }
            }
            maxLength = max(maxLength, length)
            leaves.append(LeafPlan(firstStep: firstStep, steps: Int32(leaf.plan.count), firstAxis: firstAxis,
                                   isZip: leaf.aggregation == .zip))
        }
        self.bytes = bytes
        self.spans = spans
        self.axes = axes
        self.steps = steps
        self.leaves = leaves
        self.firstSeed = firstSeed
        maxCanonicalLength = maxLength
    }

    /// Writes the canonical JSON of configuration (`leaf`, `local`, `seed`) at `out`; returns its length.
    /// `out` must have room for `maxCanonicalLength` bytes.
    @inline(__always)
    func write(leaf leafIndex: Int, local: Int, seed: Int, to out: UnsafeMutablePointer<UInt8>) -> Int {
        bytes.withUnsafeBufferPointer { arena in
            spans.withUnsafeBufferPointer { spans in
                axes.withUnsafeBufferPointer { axes in
                    steps.withUnsafeBufferPointer { steps in
                        let leaf = leaves[leafIndex]
                        var n = 0
                        out[n] = UInt8(ascii: "{"); n += 1
                        for s in Int(leaf.firstStep)..<Int(leaf.firstStep + leaf.steps) {
                            let step = steps[s]
                            if s > Int(leaf.firstStep) { out[n] = UInt8(ascii: ","); n += 1 }
                            (out + n).update(from: arena.baseAddress! + Int(step.prefix.start), count: Int(step.prefix.count))
                            n += Int(step.prefix.count)
                            let value: Span
                            if step.isAxis {
                                let axis = axes[Int(leaf.firstAxis + step.index)]
                                let choice = leaf.isZip ? (axis.choices == 1 ? 0 : local) : (local / axis.stride) % Int(axis.choices)
                                value = spans[Int(axis.firstChoice) + choice]
                            } else if step.isSeed {
                                value = spans[Int(firstSeed) + seed]
                            } else {
                                value = spans[Int(step.index)]
                            }
                            (out + n).update(from: arena.baseAddress! + Int(value.start), count: Int(value.count))
                            n += Int(value.count)
                        }
                        out[n] = UInt8(ascii: "}"); n += 1
                        return n
                    }
                }
            }
        }
    }
}
