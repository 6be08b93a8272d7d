// The training loop's sentence tasks: SNLI-style pairs (shuffled batches, the study's two-step update)
// and MultiWoZ-style dialogues (batches of whole dialogues, evaluation per dialogue with BLEU of the
// greedy decodings).
import Foundation
import Models
import Optim
import SweepCore

extension Trainer {
    // MARK: - Sentence pairs

    /// The training pass over shuffled pairs, `batch_size` per step (the last batch smaller).
    mutating func trainPairs(_ splits: SentencePairSplits, _ progress: inout RunProgress) throws -> EpochOutcome {
        let count = splits.train.count
        guard count > 0 else { throw RunError.emptyTrainingSet(values.dataset) }
        var generator = progress.shuffle
        let order = generator.permutation(count)
        let steps = (count + batchSize - 1) / batchSize
        for step in progress.stepInEpoch..<steps {
            pairs.gather(from: splits.train, indices: order[(step * batchSize)..<min(count, (step + 1) * batchSize)])
            let result = try setup.network.trainStep(.sentencePairs(pairs))
            if let outcome = finishStep(result, step: step, steps: steps, &progress) { return outcome }
        }
        progress.shuffle = generator
        return .completed
    }

    /// The factor on the scheduled lr: the SNLI study's plateau rule, 1 for other models.
    var lrFactor: Double {
        guard let nli = setup.network as? NLINet, nli.studyStep else { return 1 }
        return nli.lrFactor
    }

    /// After an epoch's validation: the SNLI study's plateau rule (experiments/snli/train.py's
    /// `evaluate`) divides the lr of sgd-family optimizers when the validation accuracy did not improve.
    func studyPlateau(_ metrics: [(name: String, value: Double)]) {
        guard let nli = setup.network as? NLINet, nli.studyStep,
              let accuracy = metrics.first(where: { $0.name == "valid_accuracy" })?.value else { return }
        nli.validationEnded(accuracy: accuracy, shrinks: values.optimizer.contains("sgd"))
    }

    func studySecondStep(_ network: NLINet, batch k: Int) {
        studySecondUpdate(network.parameters, optimizer: setup.optimizer, batch: k, maxNorm: network.maxNorm)
    }

    mutating func evaluate(_ set: SentencePairSet) throws -> MetricTotals {
        var totals = MetricTotals()
        var start = 0
        while start < set.count {
            let end = min(set.count, start + batchSize)
            pairs.gather(from: set, indices: start..<end)
            totals.add(try setup.network.evaluate(.sentencePairs(pairs)))
            start = end
        }
        return totals
    }

    // MARK: - Dialogues

    /// The training pass: whole dialogues in file order, accumulated until a batch has more than
    /// `batch_size` turns; the last, partial batch is dropped (experiments/multiwoz_lstm/train.py).
    mutating func trainDialogues(_ splits: DialogueSplits, _ progress: inout RunProgress) throws -> EpochOutcome {
        let batches = splits.train.dialogueBatches(moreThan: batchSize)
        guard !batches.isEmpty else { throw RunError.tooFewTurns(values.dataset, turns: splits.train.count, batchSize: batchSize) }
        for step in progress.stepInEpoch..<batches.count {
            turns.gather(from: splits.train, indices: batches[step])
            let result = try setup.network.trainStep(.dialogues(turns))
            if let outcome = finishStep(result, step: step, steps: batches.count, &progress) { return outcome }
        }
        return .completed
    }

    /// A split's metrics as the study reports them: loss as the mean over dialogues of each dialogue's
    /// mean token loss (each dialogue is one batch), perplexity as exp of the mean loss per token, and
    /// the corpus BLEU of the greedy decodings against the reference responses.
    mutating func dialogueMetrics(_ split: String, _ set: DialogueSet, outputWords: [String]) throws -> [(name: String, value: Double)] {
        var totals = MetricTotals()
        var bleu = CorpusBLEU()
        let decoder = setup.network as? Seq2Seq
        for k in set.dialogueStarts.indices {
            let range = set.turns(ofDialogue: k)
            guard !range.isEmpty else { continue }
            turns.gather(from: set, indices: range)
            totals.add(try setup.network.evaluate(.dialogues(turns)))
            guard let decoder else { continue }
            let decoded = try decoder.greedyDecode(.dialogues(turns))
            for (i, turn) in range.enumerated() {
                let hypothesis = decoded[i].map { Int($0) < outputWords.count ? outputWords[Int($0)] : "_UNK" }
                let reference: [String]
                if set.responses.count == set.count {
                    reference = set.responses[turn].split(whereSeparator: \.isWhitespace).map(String.init)
                } else {
                    reference = set.targets[turn].dropLast().map { Int($0) < outputWords.count ? outputWords[Int($0)] : "_UNK" }
                }
                bleu.add(hypothesis: hypothesis, references: [reference])
            }
        }
        var metrics: [(name: String, value: Double)] = [("\(split)_loss", totals.meanBatchLoss), ("\(split)_perplexity", totals.perplexity)]
        if decoder != nil { metrics.append(("\(split)_bleu", bleu.score)) }
        return metrics
    }
}

/// The study's second update of an SNLI step (experiments/snli/train.py), after the first
/// `optimizer.step()` on the mean gradient: every gradient is divided by the batch size k, the lr is
/// multiplied by max_norm / ‖g/k‖ when that norm exceeds max_norm, the optimizer steps again, and the lr
/// is restored. Returns the norm ‖g/k‖.
@discardableResult
func studySecondUpdate(_ parameters: ParameterBlock, optimizer: any Optimizer, batch k: Int, maxNorm: Double) -> Double {
    let g = parameters.grads, scale = 1 / Float(k)
    var total = 0.0
    for i in 0..<parameters.count {
        g[i] *= scale
        total += Double(g[i]) * Double(g[i])
    }
    let norm = total.squareRoot()
    let lr = optimizer.lr
    if norm > maxNorm { optimizer.lr = lr * maxNorm / norm }
    optimizer.step(parameters: parameters.values, gradients: parameters.grads)
    optimizer.lr = lr
    return norm
}
