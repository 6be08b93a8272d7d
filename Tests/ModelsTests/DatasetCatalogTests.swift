import Testing
import Models
import Vocabulary

@Suite struct DatasetCatalogTests {
    @Test func namesInOrder() {
        #expect(DatasetCatalog.names == ["mnist", "fashion_mnist", "cifar10", "cifar100", "ptb", "wikitext2", "bike_sharing",
                                         "sgemm", "rcv1", "covtype", "blobs", "synthetic_text", "multiwoz_roberta", "snli", "multiwoz",
                                         "synthetic_nli", "synthetic_dialogue"])
    }

    @Test func everyEntryDescribesItself() throws {
        for entry in DatasetCatalog.entries {
            let keys = entry.settings.map(\.name)
            #expect(Set(keys).count == keys.count, "\(entry.name) repeats a key")
            #expect(!entry.summary.isEmpty && entry.settings.allSatisfy { !$0.summary.isEmpty && !$0.defaultText.isEmpty })
            let builtIn = ["blobs", "synthetic_text", "synthetic_nli", "synthetic_dialogue"].contains(entry.name)
            #expect(keys.contains("data_path") == !builtIn, "\(entry.name)")
            #expect((entry.source == nil) == builtIn && (entry.layout == nil) == builtIn, "\(entry.name)")
        }
        #expect(DatasetCatalog.entry("mnist")?.layout == "<root>/{mnist|MNIST/raw}/ or data_path/ holding "
                + "train-images-idx3-ubyte[.gz] or train-images.idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz] or "
                + "train-labels.idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz] or t10k-images.idx3-ubyte[.gz], "
                + "t10k-labels-idx1-ubyte[.gz] or t10k-labels.idx1-ubyte[.gz]")
        #expect(DatasetCatalog.entry("fashion_mnist")?.source?.contains("dataset-fashion-mnist") == true)
        #expect(DatasetCatalog.entry("mnist")?.settings.map(\.name) == ["data_path", "train_size", "valid_size", "test_size",
                                                                         "valid_per_class", "train_per_class", "normalize"])
        #expect(DatasetCatalog.entry("cifar100")?.settings.first { $0.name == "valid_per_class" }?.defaultText == "50")
        #expect(DatasetCatalog.entry("sgemm")?.settings.first { $0.name == "train_size" }?.defaultText == "1000")
    }

    @Test(arguments: [
        ("mnist", DatasetShape.classification(sampleShape: [1, 28, 28], classes: 10)),
        ("fashion_mnist", .classification(sampleShape: [1, 28, 28], classes: 10)),
        ("cifar10", .classification(sampleShape: [3, 32, 32], classes: 10)),
        ("cifar100", .classification(sampleShape: [3, 32, 32], classes: 100)),
        ("ptb", .tokens), ("wikitext2", .tokens), ("synthetic_text", .tokens),
        ("bike_sharing", .regression(features: 12, targets: 1)),
        ("sgemm", .regression(features: 14, targets: 1)),
        ("rcv1", .classification(sampleShape: [47_236], classes: 2)),
        ("covtype", .classification(sampleShape: [54], classes: 7)),
        ("blobs", .classification(sampleShape: [784], classes: 10)),
    ])
    func shapeWithoutReadingFiles(name: String, shape: DatasetShape) throws {
        #expect(try DatasetCatalog.shape(name: name, settings: Settings(["data_path": .string("/nonexistent")])) == shape)
        #expect(try DatasetCatalog.entry(name)?.shape(Settings()) == shape)
    }

    @Test func unknownDatasetListsTheNames() throws {
        let error = try #require(throws: DataError.self) {
            try DatasetCatalog.load(name: "mnsit", settings: Settings(), seed: 0, searchPaths: [])
        }
        #expect(error.description == "unknown dataset \"mnsit\" (valid: mnist, fashion_mnist, cifar10, cifar100, ptb, wikitext2, "
                + "bike_sharing, sgemm, rcv1, covtype, blobs, synthetic_text, multiwoz_roberta, snli, multiwoz, synthetic_nli, synthetic_dialogue)")
    }

    @Test(arguments: [
        ("mnist", "train_size", KeyValue.number(0), "mnist: train_size: expected an integer from 1 to 1000000000, got 0"),
        ("cifar10", "normalize", .string("yes"), "cifar10: normalize: expected true or false, got \"yes\""),
        ("ptb", "data_path", .number(3), "ptb: data_path: expected a string, got 3"),
        ("covtype", "samples", .number(1), "covtype: samples: expected an integer from 2 to 100000000, got 1"),
        ("blobs", "separation", .number(-1), "blobs: separation: expected a number in [0, 1000], got -1"),
        ("synthetic_text", "tokens", .number(10.5), "synthetic_text: tokens: expected an integer from 100 to 1000000000, got 10.5"),
    ])
    func badSettingsAreNamed(name: String, key: String, value: KeyValue, message: String) throws {
        let error = try #require(throws: DataError.self) { try DatasetCatalog.shape(name: name, settings: Settings([key: value])) }
        #expect(error.description == message)
        // Loading checks them too, before looking for files.
        let loadError = try #require(throws: DataError.self) {
            try DatasetCatalog.load(name: name, settings: Settings([key: value]), seed: 0, searchPaths: [])
        }
        #expect(loadError.description == message)
    }

    @Test func splitWithNoTrainingImagesIsRefused() throws {
        let error = try #require(throws: DataError.self) {
            try DatasetCatalog.shape(name: "mnist", settings: Settings(["train_per_class": .number(0)]))
        }
        #expect(error.description == "mnist: train_per_class: expected an integer from 1 to 1000000, got 0")
        let folder = try DatasetTestFolder()
        try IDXTestWriter.writeDataset(folder, sub: "mnist", perClass: [3, 2], testCount: 2)
        let loadError = try #require(throws: DataError.self) {
            try DatasetCatalog.load(name: "mnist", settings: Settings(["data_path": .string(folder.path), "valid_per_class": .number(3)]),
                                    seed: 0, searchPaths: [])
        }
        #expect(loadError.description == "mnist: valid_per_class: 3 takes every training image of every class; use fewer")
    }
}
