// The interface Worker drives a model through without knowing which one it is: parameters and
// buffers to hand to the optimizer and checkpoints, a training step, an evaluation, the state that is
// not parameters. The concrete networks are `FeedForwardNetwork`, `LanguageModel`, `PowerLawNetwork`.
import Foundation

/// A trainable model.
///
/// A training loop calls `trainStep` (which zeroes `parameters.grads`, runs forward and backward, and
/// returns the batch's loss and metric counts), possibly clips the gradients, and lets an `Optimizer`
/// step over `parameters.values`/`grads` with `parameters.ranges`. `evaluate` runs in evaluation mode
/// (no dropout, BatchNorm's running statistics) and leaves gradients alone.
public protocol Network: AnyObject {
    /// The catalog's name and form, e.g. `"convnet (cifar10)"`, for logs and errors.
    var name: String { get }
    /// What the network learns, which decides its loss and the metrics to report.
    var objective: Objective { get }
    /// Trainable tensors and their gradients, in model order.
    var parameters: ParameterBlock { get }
    /// Non-trainable tensors saved with checkpoints (BatchNorm running statistics); empty for most models.
    var buffers: BufferBlock { get }
    /// Truncated-BPTT window length a language model was configured with (Worker cuts the token
    /// streams into windows of this many steps); nil for models of samples.
    var bptt: Int? { get }

    /// One training step on `batch`: zero gradients, forward in training mode, backward.
    func trainStep(_ batch: Batch) throws -> StepMetrics
    /// Loss and metric counts of `batch` in evaluation mode; no gradients.
    func evaluate(_ batch: Batch) throws -> StepMetrics
    /// Starts `phase` afresh: a language model zeroes the hidden state it carries across windows of
    /// that phase (training and evaluation carry separate states). No effect on other models.
    func resetState(_ phase: Phase)
    /// Everything but the parameters that a restart needs to continue bit for bit: buffers, carried
    /// hidden states, the dropout generator.
    func saveState() -> NetworkState
    /// Restores what `saveState` returned; throws when it belongs to another network or shape.
    func restoreState(_ state: NetworkState) throws
}

/// What a network learns.
public enum Objective: String, Sendable {
    /// Class labels: softmax cross-entropy; report loss and accuracy (`correct / count`).
    case classification
    /// Next-token prediction: cross-entropy per position; report loss and perplexity (exp of the mean loss).
    case languageModel
    /// Input reconstruction through a sigmoid output: binary cross-entropy (or MSE) loss; report the loss
    /// and the mean squared error per sample (Σ over features, averaged over samples, as AggMo's `mse`).
    case reconstruction
    /// Real-valued targets: ½·MSE loss; report the loss and the MSE.
    case regression
}

/// The two kinds of passes over data, each with its own carried state in a language model.
public enum Phase: Sendable {
    case training
    case evaluation
}

/// The loss of one batch and the counts a run's metrics are built from. Sums over batches are taken
/// with `MetricTotals`.
public struct StepMetrics: Equatable, Sendable {
    /// Mean loss over the batch: the quantity the backward differentiates.
    public var loss: Double
    /// What the loss averages over: samples, or token positions for a language model.
    public var count: Int
    /// Classification and language models: positions whose largest output is the label.
    public var correct: Int
    /// Reconstruction and regression: Σ (output − target)² over the batch's elements.
    public var squaredError: Double

    public init(loss: Double, count: Int, correct: Int = 0, squaredError: Double = 0) {
        self.loss = loss
        self.count = count
        self.correct = correct
        self.squaredError = squaredError
    }
}

/// Running sums of `StepMetrics` over a pass, and the metrics they give.
public struct MetricTotals: Equatable, Sendable {
    /// Σ loss·count.
    public var lossSum = 0.0
    /// Σ count.
    public var count = 0
    /// Σ correct.
    public var correct = 0
    /// Σ squared error.
    public var squaredError = 0.0
    /// Number of batches.
    public var batches = 0
    /// Σ of the batches' mean losses (the seeds report the mean of batch means).
    public var batchLossSum = 0.0

    public init() {}

    /// Adds one batch.
    public mutating func add(_ step: StepMetrics) {
        lossSum += step.loss * Double(step.count)
        count += step.count
        correct += step.correct
        squaredError += step.squaredError
        batches += 1
        batchLossSum += step.loss
    }

