// The UCI regression tables through the catalog: columns kept, the random train/held-out split, and
// standardisation with the training rows' statistics (unbiased std).
import Testing
import Models
import Vocabulary

@Suite struct CSVRegressionTests {
    static let bikeHeader = "instant,dteday,season,yr,mnth,hr,holiday,weekday,workingday,weathersit,temp,atemp,hum,windspeed,casual,registered,cnt"

    /// Row r: hr = r (identifies the row), holiday always 0 (a constant column), cnt = 3r² + 1.
    static func bikeRow(_ r: Int) -> [Double] {
        [Double(r % 4 + 1), Double(r % 2), Double(r % 12 + 1), Double(r), 0, Double(r % 7), Double((r + 1) % 2),
         Double(r % 3 + 1), 0.02 * Double(r), 0.5 - 0.01 * Double(r), Double(r % 5) / 5, 0.1 * Double(r % 3),
         Double(3 * r * r + 1)]
    }

    static func writeBike(_ folder: DatasetTestFolder, rows: Int) throws {
        var text = bikeHeader + "\n"
        for r in 0..<rows {
            let v = bikeRow(r)
            let features = v[..<12].map { "\($0)" }.joined(separator: ",")
            text += "\(r + 1),2011-01-01,\(features),5,6,\(Int(v[12]))\n"
        }
        try folder.write("bike_sharing/hour.csv", text: text)
    }

    static func load(_ name: String, _ folder: DatasetTestFolder, _ values: [String: KeyValue], seed: UInt64 = 4) throws -> SampleSplits {
        guard case let .samples(splits) = try DatasetCatalog.load(name: name, settings: Settings(values), seed: seed,
                                                                  searchPaths: [folder.path]) else {
            throw DataError(.empty(what: "not samples"))
        }
        return splits
    }

    @Test func bikeSharingSplitAndStandardisation() throws {
        let folder = try DatasetTestFolder()
        try Self.writeBike(folder, rows: 20)
        let splits = try Self.load("bike_sharing", folder, ["train_size": .number(12)])
        #expect(splits.classes == 0 && splits.train.sampleShape == [12] && splits.train.count == 12)
        #expect(splits.valid.count == 8 && splits.test.count == 8 && splits.valid.targets == splits.test.targets)
        #expect(splits.train.targetWidth == 1 && splits.train.labels.isEmpty)

        // The split is the "data.split" stream's permutation of the rows: its first 12 train, the rest are
        // held out. Expected values are computed here from the raw rows with the training statistics.
        var generator = SeededGenerator(seed: 4, stream: "data.split")
        let order = generator.permutation(20)
        let trainRows = Array(order[..<12]), heldOut = Array(order[12...])
        let raw = (0..<20).map(Self.bikeRow)
        func statistics(_ j: Int) -> (mean: Double, std: Double) {
            let xs = trainRows.map { raw[$0][j] }
            let mean = xs.reduce(0, +) / Double(xs.count)
            let std = (xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(xs.count - 1)).squareRoot()
            return (mean, std == 0 ? 1 : std)
        }
        let stats = (0..<13).map(statistics)
        func expected(_ rows: [Int]) -> (features: [Float], targets: [Float]) {
            (rows.flatMap { r in (0..<12).map { Float((raw[r][$0] - stats[$0].mean) / stats[$0].std) } },
             rows.map { Float((raw[$0][12] - stats[12].mean) / stats[12].std) })
        }
        #expect(splits.train.features == expected(trainRows).features && splits.train.targets == expected(trainRows).targets)
        #expect(splits.valid.features == expected(heldOut).features && splits.valid.targets == expected(heldOut).targets)
        // holiday is constant: scaled by 1 instead of 0, so its standardised value is exactly 0.
        #expect(stats[4].std == 1 && (0..<8).allSatisfy { splits.valid.features[$0 * 12 + 4] == 0 })
        // Over the training rows every standardised column has mean 0 and unbiased std 1 (hr, column 3).
        let hr = (0..<12).map { Double(splits.train.features[$0 * 12 + 3]) }
        let mean = hr.reduce(0, +) / 12
        #expect(abs(mean) < 1e-6 && abs((hr.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 11).squareRoot() - 1) < 1e-6)
    }
}

extension CSVRegressionTests {
    @Test func subsetsOfTheHeldOutRows() throws {
        let folder = try DatasetTestFolder()
        try Self.writeBike(folder, rows: 30)
        let full = try Self.load("bike_sharing", folder, ["train_size": .number(10)])
        let capped = try Self.load("bike_sharing", folder, ["train_size": .number(10), "valid_size": .number(5), "test_size": .number(3)])
        #expect(capped.valid.count == 5 && capped.test.count == 3 && full.valid.count == 20)
        #expect(capped.valid.features == Array(full.valid.features[..<60]) && capped.test.features == Array(full.valid.features[..<36]))
        #expect(capped.train.features == full.train.features)
    }

    @Test func defaultTrainSizeNeedsMoreRows() throws {
        let folder = try DatasetTestFolder()
        try Self.writeBike(folder, rows: 20)
        let error = try #require(throws: DataError.self) { try Self.load("bike_sharing", folder, [:]) }
        #expect(error.description == "bike_sharing: train_size: 1000 leaves no rows to hold out: "
                + folder.file("bike_sharing/hour.csv") + " has 20 rows, so use at most 19")
    }

    @Test func sgemmTargetIsTheMeanOfTheFourRuns() throws {
        let folder = try DatasetTestFolder()
        let names = ["MWG", "NWG", "KWG", "MDIMC", "NDIMC", "MDIMA", "NDIMB", "KWI", "VWM", "VWN", "STRM", "STRN", "SA", "SB"]
        var text = (names + ["Run1 (ms)", "Run2 (ms)", "Run3 (ms)", "Run4 (ms)"]).joined(separator: ",") + "\n"
        for r in 0..<6 {
            text += (0..<14).map { String((r * 7 + $0 * 3) % 11) }.joined(separator: ",")
            text += ",\(Double(r) + 0.25),\(Double(r) + 0.5),\(2 * Double(r)),\(Double(r) - 0.75)\n"
        }
        try folder.write("sgemm/sgemm_product.csv", text: text)
        let splits = try Self.load("sgemm", folder, ["train_size": .number(4)], seed: 9)
        #expect(splits.train.sampleShape == [14] && splits.train.count == 4 && splits.valid.count == 2)
        var generator = SeededGenerator(seed: 9, stream: "data.split")
        let order = generator.permutation(6)
        let y = order.map { r in (Double(r) + 0.25 + Double(r) + 0.5 + 2 * Double(r) + Double(r) - 0.75) / 4 }
        let mean = y[..<4].reduce(0, +) / 4
        let std = (y[..<4].map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 3).squareRoot()
        #expect(splits.train.targets == y[..<4].map { Float(($0 - mean) / std) })
        #expect(splits.valid.targets == y[4...].map { Float(($0 - mean) / std) })
    }

    @Test func missingColumnFailsWithFileAndSource() throws {
        let folder = try DatasetTestFolder()
        let path = try folder.write("bike-sharing/hour.csv", text: "instant,dteday,season,yr\n1,2011-01-01,1,0\n")
        let error = try #require(throws: DataError.self) { try Self.load("bike_sharing", folder, ["train_size": .number(1)]) }
        #expect(error.description == path + ": no column \"mnth\" (header has: instant, dteday, season, yr)\n"
                + "hint: bike_sharing comes from https://archive.ics.uci.edu/dataset/275/bike+sharing+dataset (hour.csv); "
                + "set data_path to the folder that holds its files")
    }
}
