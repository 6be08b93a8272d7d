// Which samples go to train, validation and test: the seed studies' splits, made reproducible. The seeds
// shuffle with an unseeded NumPy generator (seeds.md §1.18: the split changes from run to run); here every
// shuffle draws from a `SeededGenerator` stream of the run's seed, so a configuration always sees the same
// split, and different seeds see different splits as the seeds' runs did.

/// Index lists into a set of samples.
public enum SplitIndices {
    /// The per-class split of the CGO studies (seeds.md §1.11, §1.12): all indices are shuffled; walking
    /// that order, the first `validPerClass` samples of each class go to validation and the next up to
    /// `trainPerClass` to training; the rest are unused. Both lists keep the shuffled order.
    ///
    /// MNIST with 500/5000: 5,000 validation and 49,921 training images (class 5 has only 5,421).
    public static func perClass(labels: [Int32], classes: Int, validPerClass: Int, trainPerClass: Int,
                                generator: inout SeededGenerator) -> (train: [Int], valid: [Int]) {
        var validTaken = [Int](repeating: 0, count: classes)
        var trainTaken = [Int](repeating: 0, count: classes)
        var train: [Int] = [], valid: [Int] = []
        for index in generator.permutation(labels.count) {
            let c = Int(labels[index])
            if validTaken[c] < validPerClass {
                validTaken[c] += 1
                valid.append(index)
            } else if trainTaken[c] < trainPerClass {
                trainTaken[c] += 1
                train.append(index)
            }
        }
        return (train, valid)
    }

    /// A random split of `count` samples: `trainCount` to training, the rest held out, both in shuffled
    /// order (scikit-learn's `train_test_split`, seeded).
    public static func random(count: Int, trainCount: Int, generator: inout SeededGenerator) -> (train: [Int], heldOut: [Int]) {
        precondition(trainCount >= 0 && trainCount <= count, "random split: \(trainCount) of \(count)")
        let order = generator.permutation(count)
        return (Array(order[..<trainCount]), Array(order[trainCount...]))
    }

    /// At most `size` of `indices`. The lists above are already in random order, so their prefix is a
    /// random subset, and a smaller size gives a subset of a larger one.
    public static func limit(_ indices: [Int], to size: Int?) -> [Int] {
        guard let size, size < indices.count else { return indices }
        return Array(indices[..<size])
    }

    /// At most `size` of `0..<count`, chosen at random and kept in their original order (for official
    /// test sets, whose order is the file's).
    public static func sample(count: Int, size: Int?, generator: inout SeededGenerator) -> [Int] {
        guard let size, size < count else { return Array(0..<count) }
        return generator.permutation(count)[..<size].sorted()
    }
}
