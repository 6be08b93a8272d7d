// What can go wrong configuring or running a power-law regime. Each case carries the data; the English,
// which says what is wrong, where, and what would be right, is written once, in `description`.
import Vocabulary

/// A power-law configuration that cannot run, or a solver failure.
public enum PowerLawError: Error, Equatable, CustomStringConvertible {
    /// No regime has this name.
    case unknownRegime(String, valid: [String])
    /// The regime does not take this optimizer.
    case unsupportedOptimizer(regime: String, optimizer: String, supported: [String])
    /// An optimizer key the power-law regimes do not implement (dampening, nesterov, …).
    case unsupportedOptimizerKey(optimizer: String, key: String, supported: [String])
    /// A key of the wrong kind or out of range.
    case invalidSetting(SettingError)
    /// A key that has no meaning in this configuration; `reason` says why and what to do.
    case inapplicableSetting(key: String, reason: String)
    /// batch_size outside 1 … N.
    case batchSize(Int, size: Int)
    /// The regime needs inputs (a data set) but was given the synthetic problem, or the reverse.
    case needsData(regime: String)
    /// The data set cannot feed the network: `reason` says why.
    case unsupportedData(dataset: String, reason: String)
    /// The training split has fewer samples than N.
    case tooFewSamples(available: Int, requested: Int)
    /// The Hadamard basis exists only for powers of two.
    case hadamardSize(Int)
    /// A buffer of the wrong length handed to a solver.
    case shapeMismatch(what: String, got: Int, expected: Int)
    /// The QL iteration did not converge for eigenvalue `index` (NaN or infinite entries, in practice).
    case eigensolverFailed(index: Int, sweeps: Int)
    /// The kernel's largest eigenvalue is not positive: the problem has no scale.
    case degenerateKernel(largestEigenvalue: Double)
    /// The regime's N×N matrices would not fit in this machine's memory.
    case tooLarge(regime: String, size: Int, bytes: Double, available: Double, largestSize: Int)

    public var description: String {
        switch self {
        case let .unknownRegime(name, valid):
            return "unknown power-law regime \"\(name)\" (valid: \(valid.joined(separator: ", ")))"
        case let .unsupportedOptimizer(regime, optimizer, supported):
            return "regime \(regime) cannot use optimizer \"\(optimizer)\" (it takes \(supported.joined(separator: " or ")))"
        case let .unsupportedOptimizerKey(optimizer, key, supported):
            return "optimizer \(optimizer): key \(key) is not implemented by the power-law regimes "
                + "(they read \(supported.joined(separator: ", ")) only); remove it"
        case let .invalidSetting(error):
            return error.description
        case let .inapplicableSetting(key, reason):
            return "\(key): \(reason)"
        case let .batchSize(batch, size):
            return "batch_size: \(batch) is not in 1 … N = \(size) (batches are drawn without replacement from the N points)"
        case let .needsData(regime):
            return "regime \(regime) trains the network on inputs, and synthetic_powerlaw has none; "
                + "use a data set (mnist, fashion_mnist, cifar10, bike_sharing, sgemm)"
        case let .unsupportedData(dataset, reason):
            return "dataset \(dataset): \(reason)"
        case let .tooFewSamples(available, requested):
            return "N: the training split has \(available) samples, fewer than N = \(requested); use N ≤ \(available)"
        case let .hadamardSize(n):
            return "basis: the Hadamard basis needs N to be a power of two, got N = \(n) "
                + "(nearest: \(Self.powerOfTwoBelow(n)) or \(Self.powerOfTwoBelow(n) * 2)); or use basis random"
        case let .shapeMismatch(what, got, expected):
            return "\(what): got \(got) values, expected \(expected)"
        case let .eigensolverFailed(index, sweeps):
            return "symmetric eigensolver: no convergence for eigenvalue \(index) after \(sweeps) QL sweeps "
                + "(does the kernel hold NaN or infinite entries?)"
        case let .tooLarge(regime, size, bytes, available, largest):
            return "N: regime \(regime) at N = \(size) keeps about \(Self.gigabytes(bytes)) of N×N matrices in memory, "
                + "and this machine has \(Self.gigabytes(available)); use N ≤ \(largest)"
        case let .degenerateKernel(largest):
            return "the kernel's largest eigenvalue is \(largest), not positive: it cannot be rescaled to λ_max = N"
        }
    }

    private static func gigabytes(_ bytes: Double) -> String {
        let value = bytes / 1_073_741_824
        return value >= 10 ? "\(Int(value.rounded())) GiB" : "\(Double(Int(value * 10)) / 10) GiB"
    }

    private static func powerOfTwoBelow(_ n: Int) -> Int {
        var p = 1
        while p * 2 <= max(n, 1) { p *= 2 }
        return p
    }
}
