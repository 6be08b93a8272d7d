// How far one configuration's run has got, beyond the model and optimizer themselves: enough to continue
// bit for bit from the middle of an epoch. A checkpoint holds this, the parameters, the network's own
// state and the optimizer's state.
import Models
import Optim
import SweepCore

/// The best epoch so far by the selection metric, and the test metrics of that epoch.
struct BestSoFar: Equatable {
    var metric: String
    var epoch: Int
    var value: Double
    var test: [(name: String, value: Double)]

    /// As the end record's `best` member (SweepCore's record schema).
    var record: BestEpoch {
        BestEpoch(metric: metric, epoch: epoch, value: value, test: Dictionary(test, uniquingKeysWith: { $1 }))
    }

    static func == (a: BestSoFar, b: BestSoFar) -> Bool {
        a.metric == b.metric && a.epoch == b.epoch && a.value.bitPattern == b.value.bitPattern
            && a.test.map(\.name) == b.test.map(\.name) && a.test.map(\.value.bitPattern) == b.test.map(\.value.bitPattern)
    }
}

/// The resumable position of a run.
struct RunProgress {
    /// Epochs completed.
    var epoch = 0
    /// Batches (or BPTT windows) done in the current epoch.
    var stepInEpoch = 0
    /// Optimizer steps done in the whole run.
    var globalStep = 0
    /// The data-order generator as it was when the current epoch began (the epoch's order is drawn
    /// from it again on resume).
    var shuffle: SeededGenerator
    /// Training loss and counts of the current epoch so far.
    var totals = MetricTotals()
    /// Critical-gradient decisions of the current epoch made before the last restart.
    var admissionsBefore = AdmissionCounts()
    /// The last finite training loss (reported when a run diverges).
    var lastFiniteLoss = Double.nan
    var best: BestSoFar?
    /// Seconds spent on this configuration in earlier attempts (the end record's `train_seconds` adds
    /// this attempt's).
    var secondsBefore = 0.0

    init(seed: UInt64) { shuffle = SeededGenerator(seed: seed, stream: "shuffle") }
}
