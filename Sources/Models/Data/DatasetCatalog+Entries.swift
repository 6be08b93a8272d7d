// The catalog's entries: the configuration keys each kind of dataset reads, and how each entry checks its
// settings and loads. The datasets themselves are defined in their own files (ImageDatasets,
// RegressionTables, SparseDatasets, TextCorpus, Blobs, SyntheticText).
import Vocabulary

// MARK: - Keys

/// The configuration keys datasets read.
public enum DatasetKeys {
    public static let dataPath = KeySpec(
        "data_path", .string, absent: "none",
        "folder with the dataset's files (or with its <name>/ sub-folder); searched before SWEEP_DATA and /usr/share/datasets")
    public static let normalize = KeySpec(
        "normalize", .bool, .bool(true),
        "standardise pixels with the dataset's mean and std; false keeps them in [0, 1] (e.g. for a BCE autoencoder)")
    static let sizeRange = 1...1_000_000_000

    static func limit(_ key: String, _ what: String) -> KeySpec {
        KeySpec(key, .integer(sizeRange), absent: "all", "use at most this many \(what) (a random subset), for quick runs")
    }
    public static let trainSize = limit("train_size", "training samples")
    public static let validSize = limit("valid_size", "validation samples")
    public static let testSize = limit("test_size", "test samples")

    static func perClass(_ key: String, _ what: String, minimum: Int, default value: Int) -> KeySpec {
        KeySpec(key, .integer(minimum...1_000_000), .number(Double(value)), "\(what) per class in the train/validation split")
    }

    public static let dataSeed = KeySpec(
        "data_seed", .integer(0...9_007_199_254_740_991), .number(0),
        "seed of the generated data (fixed across run seeds, so seeds vary the run, not the task)")
}

extension Settings {
    /// An optional size cap, nil when unset.
    func limit(_ spec: KeySpec) throws -> Int? {
        guard case let .number(x)? = try given(spec) else { return nil }
        return Int(x)
    }

    func splitLimits() throws -> SplitLimits {
        SplitLimits(train: try limit(DatasetKeys.trainSize), valid: try limit(DatasetKeys.validSize),
                    test: try limit(DatasetKeys.testSize))
    }

    /// The folder given by `data_path`, nil when unset.
    func dataPath() throws -> String? {
        guard case let .string(path)? = try given(DatasetKeys.dataPath), !path.isEmpty else { return nil }
        return path
    }
}

// MARK: - Entries

extension DatasetCatalog {
    static func layout(_ files: DataFiles) -> String {
        let names = files.files.map { DataFiles.describe($0) }.joined(separator: ", ")
        return "<root>/{\(files.folders.joined(separator: "|"))}/ or data_path/ holding \(names)"
    }

    static func image(_ name: String, _ dataset: ImageDataset, _ summary: String, source: String) -> DatasetEntry {
        let validPerClass = DatasetKeys.perClass("valid_per_class", "validation images", minimum: 0, default: dataset.validPerClass)
        let trainPerClass = DatasetKeys.perClass("train_per_class", "training images (at most)", minimum: 1,
                                                 default: dataset.trainPerClass)
        return DatasetEntry(
            name: name, summary: summary,
            settings: [DatasetKeys.dataPath, DatasetKeys.trainSize, DatasetKeys.validSize, DatasetKeys.testSize,
                       validPerClass, trainPerClass, DatasetKeys.normalize],
            source: source, layout: layout(dataset.files),
            shapeOf: { settings in
                _ = try settings.integer(validPerClass)
                _ = try settings.integer(trainPerClass)
                _ = try settings.splitLimits()
                _ = try settings.bool(DatasetKeys.normalize)
                _ = try settings.dataPath()
                return .classification(sampleShape: dataset.shape, classes: dataset.classes)
            },
            loader: { settings, seed, searchPaths in
                let paths = try DataLocator.locate(dataset.files, dataPath: try settings.dataPath(), searchPaths: searchPaths)
                let valid = try settings.integer(validPerClass)
                let splits = try dataset.load(
                    paths, validPerClass: valid, trainPerClass: try settings.integer(trainPerClass),
                    normalize: try settings.bool(DatasetKeys.normalize),
                    limits: try settings.splitLimits(), seed: seed)
                guard splits.train.count > 0 else {
                    throw SettingError(key: "valid_per_class", "\(valid) takes every training image of every class; use fewer")
                }
                return .samples(splits)
            })
    }

    static func text(_ name: String, _ summary: String, _ files: DataFiles, source: String) -> DatasetEntry {
        let trainSize = KeySpec("train_size", .integer(DatasetKeys.sizeRange), absent: "all",
                                    "use only the first this many training tokens, for quick runs")
        let validSize = KeySpec("valid_size", .integer(DatasetKeys.sizeRange), absent: "all",
                                    "use only the first this many validation tokens")
        let testSize = KeySpec("test_size", .integer(DatasetKeys.sizeRange), absent: "all",
                                   "use only the first this many test tokens")
        return DatasetEntry(
            name: name, summary: summary, settings: [DatasetKeys.dataPath, trainSize, validSize, testSize],
            source: source, layout: layout(files),
            shapeOf: { settings in
                _ = try settings.dataPath()
                _ = try settings.splitLimits()
                return .tokens
            },
            loader: { settings, _, searchPaths in
                let paths = try DataLocator.locate(files, dataPath: try settings.dataPath(), searchPaths: searchPaths)
                var splits = try TextCorpus.load(train: paths[0], valid: paths[1], test: paths[2])
                let limits = try settings.splitLimits()
                if let n = limits.train { splits.train = Array(splits.train.prefix(n)) }
                if let n = limits.valid { splits.valid = Array(splits.valid.prefix(n)) }
                if let n = limits.test { splits.test = Array(splits.test.prefix(n)) }
                return .tokens(splits)
            })
    }

