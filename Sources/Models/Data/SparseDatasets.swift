// The LIBSVM datasets of the CGO convergence study (seeds.md §1.14): rcv1 (binary) and covtype
// (7 classes), sampled, split 80/20 and standardised as the study did, with one deliberate fix: the study
// drew rows for X and, independently, rows for y (so labels were noise); here each sampled row keeps its
// own label.

/// A LIBSVM classification file prepared as the convergence study prepared it.
public struct SparseDataset: Sendable {
    public var files: DataFiles
    /// Features (the highest index the file may use).
    public var width: Int
    public var classes: Int
    public var labels: LabelMapping

    public init(files: DataFiles, width: Int, classes: Int, labels: LabelMapping) {
        self.files = files
        self.width = width
        self.classes = classes
        self.labels = labels
    }

    /// RCV1 (LIBSVM's `rcv1_train.binary`, 20,242 rows × 47,236 tf-idf features): −1 → class 0, +1 → 1.
    public static let rcv1 = SparseDataset(
        files: DataFiles(folders: ["rcv1"], files: [["rcv1_train.binary"]]),
        width: 47_236, classes: 2, labels: .plusMinusOne)

    /// Forest cover type (LIBSVM's multiclass `covtype`, 581,012 rows × 54 features): cover types 1…7 →
    /// classes 0…6. (The study's model had 8 outputs, the unused class 0 included; 7 is the right count.)
    public static let covtype = SparseDataset(
        files: DataFiles(folders: ["covtype"], files: [["covtype", "covtype.scale"]]),
        width: 54, classes: 7, labels: .oneBased(classes: 7))

    /// `samples` rows drawn with replacement (as the study did), each with its label; 80% train and 20%
    /// held out (the held-out count rounded up, as scikit-learn's `test_size=0.2`); features standardised
    /// with the training rows' mean and population std (`StandardScaler`; constant columns unscaled).
    /// The study has no third split, so valid and test are the same held-out rows.
    public func load(_ path: String, samples: Int, limits: SplitLimits, seed: UInt64) throws -> SampleSplits {
        precondition(samples >= 2, "SparseDataset.load: \(samples) samples")
        let rows = try LIBSVMReader.read(path, width: width, labels: labels)
        var sampler = SeededGenerator(seed: seed, stream: "data.sample")
        let chosen = (0..<samples).map { _ in sampler.below(rows.count) }
        var splitter = SeededGenerator(seed: seed, stream: "data.split")
        let heldOutCount = (samples * 2 + 9) / 10
        let (trainPositions, heldOut) = SplitIndices.random(count: samples, trainCount: samples - heldOutCount, generator: &splitter)
        // `train_size` caps the training rows before the scaler is fitted: it is fitted on what trains.
        let trainUsed = SplitIndices.limit(trainPositions, to: limits.train)
        let scaling = fit(rows, trainUsed.map { chosen[$0] })
        func densify(_ positions: [Int]) -> SampleSet {
            var features = [Float](repeating: 0, count: positions.count * width)
            var chosenLabels = [Int32](repeating: 0, count: positions.count)
            let zeros = (0..<width).map { Float((0 - scaling.mean[$0]) / scaling.scale[$0]) }
            for (k, position) in positions.enumerated() {
                let r = chosen[position]
                chosenLabels[k] = rows.labels[r]
                features.replaceSubrange(k * width ..< (k + 1) * width, with: zeros)
                for e in rows.rowStart[r] ..< rows.rowStart[r + 1] {
                    let j = Int(rows.columns[e])
                    features[k * width + j] = Float((rows.values[e] - scaling.mean[j]) / scaling.scale[j])
                }
            }
            return SampleSet(features: features, sampleShape: [width], labels: chosenLabels)
        }
        let validPositions = SplitIndices.limit(heldOut, to: limits.valid)
        let testPositions = SplitIndices.limit(heldOut, to: limits.test)
        let valid = densify(validPositions)
        return SampleSplits(train: densify(trainUsed), valid: valid,
                            test: testPositions == validPositions ? valid : densify(testPositions), classes: classes)
    }

    /// Mean and population std per column over the sparse `train` rows, absent entries counting as 0.
    private func fit(_ rows: SparseRows, _ train: [Int]) -> FeatureScaling {
        var mean = [Double](repeating: 0, count: width)
        var present = [Int](repeating: 0, count: width)
        for r in train {
            for e in rows.rowStart[r] ..< rows.rowStart[r + 1] {
                mean[Int(rows.columns[e])] += rows.values[e]
                present[Int(rows.columns[e])] += 1
            }
        }
        for j in 0..<width { mean[j] /= Double(train.count) }
        var squares = [Double](repeating: 0, count: width)
        for r in train {
            for e in rows.rowStart[r] ..< rows.rowStart[r + 1] {
                let d = rows.values[e] - mean[Int(rows.columns[e])]
                squares[Int(rows.columns[e])] += d * d
            }
        }
        for j in 0..<width { squares[j] += Double(train.count - present[j]) * mean[j] * mean[j] }
        return FeatureScaling(mean: mean, scale: FeatureScaling.deviations(squares, count: train.count, deviation: .population))
    }
}
