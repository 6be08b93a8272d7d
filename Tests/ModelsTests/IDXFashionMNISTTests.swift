// The real Fashion-MNIST, as Debian's `dataset-fashion-mnist` installs it (CI installs the package):
// counts, shapes, labels and a pixel checksum computed independently with Python's gzip module.
import Testing
import Models
import Vocabulary

@Suite struct IDXFashionMNISTTests {
    static let folder = "/usr/share/datasets/fashion-mnist"

    /// `sum(gzip.open(f).read()[16:])` in Python 3 for the train and test image files (the pixel bytes
    /// after the 16-byte header).
    static let trainPixelSum = 3_431_114_169
    static let testPixelSum = 573_469_082

    @Test func officialFilesHaveTheKnownContents() throws {
        let train = try IDXReader.labelledImages(images: Self.folder + "/train-images-idx3-ubyte.gz",
                                                 labels: Self.folder + "/train-labels-idx1-ubyte.gz", classes: 10)
        let test = try IDXReader.labelledImages(images: Self.folder + "/t10k-images-idx3-ubyte.gz",
                                                labels: Self.folder + "/t10k-labels-idx1-ubyte.gz", classes: 10)
        #expect(train.count == 60_000 && test.count == 10_000)
        #expect(train.shape == [1, 28, 28] && test.shape == [1, 28, 28])
        #expect(train.pixels.count == 60_000 * 784 && test.pixels.count == 10_000 * 784)
        #expect(train.pixels.reduce(0) { $0 + Int($1) } == Self.trainPixelSum)
        #expect(test.pixels.reduce(0) { $0 + Int($1) } == Self.testPixelSum)
        func counts(_ labels: [Int32]) -> [Int] {
            var counts = [Int](repeating: 0, count: 10)
            for label in labels { counts[Int(label)] += 1 }
            return counts
        }
        #expect(counts(train.labels) == Array(repeating: 6_000, count: 10))
        #expect(counts(test.labels) == Array(repeating: 1_000, count: 10))
    }

    /// Found without any path (Debian's standard place), split as MNIST is, normalised with its own
    /// statistics so the training pixels come out centred and of unit spread.
    @Test func catalogFindsAndSplitsIt() throws {
        guard case let .samples(splits) = try DatasetCatalog.load(name: "fashion_mnist", settings: Settings(),
                                                                  seed: 100, searchPaths: []) else {
            Issue.record("fashion_mnist did not load as samples"); return
        }
        #expect(splits.classes == 10)
        #expect(splits.train.count == 50_000 && splits.valid.count == 5_000 && splits.test.count == 10_000)
        #expect(splits.train.sampleShape == [1, 28, 28])
        var mean = 0.0, squares = 0.0
        for x in splits.train.features { mean += Double(x); squares += Double(x) * Double(x) }
        mean /= Double(splits.train.features.count)
        let std = (squares / Double(splits.train.features.count) - mean * mean).squareRoot()
        #expect(abs(mean) < 0.01 && abs(std - 1) < 0.01, "mean \(mean), std \(std)")
    }
}
