// MNIST, Fashion-MNIST, CIFAR-10 and CIFAR-100 as the CGO studies used them (seeds.md §1.11, §1.12):
// the official training set split per class into validation and training images (seeded here), the
// official test set as it is, pixels normalised with the studies' constants, no augmentation.

/// An image classification dataset: its files, format, shape and the study's split and normalisation.
public struct ImageDataset: Sendable {
    /// How the files are stored.
    public enum Format: Sendable {
        /// MNIST-format IDX: files are train images, train labels, test images, test labels.
        case idx
        /// CIFAR binary batches: every file but the last holds training records, the last the test set.
        case cifar(CIFARReader.Layout)
    }

    public var files: DataFiles
    public var format: Format
    /// `[channels, height, width]`.
    public var shape: [Int]
    public var classes: Int
    public var normalization: PixelNormalization
    /// Validation and training images per class in the study's split.
    public var validPerClass: Int
    public var trainPerClass: Int

    static let idxFiles = [["train-images-idx3-ubyte", "train-images.idx3-ubyte"],
                           ["train-labels-idx1-ubyte", "train-labels.idx1-ubyte"],
                           ["t10k-images-idx3-ubyte", "t10k-images.idx3-ubyte"],
                           ["t10k-labels-idx1-ubyte", "t10k-labels.idx1-ubyte"]]

    /// MNIST: 500 validation and up to 5,000 training images per class (49,921 + 5,000), test 10,000.
    public static let mnist = ImageDataset(
        files: DataFiles(folders: ["mnist", "MNIST/raw"], files: idxFiles), format: .idx, shape: [1, 28, 28],
        classes: 10, normalization: .mnist, validPerClass: 500, trainPerClass: 5000)

    /// Fashion-MNIST, split like MNIST (50,000 + 5,000; 500 images per class stay unused), normalised
    /// with its own statistics. Debian's `dataset-fashion-mnist` installs it in
    /// `/usr/share/datasets/fashion-mnist`.
    public static let fashionMNIST = ImageDataset(
        files: DataFiles(folders: ["fashion_mnist", "fashion-mnist", "FashionMNIST/raw"], files: idxFiles),
        format: .idx, shape: [1, 28, 28], classes: 10, normalization: .fashionMNIST,
        validPerClass: 500, trainPerClass: 5000)

    /// CIFAR-10 (binary version): 500 validation and 4,500 training images per class (45,000 + 5,000).
    public static let cifar10 = ImageDataset(
        files: DataFiles(folders: ["cifar10", "cifar-10", "cifar-10-batches-bin"],
                         files: (1...5).map { ["data_batch_\($0).bin"] } + [["test_batch.bin"]]),
        format: .cifar(.cifar10), shape: [3, 32, 32], classes: 10, normalization: .cifar10,
        validPerClass: 500, trainPerClass: 4500)

    /// CIFAR-100 (binary version), fine labels: 50 validation and 450 training images per class.
    public static let cifar100 = ImageDataset(
        files: DataFiles(folders: ["cifar100", "cifar-100", "cifar-100-binary"], files: [["train.bin"], ["test.bin"]]),
        format: .cifar(.cifar100), shape: [3, 32, 32], classes: 100, normalization: .cifar100,
        validPerClass: 50, trainPerClass: 450)

    /// The official training and test images of the files at `paths` (in `files.files` order).
    /// - Throws: `DataError` naming the file (see `IDXReader` and `CIFARReader`), or `.unexpectedShape`.
    public func readOfficial(_ paths: [String]) throws -> (train: RawImages, test: RawImages) {
        precondition(paths.count == files.files.count, "ImageDataset: \(paths.count) paths for \(files.files.count) files")
        switch format {
        case .idx:
            let train = try IDXReader.labelledImages(images: paths[0], labels: paths[1], classes: classes)
            guard train.shape == shape else { throw DataError(.unexpectedShape(found: train.shape, expected: shape), file: paths[0]) }
            let test = try IDXReader.labelledImages(images: paths[2], labels: paths[3], classes: classes)
            guard test.shape == shape else { throw DataError(.unexpectedShape(found: test.shape, expected: shape), file: paths[2]) }
            return (train, test)
        case let .cifar(layout):
            return (try CIFARReader.read(Array(paths.dropLast()), layout: layout),
                    try CIFARReader.read([paths[paths.count - 1]], layout: layout))
        }
    }

    /// The study's splits of the files at `paths`: per class, the first `validPerClass` images of a
    /// shuffle (stream `"data.split"` of `seed`) validate and the next `trainPerClass` train; `limits` cap
    /// each split (train and valid by prefix of their shuffled order, test by a random subset kept in file
    /// order, stream `"data.subset"`). `normalize: false` keeps pixels in [0, 1] (for autoencoders).
    public func load(_ paths: [String], validPerClass: Int? = nil, trainPerClass: Int? = nil, normalize: Bool = true,
                     limits: SplitLimits = SplitLimits(), seed: UInt64) throws -> SampleSplits {
        let (train, test) = try readOfficial(paths)
        var splitter = SeededGenerator(seed: seed, stream: "data.split")
        let (trainIndices, validIndices) = SplitIndices.perClass(
            labels: train.labels, classes: classes, validPerClass: validPerClass ?? self.validPerClass,
            trainPerClass: trainPerClass ?? self.trainPerClass, generator: &splitter)
        var subsetter = SeededGenerator(seed: seed, stream: "data.subset")
        let testIndices = SplitIndices.sample(count: test.count, size: limits.test, generator: &subsetter)
        let scaling = normalize ? normalization : .unitRange(channels: shape[0])
        return SampleSplits(train: train.samples(at: SplitIndices.limit(trainIndices, to: limits.train), normalization: scaling),
                            valid: train.samples(at: SplitIndices.limit(validIndices, to: limits.valid), normalization: scaling),
                            test: test.samples(at: testIndices, normalization: scaling),
                            classes: classes)
    }
}
