import Testing
import Models
import Vocabulary

@Suite struct SyntheticBlobsTests {
    @Test func shapesBalanceAndDeterminism() {
        let blobs = Blobs(classes: 4, features: 6, samples: 103, separation: 4, seed: 3)
        let a = blobs.make(), b = blobs.make()
        #expect(a.classes == 4 && a.train.sampleShape == [6])
        #expect(a.train.count == 103 && a.valid.count == 20 && a.test.count == 20)
        var counts = [Int](repeating: 0, count: 4)
        for label in a.train.labels { counts[Int(label)] += 1 }
        #expect(counts == [26, 26, 26, 25])
        #expect(a.train.features == b.train.features && a.train.labels == b.train.labels && a.test.features == b.test.features)
        let other = Blobs(classes: 4, features: 6, samples: 103, separation: 4, seed: 4).make()
        #expect(other.train.features != a.train.features)
        #expect(a.train.features != a.valid.features.prefix(a.train.features.count).map { $0 })
    }

    /// The nearest class mean (estimated on train) classifies test samples far better than chance when
    /// the centres are separated, and at about chance when they coincide.
    @Test func separationControlsDifficulty() {
        func accuracy(_ separation: Double) -> Double {
            let splits = Blobs(classes: 5, features: 20, samples: 2000, separation: separation, seed: 1).make()
            var means = [[Double]](repeating: [Double](repeating: 0, count: 20), count: 5)
            var counts = [Double](repeating: 0, count: 5)
            for i in 0..<splits.train.count {
                let c = Int(splits.train.labels[i]); counts[c] += 1
                for j in 0..<20 { means[c][j] += Double(splits.train.features[i * 20 + j]) }
            }
            for c in 0..<5 { for j in 0..<20 { means[c][j] /= counts[c] } }
            var correct = 0
            for i in 0..<splits.test.count {
                let distances = (0..<5).map { c in (0..<20).reduce(0.0) { $0 + pow2(Double(splits.test.features[i * 20 + $1]) - means[c][$1]) } }
                if distances.firstIndex(of: distances.min()!)! == Int(splits.test.labels[i]) { correct += 1 }
            }
            return Double(correct) / Double(splits.test.count)
        }
        func pow2(_ x: Double) -> Double { x * x }
        #expect(accuracy(8) > 0.95)
        #expect(accuracy(4) > 0.75)
        #expect(accuracy(0) < 0.35)
    }

    @Test func catalogKeysReachTheGenerator() throws {
        let settings = Settings(["classes": .number(3), "features": .number(5), "samples": .number(50), "data_seed": .number(9)])
        #expect(try DatasetCatalog.shape(name: "blobs", settings: settings) == .classification(sampleShape: [5], classes: 3))
        guard case let .samples(splits) = try DatasetCatalog.load(name: "blobs", settings: settings, seed: 123, searchPaths: []) else {
            Issue.record("not samples"); return
        }
        let direct = Blobs(classes: 3, features: 5, samples: 50, separation: 4, seed: 9).make()
        #expect(splits.train.features == direct.train.features && splits.valid.labels == direct.valid.labels)
        // The run seed does not change the task.
        guard case let .samples(again) = try DatasetCatalog.load(name: "blobs", settings: settings, seed: 7, searchPaths: []) else {
            Issue.record("not samples"); return
        }
        #expect(again.train.features == splits.train.features)
        #expect(try DatasetCatalog.shape(name: "blobs", settings: Settings()) == .classification(sampleShape: [784], classes: 10))
    }

    @Test func oversizedRequestIsASettingError() throws {
        let settings = Settings(["features": .number(1_000_000), "samples": .number(100_000_000)])
        let error = try #require(throws: DataError.self) { try DatasetCatalog.shape(name: "blobs", settings: settings) }
        #expect(error.description == "blobs: samples: 100000000 samples (+ 40000000 for validation and test) × 1000000 features is over 2^31 values (8 GiB of floats); use fewer")
    }
}