    static func regression(_ name: String, _ table: RegressionTable, _ summary: String, source: String) -> DatasetEntry {
        let trainSize = KeySpec("train_size", .integer(DatasetKeys.sizeRange), .number(1000),
                                    "training rows (the power-law studies' N), drawn at random; the rest are held out")
        return DatasetEntry(
            name: name, summary: summary,
            settings: [DatasetKeys.dataPath, trainSize, DatasetKeys.validSize, DatasetKeys.testSize],
            source: source, layout: layout(table.files),
            shapeOf: { settings in
                _ = try settings.dataPath()
                _ = try settings.splitLimits()
                return .regression(features: table.features.count, targets: 1)
            },
            loader: { settings, seed, searchPaths in
                let paths = try DataLocator.locate(table.files, dataPath: try settings.dataPath(), searchPaths: searchPaths)
                var limits = try settings.splitLimits()
                limits.train = try settings.integer(trainSize)
                return .samples(try table.load(paths[0], limits: limits, seed: seed))
            })
    }

    static func sparse(_ name: String, _ dataset: SparseDataset, _ summary: String, source: String) -> DatasetEntry {
        let samples = KeySpec("samples", .integer(2...100_000_000), .number(5000),
                                  "rows drawn with replacement before the 80/20 train/held-out split")
        return DatasetEntry(
            name: name, summary: summary,
            settings: [DatasetKeys.dataPath, samples, DatasetKeys.trainSize, DatasetKeys.validSize, DatasetKeys.testSize],
            source: source, layout: layout(dataset.files),
            shapeOf: { settings in
                let count = try settings.integer(samples)
                _ = try settings.dataPath()
                _ = try settings.splitLimits()
                try checkSize(rows: count, width: dataset.width, key: "samples", what: "\(count) samples")
                return .classification(sampleShape: [dataset.width], classes: dataset.classes)
            },
            loader: { settings, seed, searchPaths in
                let count = try settings.integer(samples)
                let paths = try DataLocator.locate(dataset.files, dataPath: try settings.dataPath(), searchPaths: searchPaths)
                return .samples(try dataset.load(paths[0], samples: count, limits: try settings.splitLimits(), seed: seed))
            })
    }

    /// Sets are held in memory whole, densified; refuse sizes that could not be (2³¹ floats = 8 GiB).
    /// `rows` counts every split; `what` says what they are in the message.
    static func checkSize(rows: Int, width: Int, key: String, what: String) throws {
        let (values, overflow) = rows.multipliedReportingOverflow(by: width)
        guard !overflow && values <= 1 << 31 else {
            throw SettingError(key: key, "\(what) × \(width) features is over 2^31 values (8 GiB of floats); use fewer")
        }
    }

    static let blobs: DatasetEntry = {
        let classes = KeySpec("classes", .integer(2...10_000), .number(10), "number of classes (blobs)")
        let features = KeySpec("features", .integer(1...1_000_000), .number(784), "dimensions of a sample")
        let samples = KeySpec("samples", .integer(1...100_000_000), .number(10000),
                                  "training samples; validation and test get a fifth as many each")
        let separation = KeySpec("separation", .number(0...1000), .number(4),
                                     "typical distance between class centres, in units of the within-class noise")
        @Sendable func make(_ settings: Settings) throws -> Blobs {
            let blobs = Blobs(classes: try settings.integer(classes), features: try settings.integer(features),
                              samples: try settings.integer(samples),
                              separation: try settings.number(separation),
                              seed: UInt64(try settings.integer(DatasetKeys.dataSeed)))
            try checkSize(rows: blobs.samples + 2 * blobs.heldOutSamples, width: blobs.features, key: "samples",
                          what: "\(blobs.samples) samples (+ \(2 * blobs.heldOutSamples) for validation and test)")
            return blobs
        }
        return DatasetEntry(
            name: "blobs", summary: "built-in Gaussian blobs: balanced classes around random centres (no download)",
            settings: [classes, features, samples, separation, DatasetKeys.dataSeed], source: nil, layout: nil,
            shapeOf: { settings in
                let blobs = try make(settings)
                return .classification(sampleShape: [blobs.features], classes: blobs.classes)
            },
            loader: { settings, _, _ in .samples(try make(settings).make()) })
    }()

    static let syntheticText: DatasetEntry = {
        let vocabulary = KeySpec("vocabulary", .integer(2...1_000_000), .number(256), "words in the Markov chain")
        let tokens = KeySpec("tokens", .integer(100...1_000_000_000), .number(100000),
                                 "training tokens; validation and test get a tenth as many each")
        let branching = KeySpec("branching", .integer(1...64), .number(4),
                                    "successors of each word (the chain's choices; at most vocabulary)")
        @Sendable func make(_ settings: Settings) throws -> SyntheticText {
            let words = try settings.integer(vocabulary)
            let successors = try settings.integer(branching)
            guard successors <= words else {
                throw SettingError(key: "branching", "\(successors) is more than the vocabulary (\(words)); use at most \(words)")
            }
            return SyntheticText(vocabulary: words, tokens: try settings.integer(tokens), branching: successors,
                                 seed: UInt64(try settings.integer(DatasetKeys.dataSeed)))
        }
        return DatasetEntry(
            name: "synthetic_text", summary: "built-in word-level corpus from a seeded Markov chain (no download)",
            settings: [vocabulary, tokens, branching, DatasetKeys.dataSeed], source: nil, layout: nil,
            shapeOf: { settings in
                _ = try make(settings)
                return .tokens
            },
            loader: { settings, _, _ in .tokens(try make(settings).make()) })
    }()
}
