// The UCI regression tables of the power-law SGD studies (seeds.md §3.2): bike sharing (`hour.csv`) and
// SGEMM GPU kernel performance (`sgemm_product.csv`). A random `train_size` rows train, the rest are held
// out; features and target are standardised per column with the training rows' mean and unbiased std.
import Vocabulary

/// Optional caps on split sizes (`train_size`, `valid_size`, `test_size`) for quick runs.
public struct SplitLimits: Equatable, Sendable {
    public var train: Int?
    public var valid: Int?
    public var test: Int?

    public init(train: Int? = nil, valid: Int? = nil, test: Int? = nil) {
        self.train = train
        self.valid = valid
        self.test = test
    }
}

/// A CSV table read as features and one regression target.
public struct RegressionTable: Sendable {
    /// The file, under `folders`.
    public var files: DataFiles
    /// The feature columns, in the order they appear in a sample.
    public var features: [String]
    /// Columns whose row mean is the target.
    public var targets: [String]

    public init(files: DataFiles, features: [String], targets: [String]) {
        self.files = files
        self.features = features
        self.targets = targets
    }

    /// UCI Bike Sharing, hourly: every column but `instant, dteday, casual, registered, cnt` is a feature
    /// (12), and `cnt` (rentals per hour) is the target.
    public static let bikeSharing = RegressionTable(
        files: DataFiles(folders: ["bike_sharing", "bike-sharing", "Bike-Sharing-Dataset"], files: [["hour.csv"]]),
        features: ["season", "yr", "mnth", "hr", "holiday", "weekday", "workingday", "weathersit",
                   "temp", "atemp", "hum", "windspeed"],
        targets: ["cnt"])

    /// UCI SGEMM GPU kernel performance: the 14 kernel parameters are the features, the mean of the four
    /// timed runs (milliseconds) the target.
    public static let sgemm = RegressionTable(
        files: DataFiles(folders: ["sgemm", "sgemm_product"], files: [["sgemm_product.csv"]]),
        features: ["MWG", "NWG", "KWG", "MDIMC", "NDIMC", "MDIMA", "NDIMB", "KWI", "VWM", "VWN",
                   "STRM", "STRN", "SA", "SB"],
        targets: ["Run1 (ms)", "Run2 (ms)", "Run3 (ms)", "Run4 (ms)"])

    /// Reads `path` and splits it: `limits.train` random rows (the seed's N; required) train, the rest are
    /// held out. The studies have no third split, so valid and test are the same held-out rows (each
    /// capped by its own limit; uncapped they share one buffer).
    /// - Throws: `DataError` naming the file (reading, a missing column, a bad number), or `.setting` when
    ///   `train_size` leaves no row to hold out.
    public func load(_ path: String, limits: SplitLimits, seed: UInt64) throws -> SampleSplits {
        let columns = features + targets
        let (rows, values) = try CSVTable.read(path, columns: columns)
        let trainSize = limits.train ?? rows
        guard trainSize < rows else {
            throw DataError(.setting(SettingError(key: "train_size",
                "\(trainSize) leaves no rows to hold out: \(path) has \(rows) rows, so use at most \(rows - 1)")))
        }
        // Features, then the target as the mean of its columns (summed left to right, as pandas does).
        let width = features.count
        var x = [Double](repeating: 0, count: rows * width)
        var y = [Double](repeating: 0, count: rows)
        for r in 0..<rows {
            for j in 0..<width { x[r * width + j] = values[r * columns.count + j] }
            var sum = 0.0
            for k in 0..<targets.count { sum += values[r * columns.count + width + k] }
            y[r] = sum / Double(targets.count)
        }
        var generator = SeededGenerator(seed: seed, stream: "data.split")
        let (train, heldOut) = SplitIndices.random(count: rows, trainCount: trainSize, generator: &generator)
        let xScaling = FeatureScaling.fit(x, width: width, rows: train, deviation: .unbiased)
        let yScaling = FeatureScaling.fit(y, width: 1, rows: train, deviation: .unbiased)
        func samples(_ indices: [Int]) -> SampleSet {
            SampleSet(features: xScaling.apply(x, width: width, rows: indices), sampleShape: [width],
                      targets: yScaling.apply(y, width: 1, rows: indices))
        }
        let validRows = SplitIndices.limit(heldOut, to: limits.valid)
        let testRows = SplitIndices.limit(heldOut, to: limits.test)
        let valid = samples(validRows)
        return SampleSplits(train: samples(train), valid: valid,
                            test: testRows == validRows ? valid : samples(testRows), classes: 0)
    }
}
