// `blobs`: a Gaussian-blobs classification task generated in memory, for sweeps with nothing downloaded.
// Each class is a unit-variance Gaussian around its own random centre; `separation` sets how far apart
// the centres are in units of that noise, and so how hard the task is.

/// Isotropic Gaussian blobs: `classes` centres in `features` dimensions, balanced classes.
///
///     centre[c] ~ N(0, s²·I) with s = separation / √(2·features)   (so E‖centre[a] − centre[b]‖ ≈ separation)
///     x = centre[label] + N(0, I)
///
/// Along the line between two centres the classes overlap like N(0, 1) and N(separation, 1): the default
/// 4 gives pairs a Bayes error near Φ(−2) ≈ 2%, so ten classes leave a few percent that no model can
/// learn, and optimizers differ in how fast they approach it. Values are about unit scale already, so
/// they are not standardised.
public struct Blobs: Equatable, Sendable {
    public var classes: Int
    public var features: Int
    /// Training samples; validation and test each get `max(1, samples / 5)`.
    public var samples: Int
    public var separation: Double
    /// Fixes the task (centres and samples); streams `"blobs.centers"`, `"blobs.train"`, `"blobs.valid"`,
    /// `"blobs.test"`.
    public var seed: UInt64

    public init(classes: Int = 10, features: Int = 784, samples: Int = 10_000, separation: Double = 4, seed: UInt64 = 0) {
        precondition(classes >= 1 && features >= 1 && samples >= 1 && separation >= 0,
                     "Blobs: classes \(classes), features \(features), samples \(samples), separation \(separation)")
        self.classes = classes
        self.features = features
        self.samples = samples
        self.separation = separation
        self.seed = seed
    }

    /// Samples in each of validation and test.
    public var heldOutSamples: Int { max(1, samples / 5) }

    /// The three splits.
    public func make() -> SampleSplits {
        var centerGenerator = SeededGenerator(seed: seed, stream: "blobs.centers")
        let spread = separation / (2 * Double(features)).squareRoot()
        let centers = (0..<classes * features).map { _ in spread * centerGenerator.normal() }
        return SampleSplits(train: draw(samples, centers: centers, stream: "blobs.train"),
                            valid: draw(heldOutSamples, centers: centers, stream: "blobs.valid"),
                            test: draw(heldOutSamples, centers: centers, stream: "blobs.test"),
                            classes: classes)
    }

    /// `count` samples, labels cycling through the classes (balanced) in shuffled order.
    private func draw(_ count: Int, centers: [Double], stream: String) -> SampleSet {
        var generator = SeededGenerator(seed: seed, stream: stream)
        var labels = (0..<count).map { Int32($0 % classes) }
        generator.shuffle(&labels)
        var x = [Float](repeating: 0, count: count * features)
        for i in 0..<count {
            let center = Int(labels[i]) * features
            for j in 0..<features { x[i * features + j] = Float(centers[center + j] + generator.normal()) }
        }
        return SampleSet(features: x, sampleShape: [features], labels: labels)
    }
}
