// rcv1 and covtype through the catalog: rows sampled with replacement keep their labels (the reference
// drew X and y independently), 80/20 split, StandardScaler-style scaling fitted on the training rows.
import Testing
import Models
import Vocabulary

@Suite struct LIBSVMDatasetTests {
    /// Row r of a covtype-like file: cover type (r mod 7) + 1; feature 1 = r, feature 2 = 10·type
    /// (so the features say which label belongs to them), feature 54 only on even rows.
    static func covtypeText(rows: Int) -> String {
        (0..<rows).map { r in
            let type = r % 7 + 1
            return "\(type) 1:\(r) 2:\(10 * type)" + (r % 2 == 0 ? " 54:1.5" : "")
        }.joined(separator: "\n") + "\n"
    }

    static func load(_ name: String, _ folder: DatasetTestFolder, _ values: [String: KeyValue], seed: UInt64) throws -> SampleSplits {
        guard case let .samples(splits) = try DatasetCatalog.load(name: name, settings: Settings(values), seed: seed,
                                                                  searchPaths: [folder.path]) else {
            throw DataError(.empty(what: "not samples"))
        }
        return splits
    }

    @Test func featuresAndLabelsStayCoupled() throws {
        let folder = try DatasetTestFolder()
        try folder.write("covtype/covtype", text: Self.covtypeText(rows: 70))
        let splits = try Self.load("covtype", folder, ["samples": .number(200)], seed: 11)
        #expect(splits.classes == 7 && splits.train.sampleShape == [54])
        #expect(splits.train.count == 160 && splits.valid.count == 40 && splits.test.count == 40)
        // Feature 2 is a function of the label; after scaling it still is, one value per class.
        var valueOfClass: [Int32: Float] = [:]
        for set in [splits.train, splits.valid] {
            for i in 0..<set.count {
                let x = set.features[i * 54 + 1]
                if let seen = valueOfClass[set.labels[i]] { #expect(seen == x) } else { valueOfClass[set.labels[i]] = x }
            }
        }
        #expect(Set(valueOfClass.values).count == valueOfClass.count && valueOfClass.count == 7)
    }

    @Test func samplingSplitAndScalingAreTheDocumentedOnes() throws {
        let folder = try DatasetTestFolder()
        try folder.write("covtype/covtype", text: Self.covtypeText(rows: 30))
        let splits = try Self.load("covtype", folder, ["samples": .number(20)], seed: 5)
        // Rows drawn with "data.sample", positions split with "data.split": ceil(0.2·20) = 4 held out.
        var sampler = SeededGenerator(seed: 5, stream: "data.sample")
        let chosen = (0..<20).map { _ in sampler.below(30) }
        var splitter = SeededGenerator(seed: 5, stream: "data.split")
        let order = splitter.permutation(20)
        let train = order[..<16].map { chosen[$0] }, heldOut = order[16...].map { chosen[$0] }
        func dense(_ r: Int) -> [Double] {
            var x = [Double](repeating: 0, count: 54)
            x[0] = Double(r); x[1] = Double(10 * (r % 7 + 1)); if r % 2 == 0 { x[53] = 1.5 }
            return x
        }
        // Population std (StandardScaler); constant columns (all zero here) are left unscaled.
        var mean = [Double](repeating: 0, count: 54), std = [Double](repeating: 0, count: 54)
        for j in 0..<54 {
            let xs = train.map { dense($0)[j] }
            mean[j] = xs.reduce(0, +) / 16
            let s = (xs.map { ($0 - mean[j]) * ($0 - mean[j]) }.reduce(0, +) / 16).squareRoot()
            std[j] = s == 0 ? 1 : s
        }
        func expected(_ rows: [Int]) -> [Float] { rows.flatMap { r in (0..<54).map { Float((dense(r)[$0] - mean[$0]) / std[$0]) } } }
        for (got, want) in zip(splits.train.features, expected(train)) { #expect(abs(got - want) <= 1e-6 * max(1, abs(want))) }
        for (got, want) in zip(splits.valid.features, expected(heldOut)) { #expect(abs(got - want) <= 1e-6 * max(1, abs(want))) }
        #expect(splits.train.labels == train.map { Int32($0 % 7) } && splits.valid.labels == heldOut.map { Int32($0 % 7) })
    }

    @Test func rcv1MapsPlusMinusOneAndCapsSplits() throws {
        let folder = try DatasetTestFolder()
        let text = (0..<50).map { r in (r % 3 == 0 ? "+1" : "-1") + " \(r % 5 + 1):\(r) 47236:0.5" }.joined(separator: "\n")
        try folder.write("rcv1/rcv1_train.binary.gz", GzipTestWriter.compress(Array(text.utf8)))
        let splits = try Self.load("rcv1", folder, ["samples": .number(30), "train_size": .number(10), "test_size": .number(2)], seed: 2)
        #expect(splits.classes == 2 && splits.train.sampleShape == [47_236])
        #expect(splits.train.count == 10 && splits.valid.count == 6 && splits.test.count == 2)
        #expect(Set(splits.train.labels + splits.valid.labels).isSubset(of: [0, 1]))
        #expect(splits.test.features == Array(splits.valid.features[..<(2 * 47_236)]))
    }

    @Test func badTokenFailsWithFileAndSource() throws {
        let folder = try DatasetTestFolder()
        let path = try folder.write("covtype/covtype", text: "1 1:1\n2 1:2 2;5\n")
        let error = try #require(throws: DataError.self) { try Self.load("covtype", folder, [:], seed: 0) }
        #expect(error.description == path + ": line 2: bad token \"2;5\" (expected index:value)\n"
                + "hint: covtype comes from https://www.csie.ntu.edu.tw/~cjlin/libsvmtools/datasets/multiclass.html#covtype "
                + "(covtype.bz2; unpack with bunzip2); set data_path to the folder that holds its files")
    }
}
