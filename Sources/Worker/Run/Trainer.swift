// The training loop of one run: an epoch over shuffled samples (or over BPTT windows of token streams),
// one optimizer step per batch, and the evaluation passes that give each epoch's metrics.
import Models
import Optim
import SweepCore

/// How an epoch's training pass ended.
enum EpochOutcome: Equatable {
    case completed
    /// The training loss of global step `step` (1-based) was not finite.
    case diverged(step: Int, loss: Double)
    /// A stop signal arrived; `RunProgress` is at the next step.
    case stopped(Int32)
}

struct Trainer {
    let setup: RunSetup
    let values: ConfigurationValues
    private var samples = SampleBatch()
    private var tokens = TokenBatch()
    var pairs = SentencePairBatch()
    var turns = DialogueBatch()

    init(setup: RunSetup, values: ConfigurationValues) {
        self.setup = setup
        self.values = values
    }

    private var network: any Network { setup.network }
    var batchSize: Int { values.batchSize }
    /// The language model's window (its `bptt` key): a token corpus reaches only a language model, by the
    /// model catalog's compatibility rule.
    private var bptt: Int { network.bptt! }

    /// Trains from `progress`'s position to the end of the current epoch, unless the loss stops being
    /// finite or a stop signal arrives (checked after every step).
    mutating func trainEpoch(_ progress: inout RunProgress) throws -> EpochOutcome {
        if let recipe = setup.altsg, case let .tokens(corpus) = setup.data {
            return try recipe.trainEpoch(&progress, train: corpus.train, streams: batchSize, optimizer: setup.optimizer,
                                         clip: values.clip, dataset: values.dataset)
        }
        if progress.stepInEpoch == 0 {
            network.resetState(.training)
            setup.optimizer.resetAdmissions()
            // A checkpoint written at an epoch's end carries that epoch's counts; none belong to this one.
            progress.admissionsBefore = AdmissionCounts()
        }
        switch setup.data {
        case let .samples(splits):
            let count = splits.train.count
            guard count > 0 else { throw RunError.emptyTrainingSet(values.dataset) }
            var generator = progress.shuffle
            let order = generator.permutation(count)
            let steps = (count + batchSize - 1) / batchSize
            for step in progress.stepInEpoch..<steps {
                samples.gather(from: splits.train, indices: order[(step * batchSize)..<min(count, (step + 1) * batchSize)])
                let result = try network.trainStep(.samples(samples))
                if let outcome = finishStep(result, step: step, steps: steps, &progress) { return outcome }
            }
            progress.shuffle = generator
        case let .tokens(corpus) where corpus.conversations != nil:
            // Whole conversations (MultiWoZ): shuffled, batch_size a batch, the last partial batch dropped.
            let conversations = corpus.conversations!
            let steps = conversations.train.count / batchSize
            guard steps > 0 else { throw RunError.emptyTrainingSet(values.dataset) }
            var generator = progress.shuffle
            let order = generator.permutation(conversations.train.count)
            for step in progress.stepInEpoch..<steps {
                tokens = ConversationSplits.window(step, of: conversations.train, order: order, size: batchSize, pad: conversations.pad)
                let result = try network.trainStep(.tokens(tokens))
                if let outcome = finishStep(result, step: step, steps: steps, &progress) { return outcome }
            }
            progress.shuffle = generator
        case let .tokens(corpus):
            let steps = try windows(corpus.train, split: "train")
            for step in progress.stepInEpoch..<steps {
                tokens.window(step, of: corpus.train, streams: batchSize, bptt: bptt)
                let result = try network.trainStep(.tokens(tokens))
                if let outcome = finishStep(result, step: step, steps: steps, &progress) { return outcome }
            }
        case let .sentencePairs(splits): return try trainPairs(splits, &progress)
        case let .dialogues(splits): return try trainDialogues(splits, &progress)
        }
        return .completed
    }

    /// After forward and backward: check the loss, clip, step the optimizer, count. Returns an outcome
    /// when the epoch must end here.
    func finishStep(_ result: StepMetrics, step: Int, steps: Int, _ progress: inout RunProgress) -> EpochOutcome? {
        guard result.loss.isFinite else { return .diverged(step: progress.globalStep + 1, loss: result.loss) }
        progress.lastFiniteLoss = result.loss
        let parameters = network.parameters
        if let clip = values.clip {
            clipGradientNorm(parameters.grads, count: parameters.count, maxNorm: clip)
        }
        setup.optimizer.lr = setup.schedule.lr(epoch: progress.epoch, step: step, stepsPerEpoch: steps) * lrFactor
        setup.optimizer.step(parameters: parameters.values, gradients: parameters.grads)
        if let nli = network as? NLINet, nli.studyStep { studySecondStep(nli, batch: result.count) }
        progress.totals.add(result)
        progress.stepInEpoch = step + 1
        progress.globalStep += 1
        if step + 1 < steps, let signo = Interruption.received { return .stopped(signo) }
        return nil
    }

