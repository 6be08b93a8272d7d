import Testing
import Models
import Vocabulary

@Suite struct CIFARReaderTests {
    /// Record `i`: label bytes, then 3 planes of 1024; pixel p of channel c is (i + 3p + 50c) mod 256.
    static func record(_ i: Int, labels: [UInt8]) -> [UInt8] {
        labels + (0..<3072).map { q in UInt8((i + 3 * (q % 1024) + 50 * (q / 1024)) % 256) }
    }

    static func pixel(_ i: Int, channel c: Int, at p: Int) -> UInt8 { UInt8((i + 3 * p + 50 * c) % 256) }

    @Test func readsCIFAR10RecordsChannelMajor() throws {
        let folder = try DatasetTestFolder()
        let a = try folder.write("data_batch_1.bin", (0..<3).flatMap { Self.record($0, labels: [UInt8($0 * 3)]) })
        let b = try folder.write("data_batch_2.bin", (3..<5).flatMap { Self.record($0, labels: [UInt8($0)]) })
        let images = try CIFARReader.read([a, b], layout: .cifar10)
        #expect(images.count == 5 && images.shape == [3, 32, 32] && images.labels == [0, 3, 6, 3, 4])
        let samples = images.allSamples(normalization: .unitRange(channels: 3))
        #expect(samples.sampleShape == [3, 32, 32] && samples.features.count == 5 * 3072)
        for i in 0..<5 {
            for (c, p) in [(0, 0), (0, 1023), (1, 5), (2, 1000)] {
                #expect(samples.features[i * 3072 + c * 1024 + p] == Float(Self.pixel(i, channel: c, at: p)) / 255)
            }
        }
    }

    @Test func cifar100UsesTheFineLabel() throws {
        let folder = try DatasetTestFolder()
        let path = try folder.write("train.bin", (0..<4).flatMap { Self.record($0, labels: [UInt8(19 - $0), UInt8(90 + $0)]) })
        let images = try CIFARReader.read([path], layout: .cifar100)
        #expect(images.labels == [90, 91, 92, 93])
        let samples = images.allSamples(normalization: .unitRange(channels: 3))
        #expect(samples.features[3072 + 1024] == Float(Self.pixel(1, channel: 1, at: 0)) / 255)
    }

    @Test func fileOfTheWrongSizeNamesTheRecordSize() throws {
        let folder = try DatasetTestFolder()
        let path = try folder.write("data_batch_1.bin", (0..<2).flatMap { Self.record($0, labels: [1]) } + [9, 9, 9])
        let error = try #require(throws: DataError.self) { try CIFARReader.read([path], layout: .cifar10) }
        #expect(error.problem == .recordSize(size: 6149, recordSize: 3073, layout: "1 label byte + 3072 pixel bytes"))
        #expect(error.description == path + ": size 6149 bytes is not a positive multiple of the 3073-byte record "
                + "(1 label byte + 3072 pixel bytes)")
        // A CIFAR-10 batch read as CIFAR-100 is caught the same way (3073·10 is no multiple of 3074).
        let ten = try folder.write("ten.bin", (0..<10).flatMap { Self.record($0, labels: [1]) })
        let wrongLayout = try #require(throws: DataError.self) { try CIFARReader.read([ten], layout: .cifar100) }
        #expect(wrongLayout.problem == .recordSize(size: 30730, recordSize: 3074, layout: "1 coarse + 1 fine label byte + 3072 pixel bytes"))
        let empty = try folder.write("empty.bin", [])
        #expect(throws: DataError.self) { try CIFARReader.read([empty], layout: .cifar10) }
    }

    @Test func labelOutOfRange() throws {
        let folder = try DatasetTestFolder()
        let path = try folder.write("test_batch.bin", Self.record(0, labels: [3]) + Self.record(1, labels: [10]))
        let error = try #require(throws: DataError.self) { try CIFARReader.read([path], layout: .cifar10) }
        #expect(error.description == path + ": label 10 of item 1 is outside 0…9")
    }

    @Test(arguments: ["cifar10", "cifar100"])
    func catalogSplitsPerClassAndNormalisesPerChannel(name: String) throws {
        let folder = try DatasetTestFolder()
        let classes = name == "cifar10" ? 10 : 100
        func labels(_ i: Int) -> [UInt8] { name == "cifar10" ? [UInt8(i % classes)] : [0, UInt8(i % classes)] }
        // 4 images per class in training (spread over the batches), 1 per class in test.
        let trainFiles = name == "cifar10" ? (1...5).map { "cifar-10-batches-bin/data_batch_\($0).bin" } : ["cifar-100-binary/train.bin"]
        let perFile = 4 * classes / trainFiles.count
        for (k, file) in trainFiles.enumerated() {
            try folder.write(file, (k * perFile ..< (k + 1) * perFile).flatMap { Self.record($0, labels: labels($0)) })
        }
        let testFile = name == "cifar10" ? "cifar-10-batches-bin/test_batch.bin" : "cifar-100-binary/test.bin"
        try folder.write(testFile, (0..<classes).flatMap { Self.record(1000 + $0, labels: labels($0)) })
        let settings = Settings(["valid_per_class": .number(1), "train_per_class": .number(2)])
        guard case let .samples(splits) = try DatasetCatalog.load(name: name, settings: settings, seed: 3,
                                                                  searchPaths: [folder.path]) else {
            Issue.record("not samples"); return
        }
        #expect(splits.classes == classes && splits.train.sampleShape == [3, 32, 32])
        #expect(splits.valid.count == classes && splits.train.count == 2 * classes && splits.test.count == classes)
        var counts = [Int](repeating: 0, count: classes)
        for label in splits.train.labels { counts[Int(label)] += 1 }
        #expect(counts == Array(repeating: 2, count: classes))
        let constants: PixelNormalization = name == "cifar10" ? .cifar10 : .cifar100
        for c in 0..<3 {
            let expected = (Float(Self.pixel(1000, channel: c, at: 7)) / 255 - constants.mean[c]) / constants.std[c]
            #expect(splits.test.features[c * 1024 + 7] == expected)
        }
        // seeds.md §1.12: CIFAR-10 mean (125.3, 123.0, 113.9)/255, std (63.0, 62.1, 66.7)/255; CIFAR-100
        // mean (129.3, 124.1, 112.4)/255, std (68.2, 65.4, 70.4)/255.
        let (mean, std): ([Double], [Double]) = name == "cifar10" ? ([125.3, 123.0, 113.9], [63.0, 62.1, 66.7])
            : ([129.3, 124.1, 112.4], [68.2, 65.4, 70.4])
        #expect(constants.mean == mean.map { Float($0 / 255) } && constants.std == std.map { Float($0 / 255) })
    }
}
