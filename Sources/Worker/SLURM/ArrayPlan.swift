// How a sweep's tasks become SLURM job arrays. Array indices must stay below the cluster's MaxArraySize
// (the limit caps the index, not the count), so tasks beyond it go into further arrays whose indices
// start again at 0 and carry an offset (`SWEEP_TASK_OFFSET`) and the total (`SWEEP_TASKS`).

/// One `sbatch --array` submission.
public struct ArraySubmission: Equatable, Sendable {
    /// The `--array` value without throttle: "0-449", or a compact list "3,7,12-15".
    public var indices: String
    /// Added to `SLURM_ARRAY_TASK_ID` to get the task number.
    public var offset: Int
    /// Number of tasks in this array.
    public var count: Int
}

/// The arrays of one submission.
public enum ArrayPlan {
    /// Arrays covering `tasks` (sorted, distinct, ≥ 0) with indices below `maxArraySize`.
    public static func arrays(for tasks: [Int], maxArraySize: Int) -> [ArraySubmission] {
        precondition(maxArraySize >= 1, "MaxArraySize \(maxArraySize)")
        var byChunk: [(offset: Int, indices: [Int])] = []
        for task in tasks {
            let offset = task / maxArraySize * maxArraySize
            if byChunk.last?.offset == offset { byChunk[byChunk.count - 1].indices.append(task - offset) } else {
                byChunk.append((offset, [task - offset]))
            }
        }
        return byChunk.map { ArraySubmission(indices: compact($0.indices), offset: $0.offset, count: $0.indices.count) }
    }

    /// Sorted indices as sbatch's compact list: runs of consecutive numbers become ranges.
    public static func compact(_ indices: [Int]) -> String {
        var parts: [String] = []
        var start = indices.first ?? 0, previous = start
        for index in indices.dropFirst() + [Int.min] {
            if index == previous + 1 { previous = index; continue }
            parts.append(start == previous ? "\(start)" : "\(start)-\(previous)")
            start = index
            previous = index
        }
        return indices.isEmpty ? "" : parts.joined(separator: ",")
    }
}
