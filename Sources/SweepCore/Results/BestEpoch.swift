// The `best` member of an end record: the epoch a run did best at by its selection metric, and its test
// metrics there. Written by the worker and read by the report through this one type.

/// The best epoch of a run by its selection metric (`valid_accuracy`, `valid_loss`…).
public struct BestEpoch: Sendable, Equatable {
    public var metric: String
    /// 1-based.
    public var epoch: Int
    public var value: Double
    /// Test metrics at that epoch (NaN or infinite values are written as null and read back as NaN).
    public var test: [String: Double]

    public init(metric: String, epoch: Int, value: Double, test: [String: Double]) {
        self.metric = metric
        self.epoch = epoch
        self.value = value
        self.test = test
    }

    /// `{"metric": …, "epoch": …, "value": …, "test": {…}}`.
    public var json: JSONValue {
        .object(["metric": .string(metric), "epoch": .number(Double(epoch)), "value": value.isFinite ? .number(value) : .null,
                 "test": .object(test.mapValues { $0.isFinite ? .number($0) : .null })])
    }

    /// Reads the member back; nil if it is not one (a missing field, an epoch that is not a count).
    public init?(json: JSONValue) {
        guard let object = json.object, let metric = object["metric"]?.string, let epoch = object["epoch"]?.number,
              epoch >= 0, epoch == epoch.rounded(), epoch < 1e15, let value = object["value"] else { return nil }
        guard case .object(let tests)? = object["test"] ?? .object([:]) else { return nil }
        self.metric = metric
        self.epoch = Int(epoch)
        self.value = value.number ?? .nan
        test = tests.mapValues { $0.number ?? .nan }
    }
}