    /// The epoch's metrics: training (from the pass just made), validation and test (evaluated now),
    /// the learning rate, and the share of critical-gradient admissions.
    mutating func epochMetrics(_ progress: RunProgress) throws -> [(name: String, value: Double)] {
        var metrics = describe("train", progress.totals)
        switch setup.data {
        case let .samples(splits):
            for (name, set) in [("valid", splits.valid), ("test", splits.test)] where set.count > 0 {
                metrics += describe(name, try evaluate(set))
            }
        case let .tokens(corpus) where corpus.conversations != nil:
            let conversations = corpus.conversations!
            for (name, examples) in [("valid", conversations.valid), ("test", conversations.test)] where examples.count >= batchSize {
                var totals = MetricTotals()
                for batch in 0..<(examples.count / batchSize) {
                    tokens = ConversationSplits.window(batch, of: examples, order: nil, size: batchSize, pad: conversations.pad)
                    totals.add(try network.evaluate(.tokens(tokens)))
                }
                metrics += describe(name, totals)
            }
        case let .tokens(corpus):
            for (name, stream) in [("valid", corpus.valid), ("test", corpus.test)] where !stream.isEmpty {
                metrics += describe(name, try evaluate(stream, split: name))
            }
        case let .sentencePairs(splits):
            for (name, set) in [("valid", splits.valid), ("test", splits.test)] where set.count > 0 {
                metrics += describe(name, try evaluate(set))
            }
        case let .dialogues(splits):
            for (name, set) in [("valid", splits.valid), ("test", splits.test)] where set.count > 0 {
                metrics += try dialogueMetrics(name, set, outputWords: splits.outputVocabulary)
            }
        }
        metrics.append((MetricNames.learningRate, setup.optimizer.lr))
        metrics += setup.altsg?.epochMetrics ?? []
        var admissions = setup.optimizer.admissions
        admissions.admitted += progress.admissionsBefore.admitted
        admissions.rejected += progress.admissionsBefore.rejected
        if let share = admissions.admittedShare { metrics.append((MetricNames.admittedShare, share)) }
        studyPlateau(metrics)
        return metrics
    }

    private mutating func evaluate(_ set: SampleSet) throws -> MetricTotals {
        var totals = MetricTotals()
        var start = 0
        while start < set.count {
            let end = min(set.count, start + batchSize)
            samples.gather(from: set, indices: start..<end)
            totals.add(try network.evaluate(.samples(samples)))
            start = end
        }
        return totals
    }

    /// The BPTT windows of a split cut into `batch_size` streams; a split too short for that is an error
    /// that says which batch size would fit.
    private func windows(_ stream: [Int32], split: String) throws -> Int {
        let batchSize = streams(split)
        let count = TokenBatch.windowCount(tokens: stream.count, streams: batchSize, bptt: bptt)
        guard count > 0 else {
            throw DataError(.tooFewTokens(split: split, tokens: stream.count, streams: batchSize), dataset: values.dataset)
        }
        return count
    }

    /// The streams a split is cut into: the batch size, or the recipe's evaluation batch sizes.
    private func streams(_ split: String) -> Int {
        split == "train" ? batchSize : setup.altsg?.evaluationStreams(split) ?? batchSize
    }

    private mutating func evaluate(_ stream: [Int32], split: String) throws -> MetricTotals {
        network.resetState(.evaluation)
        var totals = MetricTotals()
        for window in 0..<(try windows(stream, split: split)) {
            tokens.window(window, of: stream, streams: streams(split), bptt: bptt)
            totals.add(try network.evaluate(.tokens(tokens)))
        }
        return totals
    }

    /// A split's metrics as the studies report them: the mean of batch losses and accuracy for
    /// classifiers, per-token loss and perplexity for language models, loss and per-example MSE otherwise.
    private func describe(_ split: String, _ totals: MetricTotals) -> [(name: String, value: Double)] {
        switch network.objective {
        case .classification: return [("\(split)_loss", totals.meanBatchLoss), ("\(split)_accuracy", totals.accuracy)]
        case .languageModel: return [("\(split)_loss", totals.meanLoss), ("\(split)_perplexity", totals.perplexity)]
        case .reconstruction, .regression: return [("\(split)_loss", totals.meanBatchLoss), ("\(split)_mse", totals.squaredErrorPerExample)]
        }
    }

    /// The best epoch after this one, by the validation metric (ties keep the earlier epoch).
    static func better(_ best: BestSoFar?, metrics: [(name: String, value: Double)], epoch: Int) -> BestSoFar? {
        guard let metric = MetricNames.selectionMetric(among: metrics.map(\.name)),
              let value = metrics.first(where: { $0.name == metric })?.value, value.isFinite,
              let higher = MetricNames.higherIsBetter(metric) else { return best }
        if let best, !(higher ? value > best.value : value < best.value) { return best }
        return BestSoFar(metric: metric, epoch: epoch, value: value, test: metrics.filter { $0.name.hasPrefix("test_") })
    }
}
