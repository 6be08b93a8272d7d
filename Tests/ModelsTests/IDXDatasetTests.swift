// MNIST-format datasets through the catalog: the seeded per-class split, subsets, normalisation, and the
// errors a broken copy gives.
import Testing
import Models
import Vocabulary

@Suite struct IDXDatasetTests {
    /// 10 classes: class c has 30 − c training images (so the late classes run out), 40 test images.
    static let perClass = (0..<10).map { 30 - $0 }
    static let trainCount = perClass.reduce(0, +)

    static func load(_ folder: DatasetTestFolder, name: String = "mnist", seed: UInt64 = 1,
                     _ extra: [String: KeyValue] = [:]) throws -> SampleSplits {
        var values: [String: KeyValue] = ["data_path": .string(folder.path), "valid_per_class": .number(5),
                                              "train_per_class": .number(20)]
        values.merge(extra) { $1 }
        guard case let .samples(splits) = try DatasetCatalog.load(name: name, settings: Settings(values), seed: seed,
                                                                  searchPaths: []) else {
            throw DataError(.empty(what: "not samples"))
        }
        return splits
    }

    static func indices(_ set: SampleSet, mean: Float = 0.1307, std: Float = 0.3081) -> [Int] {
        (0..<set.count).map { IDXTestWriter.index(of: set.features[$0 * 784 ..< ($0 + 1) * 784], mean: mean, std: std) }
    }

    static func classCounts(_ labels: [Int32]) -> [Int] {
        var counts = [Int](repeating: 0, count: 10)
        for label in labels { counts[Int(label)] += 1 }
        return counts
    }

    @Test(arguments: [false, true])
    func splitsPerClassAsTheSeedsDo(gzip: Bool) throws {
        let folder = try DatasetTestFolder()
        try IDXTestWriter.writeDataset(folder, sub: "mnist", perClass: Self.perClass, testCount: 40, gzip: gzip)
        let splits = try Self.load(folder)
        #expect(splits.classes == 10)
        #expect(splits.train.sampleShape == [1, 28, 28] && splits.valid.sampleShape == [1, 28, 28])
        // 5 per class validate; the next up to 20 train (classes 6…9 have only 24…21 images: 19…16 left).
        #expect(Self.classCounts(splits.valid.labels) == Array(repeating: 5, count: 10))
        #expect(Self.classCounts(splits.train.labels) == [20, 20, 20, 20, 20, 20, 19, 18, 17, 16])
        let train = Self.indices(splits.train), valid = Self.indices(splits.valid)
        #expect(Set(train).isDisjoint(with: valid))
        #expect(Set(train).count == train.count && train.allSatisfy { $0 < Self.trainCount })
        // Each image keeps its own label: the writer interleaves classes, so the label follows from the index.
        var labelOf: [Int: Int32] = [:]
        var remaining = Self.perClass, i = 0
        while remaining.contains(where: { $0 > 0 }) {
            for c in 0..<10 where remaining[c] > 0 { labelOf[i] = Int32(c); remaining[c] -= 1; i += 1 }
        }
        #expect(train.map { labelOf[$0]! } == splits.train.labels)
        #expect(valid.map { labelOf[$0]! } == splits.valid.labels)
        // The official test set, in file order.
        #expect(splits.test.count == 40 && Self.indices(splits.test) == Array(10_000..<10_040))
        #expect(splits.test.labels == (0..<40).map { Int32($0 % 10) })
    }

    @Test func sameSeedSameSplitOtherSeedOtherSplit() throws {
        let folder = try DatasetTestFolder()
        try IDXTestWriter.writeDataset(folder, sub: "mnist", perClass: Self.perClass, testCount: 10)
        let a = try Self.load(folder, seed: 7), b = try Self.load(folder, seed: 7), c = try Self.load(folder, seed: 8)
        #expect(a.train.features == b.train.features && a.valid.features == b.valid.features)
        #expect(a.train.labels == b.train.labels)
        #expect(Self.indices(a.valid) != Self.indices(c.valid))
    }

    @Test func subsetsAreNestedAndTestKeepsFileOrder() throws {
        let folder = try DatasetTestFolder()
        try IDXTestWriter.writeDataset(folder, sub: "mnist", perClass: Self.perClass, testCount: 40)
        let full = try Self.load(folder)
        let small = try Self.load(folder, ["train_size": .number(17), "valid_size": .number(3), "test_size": .number(7)])
        #expect(small.train.count == 17 && small.valid.count == 3 && small.test.count == 7)
        #expect(Self.indices(small.train) == Array(Self.indices(full.train).prefix(17)))
        #expect(Self.indices(small.valid) == Array(Self.indices(full.valid).prefix(3)))
        let test = Self.indices(small.test)
        #expect(test == test.sorted() && Set(test).isSubset(of: 10_000..<10_040))
        let larger = try Self.load(folder, ["train_size": .number(1000)])
        #expect(larger.train.count == full.train.count)
    }

    @Test func fashionMNISTUsesItsOwnConstantsAndUnitRangeOnRequest() throws {
        let folder = try DatasetTestFolder()
        try IDXTestWriter.writeDataset(folder, sub: "fashion_mnist", perClass: Self.perClass, testCount: 10)
        let splits = try Self.load(folder, name: "fashion_mnist")
        let raw = IDXTestWriter.image(10_000, pixels: 784)
        #expect(Array(splits.test.features[..<784]) == raw.map { (Float($0) / 255 - 0.2860) / 0.3530 })
        let unit = try Self.load(folder, name: "fashion_mnist", ["normalize": .bool(false)])
        #expect(Array(unit.test.features[..<784]) == raw.map { Float($0) / 255 })
        #expect(unit.test.features.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    @Test func imagesOfAnotherSizeAreRefused() throws {
        let folder = try DatasetTestFolder()
        try IDXTestWriter.writeDataset(folder, sub: "mnist", perClass: [3, 3], testCount: 2, rows: 8, cols: 8)
        let error = try #require(throws: DataError.self) { try Self.load(folder) }
        #expect(error.problem == .unexpectedShape(found: [1, 8, 8], expected: [1, 28, 28]))
        #expect(error.description.hasPrefix(folder.path + "/mnist/train-images-idx3-ubyte: holds items of shape 1×8×8, expected 1×28×28"))
        #expect(error.description.contains("hint: mnist comes from http://yann.lecun.com/exdb/mnist/"))
    }

    @Test func corruptFileFailsTheLoadWithFileAndSource() throws {
        let folder = try DatasetTestFolder()
        try IDXTestWriter.writeDataset(folder, sub: "fashion-mnist", perClass: [3, 3], testCount: 2)
        // Swap in a label file where the test images belong.
        let labels = IDXTestWriter.file(shape: [2], elements: [0, 1])
        let path = try folder.write("fashion-mnist/t10k-images-idx3-ubyte", labels)
        let error = try #require(throws: DataError.self) { try Self.load(folder, name: "fashion_mnist") }
        #expect(error.file == path && error.dataset == "fashion_mnist")
        #expect(error.description == path + ": bad magic number 0x00000801 (expected 0x00000803: an IDX file of unsigned bytes "
                + "with 3 dimensions)\nhint: fashion_mnist comes from the Debian package dataset-fashion-mnist "
                + "(apt-get install dataset-fashion-mnist), or https://github.com/zalandoresearch/fashion-mnist; "
                + "set data_path to the folder that holds its files")
    }
}
