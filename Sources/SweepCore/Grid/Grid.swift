// An expanded-on-demand grid: a file's blocks flattened into leaves, with random access to any
// configuration by index in constant memory and time proportional to the number of leaves' logarithm.
import Foundation

/// A parsed grid file. Configuration `i` is computed from `i` alone (SPEC §1 order: blocks
/// concatenated in file order, the last key of a product varying fastest, the seed fastest of all).
public struct Grid: Sendable {
    /// The sweep's name (`name` in the file, else the file's base name): the results folder.
    public let name: String
    /// The file's `description`, if any.
    public let summary: String?
    public let source: SourceText
    /// The file's `slurm` block, if any (read by `sweep submit`).
    public let slurm: JSONNode?
    let leaves: [Leaf]
    /// The first setting index of each leaf.
    let leafStarts: [Int]
    /// The top-level seeds, empty when the file has none (then configurations have no `seed` key).
    let seeds: [Choice]
    /// Number of configurations without counting seeds.
    let settingCount: Int
    /// Number of configurations.
    public let count: Int
    private let compiled = CompiledPlan()

    init(name: String, summary: String?, source: SourceText, slurm: JSONNode?, leaves: [Leaf], seeds: [Choice],
         count: Int) {
        self.name = name
        self.summary = summary
        self.source = source
        self.slurm = slurm
        self.leaves = leaves
        self.seeds = seeds
        var starts: [Int] = []
        var total = 0
        for leaf in leaves {
            starts.append(total)
            total += leaf.count
        }
        leafStarts = starts
        settingCount = total
        self.count = count
    }

    /// The leaves compiled for fast writing, built on first use (counting and validating never need it).
    var plan: ExpansionPlan { compiled.plan { ExpansionPlan(leaves: leaves, seeds: seeds) } }

    /// The indices task `task` of `tasks` runs: those with `index % tasks == task`.
    public func indices(task: Int, tasks: Int) -> StrideTo<Int> {
        precondition(tasks >= 1 && (0..<tasks).contains(task), "task \(task) of \(tasks)")
        return stride(from: task, to: count, by: tasks)
    }

    /// How many configurations task `task` of `tasks` runs, without enumerating them.
    public func shareCount(task: Int, tasks: Int) -> Int {
        precondition(tasks >= 1 && (0..<tasks).contains(task), "task \(task) of \(tasks)")
        // (count - task - 1) / tasks + 1, not (count - task + tasks - 1) / tasks: tasks may be Int.max.
        return task < count ? (count - task - 1) / tasks + 1 : 0
    }

    /// The leaf, its local index and the seed position of configuration `index`.
    @inline(__always) func locate(_ index: Int) -> (leaf: Int, local: Int, seed: Int) {
        precondition(index >= 0 && index < count, "configuration \(index) of \(count)")
        let seedCount = max(1, seeds.count)
        let setting = index / seedCount
        // The last leaf starting at or before `setting`.
        var low = 0, high = leaves.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if leafStarts[mid] <= setting { low = mid } else { high = mid - 1 }
        }
        return (low, setting - leafStarts[low], index % seedCount)
    }

    /// Appends configuration `index`'s canonical JSON (keys sorted, compact) to `out`.
    public func appendCanonical(_ index: Int, to out: inout [UInt8]) {
        let plan = self.plan
        let (leaf, local, seed) = locate(index)
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: plan.maxCanonicalLength))
        let length = out.withUnsafeMutableBufferPointer { plan.write(leaf: leaf, local: local, seed: seed, to: $0.baseAddress! + start) }
        out.removeLast(plan.maxCanonicalLength - length)
    }

    /// Configuration `index` with its values, canonical text and id.
    public func configuration(_ index: Int) -> Configuration {
        let (leafIndex, local, seed) = locate(index)
        let leaf = leaves[leafIndex]
        let entries: [(key: String, value: JSONValue)] = leaf.plan.map { entry in
            switch entry.source {
            case let .axis(j): return (entry.key, leaf.axes[j].choices[leaf.choice(axis: j, local: local)].value)
            case let .fixed(f): return (entry.key, leaf.fixed[f].choice.value)
            case .seed: return (entry.key, seeds[seed].value)
            }
        }
        var canonical: [UInt8] = []
        appendCanonical(index, to: &canonical)
        return Configuration(index: index, entries: entries, canonical: canonical)
    }

    /// Every key some configuration has, in the order they first appear in the file.
    public var keysInFileOrder: [String] {
        var firstOffset: [String: Int] = [:]
        for leaf in leaves {
            for axis in leaf.axes { firstOffset[axis.key] = min(firstOffset[axis.key] ?? .max, axis.keyOffset) }
            for fixed in leaf.fixed { firstOffset[fixed.key] = min(firstOffset[fixed.key] ?? .max, fixed.keyOffset) }
        }
        if !seeds.isEmpty { firstOffset["seed"] = seeds[0].offset }
        return firstOffset.sorted { ($0.value, $0.key) < ($1.value, $1.key) }.map(\.key)
    }
}

/// The one expansion plan of a grid, built once by whichever thread first needs it.
private final class CompiledPlan: @unchecked Sendable {
    private let lock = NSLock()
    private var built: ExpansionPlan?

    func plan(_ build: () -> ExpansionPlan) -> ExpansionPlan {
        lock.lock()
        defer { lock.unlock() }
        if let built { return built }
        let plan = build()
        built = plan
        return plan
    }
}