    /// Loss averaged over every example (position) of the pass.
    public var meanLoss: Double { count == 0 ? .nan : lossSum / Double(count) }
    /// Mean of the batches' mean losses (the last, smaller batch weighs like the others).
    public var meanBatchLoss: Double { batches == 0 ? .nan : batchLossSum / Double(batches) }
    /// Share of correct examples, in [0, 1].
    public var accuracy: Double { count == 0 ? .nan : Double(correct) / Double(count) }
    /// exp(mean loss per position).
    public var perplexity: Double { exp(meanLoss) }
    /// Σ squared error per example: the reconstruction MSE of the AggMo study (per-image sum over
    /// features), or the regression MSE for scalar targets.
    public var squaredErrorPerExample: Double { count == 0 ? .nan : squaredError / Double(count) }
}

/// The state of a network that is not its parameters, as named arrays (for checkpoints).
public struct NetworkState: Codable, Equatable, Sendable {
    /// The network that wrote it (`Network.name`), checked on restore.
    public var network: String
    /// Named float tensors (buffers, carried states), in the network's order.
    public var tensors: [NamedTensor]
    /// Named generators (the dropout masks' stream).
    public var generators: [NamedGenerator]

    public init(network: String, tensors: [NamedTensor] = [], generators: [NamedGenerator] = []) {
        self.network = network
        self.tensors = tensors
        self.generators = generators
    }

    /// The values named `name`, or a `NetworkError.stateMismatch` naming what is missing.
    public func tensor(_ name: String) throws -> [Float] {
        guard let found = tensors.first(where: { $0.name == name }) else {
            throw NetworkError.stateMismatch(network: network, "no tensor \(name) in the saved state")
        }
        return found.values
    }

    /// The generator named `name`, or a `NetworkError.stateMismatch`.
    public func generator(_ name: String) throws -> SeededGenerator {
        guard let found = generators.first(where: { $0.name == name }) else {
            throw NetworkError.stateMismatch(network: network, "no generator \(name) in the saved state")
        }
        return found.generator
    }
}

/// A named float array in a `NetworkState`.
public struct NamedTensor: Codable, Equatable, Sendable {
    public var name: String
    /// The values, row-major.
    public var values: [Float]
    public init(_ name: String, _ values: [Float]) {
        self.name = name
        self.values = values
    }
}

/// A named generator in a `NetworkState`.
public struct NamedGenerator: Codable, Equatable, Sendable {
    public var name: String
    /// The generator's state at the time of saving.
    public var generator: SeededGenerator
    public init(_ name: String, _ generator: SeededGenerator) {
        self.name = name
        self.generator = generator
    }
}

/// A batch a network cannot use, or a state it cannot restore.
public enum NetworkError: Error, Equatable, CustomStringConvertible {
    /// A token batch given to a model of samples, or the reverse.
    case wrongBatchKind(network: String, expected: String)
    /// A batch without samples.
    case emptyBatch(network: String)
    /// `features.count` is not `count × featureCount`.
    case featureCountMismatch(network: String, got: Int, expected: Int)
    /// Labels or targets missing or of the wrong length.
    case targetCountMismatch(network: String, what: String, got: Int, expected: Int)
    /// A class label outside 0..<classes.
    case labelOutOfRange(network: String, index: Int, label: Int32, classes: Int)
    /// A token id outside 0..<vocabulary.
    case tokenOutOfRange(network: String, index: Int, token: Int32, vocabulary: Int)
    /// A token window whose number of streams differs from the carried state's.
    case streamCountChanged(network: String, got: Int, expected: Int)
    /// A saved state that does not belong to this network.
    case stateMismatch(network: String, String)

    public var description: String {
        switch self {
        case let .wrongBatchKind(network, expected): return "\(network): expected a batch of \(expected)"
        case let .emptyBatch(network): return "\(network): the batch is empty"
        case let .featureCountMismatch(network, got, expected):
            return "\(network): the batch has \(got) feature values, expected \(expected) (samples × values per sample)"
        case let .targetCountMismatch(network, what, got, expected):
            return "\(network): the batch has \(got) \(what), expected \(expected)"
        case let .labelOutOfRange(network, index, label, classes):
            return "\(network): label \(label) of sample \(index) is outside 0..<\(classes)"
        case let .tokenOutOfRange(network, index, token, vocabulary):
            return "\(network): token \(token) at position \(index) is outside the vocabulary 0..<\(vocabulary)"
        case let .streamCountChanged(network, got, expected):
            return "\(network): the window has \(got) streams but the carried state has \(expected); reset the state first"
        case let .stateMismatch(network, message): return "\(network): cannot restore state: \(message)"
        }
    }
}
