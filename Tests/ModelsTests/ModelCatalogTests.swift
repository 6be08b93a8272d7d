// The model catalog: every model builds with its defaults, with the seeds' sizes (parameter counts as
// PyTorch counts them) and initialisation, and bad configurations are typed errors naming the key.
import Testing
import Models
import Vocabulary

private func make(_ name: String, _ values: [String: KeyValue] = [:], shape: [Int] = [1, 28, 28], classes: Int = 10,
                  vocabulary: Int? = nil, seed: UInt64 = 1) throws -> any Network {
    try ModelCatalog.make(name: name, settings: Settings(values), inputShape: shape, classes: classes, vocabulary: vocabulary, seed: seed)
}

/// Mean and standard deviation of a tensor's values.
private func moments(_ values: [Float]) -> (mean: Double, std: Double) {
    let mean = values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
    let variance = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(values.count)
    return (mean, variance.squareRoot())
}

@Suite struct ModelCatalogTests {
    @Test func listsTheModels() {
        #expect(ModelCatalog.names == ["logreg", "fc", "convnet", "resnet", "lstm", "autoencoder", "qrnn_lm", "awd_lstm", "awd_gru", "nli", "seq2seq",
                                       "transformer_lm", "roberta_lm"])
        for entry in ModelCatalog.entries {
            #expect(!entry.summary.isEmpty)
            #expect(Set(entry.settings.map(\.name)).count == entry.settings.count)
        }
    }

    /// Parameter counts of the seeds' models (as `sum(p.numel() for p in model.parameters())` gives them).
    @Test(arguments: [
        ("logreg", [String: KeyValue](), [1, 28, 28], 10, 7_850, "logreg"),
        ("fc", [:], [784], 10, 25_450, "fc"),
        ("fc", ["hidden": .numbers([1000, 1000])], [1, 28, 28], 10, 1_796_010, "fc"),
        ("convnet", [:], [1, 28, 28], 10, 21_840, "convnet (mnist)"),
        ("convnet", [:], [3, 32, 32], 10, 62_006, "convnet (cifar10)"),
        ("convnet", [:], [3, 32, 32], 100, 5_898_340, "convnet (cifar100)"),
        ("resnet", [:], [3, 32, 32], 10, 272_474, "resnet20"),
        ("autoencoder", [:], [1, 28, 28], 0, 2_837_314, "autoencoder"),
    ])
    func buildsTheSeedsSizes(_ name: String, _ values: [String: KeyValue], _ shape: [Int], _ classes: Int, _ count: Int,
                             _ networkName: String) throws {
        let network = try make(name, values, shape: shape, classes: classes)
        #expect(network.parameters.count == count)
        #expect(network.name == networkName)
        #expect(network.parameters.ranges.last?.upperBound == network.parameters.count)
    }

    @Test func languageModelSizesAndInitialisation() throws {
        let network = try make("lstm", vocabulary: 10_000)
        #expect(network.parameters.count == 2_029_328)
        #expect(network.bptt == 35)
        #expect(network.objective == .languageModel)
        let p = network.parameters
        let lstmBound = 1 / Float(128).squareRoot()
        let bounds: [(String, Float)] = [("embedding.weight", 0.1), ("decoder.weight", 0.1), ("lstm.weight_ih_l0", lstmBound),
                                         ("lstm.bias_hh_l0", lstmBound), ("decoder.bias", lstmBound)]
        for (name, bound) in bounds {
            let values = p.valueArray(try #require(p.slot(named: name)))
            let largest = values.map(abs).max()!
            #expect(largest < bound && largest > 0.95 * bound, "\(name): largest |value| \(largest), bound \(bound)")
        }
        let twoLayers = try make("lstm", ["nlayers": .number(2), "nhid": .number(32), "emsize": .number(16)], vocabulary: 50)
        #expect(twoLayers.parameters.slots.map(\.name).contains("lstm.weight_ih_l1"))
    }

    @Test func initialisationFollowsPyTorchAndTheSeeds() throws {
        let fc = try make("fc")
        let weight = fc.parameters.valueArray(try #require(fc.parameters.slot(named: "fc1.weight")))
        let bound = 1 / Float(784).squareRoot()
        #expect(weight.allSatisfy { abs($0) < bound })
        // U(−b, b) has standard deviation b/√3.
        #expect(abs(moments(weight).std - Double(bound) / 3.0.squareRoot()) < 0.01 * Double(bound))

        let resnet = try make("resnet", shape: [3, 32, 32])
        let conv = resnet.parameters.valueArray(try #require(resnet.parameters.slot(named: "layer3.1.conv2.weight")))
        #expect(abs(moments(conv).std - (2.0 / (9 * 64)).squareRoot()) < 0.03 * (2.0 / (9 * 64)).squareRoot())
        #expect(resnet.parameters.valueArray(try #require(resnet.parameters.slot(named: "layer2.0.bn1.weight"))).allSatisfy { $0 == 1 })
        #expect(resnet.parameters.valueArray(try #require(resnet.parameters.slot(named: "layer2.0.bn1.bias"))).allSatisfy { $0 == 0 })
        #expect(resnet.parameters.slot(named: "layer2.0.downsample.0.weight")?.shape == [32, 16, 1, 1])
        #expect(resnet.parameters.slot(named: "layer1.0.downsample.0.weight") == nil, "identity shortcut where the shape stays")
        let runningVar = resnet.buffers.valueArray(try #require(resnet.buffers.slot(named: "bn1.running_var")))
        #expect(runningVar == [Float](repeating: 1, count: 16))
    }

    @Test func sameSeedSameWeightsOtherSeedOtherWeights() throws {
        for name in ["convnet", "fc"] {
            let a = try make(name, seed: 5), b = try make(name, seed: 5), c = try make(name, seed: 6)
            #expect(a.parameters.valueArray() == b.parameters.valueArray())
            #expect(a.parameters.valueArray() != c.parameters.valueArray())
        }
    }

    @Test func objectivesFollowTheData() throws {
        #expect(try make("fc").objective == .classification)
        #expect(try make("fc", shape: [8], classes: 0).objective == .regression)
        #expect(try make("logreg", shape: [8], classes: 0).parameters.count == 9)
        #expect(try make("autoencoder", ["loss": .string("mse"), "widths": .numbers([16, 4])]).objective == .reconstruction)
        #expect(try make("convnet", ["variant": .string("cifar10")], shape: [1, 32, 32]).name == "convnet (cifar10)")
    }

    @Test func badConfigurationsNameTheKey() throws {
        #expect(throws: ModelError.unknownModel("lenet", valid: ModelCatalog.names)) { try make("lenet") }
        #expect(throws: ModelError.invalidSetting(model: "resnet", SettingError(key: "depth", "expected 6n + 2 (20, 32, 44, 56, 110), got 21"))) {
            try make("resnet", ["depth": .number(21)], shape: [3, 32, 32])
        }
        #expect(throws: ModelError.invalidSetting(model: "fc", SettingError(key: "hidden", "expected a list of 0 to 16 integers from 1 to 100000, got \"wide\""))) {
            try make("fc", ["hidden": .string("wide")])
        }
        #expect(throws: ModelError.invalidSetting(model: "lstm", SettingError(key: "dropout", "expected a number in [0, 1), got 1"))) {
            try make("lstm", ["dropout": .number(1)], vocabulary: 10)
        }
        do {
            _ = try make("convnet", shape: [2, 28, 28])
            Issue.record("a 2-channel image has no automatic ConvNet form")
        } catch let ModelError.unsupportedData(model, message) {
            #expect(model == "convnet" && message.contains("set variant"))
        }
        #expect(throws: ModelError.self) { try make("convnet", classes: 0) }
        #expect(throws: ModelError.self) { try make("lstm") }
        #expect(throws: ModelError.unknownModel("powerlaw_nn", valid: ModelCatalog.names)) { try make("powerlaw_nn", classes: 0) }
        // The MNIST form does not fit 12×12 images: the error says which layer and why.
        do {
            _ = try make("convnet", ["variant": .string("mnist")], shape: [1, 12, 12])
            Issue.record("12×12 is too small for the MNIST ConvNet")
        } catch let ModelError.unsupportedData(model, message) {
            #expect(model == "convnet" && message.contains("conv2"))
        }
    }
}
