// A power-law problem from a data set (seeds.md §3.2, "datasets for the 4-regime scripts"): an N-point
// subset of the training split, the one-hidden-layer network at its seeded initialisation, the network's
// empirical NTK rescaled to λ_max = N, and the initial error d₀ = f(X) − y.

/// N training points, the network that defines the kernel, and what the regimes need from them.
public final class NetworkProblem {
    /// N.
    public let size: Int
    /// The data set's name, for messages.
    public let dataset: String
    /// The N points: features as the data set delivered them, one standardised scalar target each.
    public let samples: SampleSet
    /// The network at its initialisation (N(0, 1) from stream `"init"` of the seed).
    public let network: PowerLawNetwork
    /// The initial parameters, so that every run of the network regime starts from the same network.
    public let initialParameters: [Float]

    /// Draws the subset and builds the network.
    ///
    /// The subset is the first N of a seeded permutation of the training split (stream
    /// `"powerlaw.subset"`; the study used an unseeded stratified split). Targets are the regression
    /// target, or the class index as a number for labelled data, standardised over the N points to mean
    /// 0 and (unbiased) standard deviation 1.
    /// - Throws: `PowerLawError.tooFewSamples`, `.unsupportedData` (several targets per sample, neither
    ///   labels nor targets, or a NaN or infinite value), or the network's `ArchitectureError`.
    public init(splits: SampleSplits, dataset: String, size n: Int, width: Int, seed: UInt64) throws {
        let train = splits.train
        guard train.labels.isEmpty || train.labels.count == train.count else {
            throw PowerLawError.unsupportedData(dataset: dataset, reason: "\(train.labels.count) labels for \(train.count) samples")
        }
        let targetWidth = train.targetWidth
        guard !train.labels.isEmpty || targetWidth == 1 else {
            throw PowerLawError.unsupportedData(dataset: dataset, reason: train.targets.isEmpty
                ? "the training split has neither labels nor targets"
                : "the network has one output, and the data has \(targetWidth) targets per sample")
        }
        guard train.count >= n else { throw PowerLawError.tooFewSamples(available: train.count, requested: n) }
        var generator = SeededGenerator(seed: seed, stream: "powerlaw.subset")
        let chosen = Array(generator.permutation(train.count).prefix(n))
        let width0 = train.featureCount
        var features = [Float](repeating: 0, count: n * width0)
        var raw = [Double](repeating: 0, count: n)
        for (row, index) in chosen.enumerated() {
            for j in 0..<width0 { features[row * width0 + j] = train.features[index * width0 + j] }
            raw[row] = train.labels.isEmpty ? Double(train.targets[index]) : Double(train.labels[index])
            // A NaN feature would vanish in the first ReLU (NaN > 0 is false) instead of showing in the loss.
            if let j = (0..<width0).first(where: { !features[row * width0 + $0].isFinite }) ?? (raw[row].isFinite ? nil : -1) {
                let what = j < 0 ? "target" : "feature \(j)"
                throw PowerLawError.unsupportedData(dataset: dataset, reason: "training sample \(index) has a non-finite \(what)")
            }
        }
        let mean = raw.reduce(0, +) / Double(n)
        let variance = raw.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(n - 1, 1))
        let deviation = variance > 0 ? variance.squareRoot() : 1
        let targets = raw.map { Float(($0 - mean) / deviation) }
        size = n
        self.dataset = dataset
        samples = SampleSet(features: features, sampleShape: train.sampleShape, targets: targets)
        network = try PowerLawNetwork(name: "powerlaw_nn", inputSize: width0, width: width, seed: seed)
        initialParameters = network.parameters.valueArray()
    }

    /// All N points as one batch.
    var fullBatch: Batch { .samples(SampleBatch(features: samples.features, targets: samples.targets, count: size)) }

    /// d₀ = f(X) − y at the network's current parameters, in double.
    /// - Throws: `PowerLawError.unsupportedData` when an entry is NaN or infinite (features so large that
    ///   the network overflows).
    public func initialError() throws -> [Double] {
        _ = try network.evaluate(fullBatch)
        let outputs = network.outputs()
        let error = (0..<size).map { Double(outputs[$0]) - Double(samples.targets[$0]) }
        if let bad = error.firstIndex(where: { !$0.isFinite }) {
            throw PowerLawError.unsupportedData(dataset: dataset, reason: "the network's initial error at point \(bad) "
                + "is \(error[bad]): the features are too large for single precision; standardise them")
        }
        return error
    }

    /// The empirical NTK at the current parameters (unscaled) and its largest eigenvalue.
    /// - Throws: `PowerLawError.degenerateKernel` if that eigenvalue is not positive.
    public func empiricalKernel() throws -> (kernel: AlignedBuffer<Float>, largestEigenvalue: Double) {
        let kernel = empiricalNTK(network, features: samples.features, count: size)
        let largest = try largestEigenvalue(of: kernel.pointer, size: size)
        guard largest > 0 else { throw PowerLawError.degenerateKernel(largestEigenvalue: largest) }
        return (kernel, largest)
    }

    /// The kernel form: K = K_emp·N/λ_max(K_emp), d₀ = f(X) − y. Also returns λ_max(K_emp).
    public func kernelProblem() throws -> (problem: KernelProblem, largestEigenvalue: Double) {
        let (kernel, largest) = try empiricalKernel()
        let scale = Float(Double(size) / largest)
        for i in 0..<(size * size) { kernel.pointer[i] *= scale }
        return (try KernelProblem(size: size, kernel: kernel, initialError: try initialError()), largest)
    }
}
