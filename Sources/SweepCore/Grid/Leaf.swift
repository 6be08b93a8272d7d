// A leaf of the grid: one plain block with every `fixed` that applies to it. The whole grid is the
// concatenation of its leaves (unions flatten), times the seeds. A leaf maps a local index to one choice
// per axis by mixed radix (product) or directly (zip), so configuration i is computed from i alone.

struct Leaf: Sendable {
    /// Where a configuration key's value comes from.
    enum Source: Sendable {
        case axis(Int)
        case fixed(Int)
        case seed
    }

    /// One key of the leaf's configurations, in canonical (sorted) order.
    struct PlanEntry: Sendable {
        let key: String
        /// `"key":` in canonical form, ready to be copied.
        let prefix: [UInt8]
        let source: Source
    }

    let axes: [Axis]
    let aggregation: Aggregation
    /// Every fixed value that applies: the top level's, then enclosing blocks', then the block's own.
    let fixed: [Assignment]
    /// Byte offset of the block in the file.
    let offset: Int
    /// Configurations of this leaf, seeds not counted.
    let count: Int
    /// For a product, how far apart consecutive choices of each axis are (the last axis varies fastest).
    private let strides: [Int]
    let plan: [PlanEntry]

    /// Builds a leaf; `count` has been checked against overflow by the parser.
    init(axes: [Axis], aggregation: Aggregation, fixed: [Assignment], offset: Int, count: Int, hasSeed: Bool) {
        self.axes = axes
        self.aggregation = aggregation
        self.fixed = fixed
        self.offset = offset
        self.count = count
        var strides = [Int](repeating: 1, count: axes.count)
        if aggregation == .product {
            var stride = 1
            for j in axes.indices.reversed() {
                strides[j] = stride
                stride *= axes[j].choices.count
            }
        }
        self.strides = strides
        var sources: [(String, Source)] = axes.enumerated().map { ($0.element.key, .axis($0.offset)) }
        sources += fixed.enumerated().map { ($0.element.key, .fixed($0.offset)) }
        if hasSeed { sources.append(("seed", .seed)) }
        let order = CanonicalJSON.sortedKeys(sources.map(\.0))
        let byKey = Dictionary(uniqueKeysWithValues: sources)
        plan = order.map { key in
            var prefix: [UInt8] = []
            CanonicalJSON.appendString(key, to: &prefix)
            prefix.append(UInt8(ascii: ":"))
            return PlanEntry(key: key, prefix: prefix, source: byKey[key]!)
        }
    }

    /// The choice of axis `j` in this leaf's configuration number `local`.
    @inline(__always) func choice(axis j: Int, local: Int) -> Int {
        let n = axes[j].choices.count
        switch aggregation {
        case .product: return (local / strides[j]) % n
        case .zip: return n == 1 ? 0 : local
        }
    }

    /// The keys of every configuration of this leaf.
    var keys: [String] { plan.map(\.key) }
}
