// The SNLI study's second update (experiments/snli/train.py): gradient / batch size, the lr shrunk so
// that the update's norm is at most max_norm, a second step, the lr restored.
import Testing
import Models
import Optim
import Vocabulary
@testable import Worker

@Suite struct StudyStepTests {
    func block(_ values: [Float], grads: [Float]) throws -> ParameterBlock {
        var layout = TensorLayout()
        layout.add("w", shape: [values.count])
        let block = ParameterBlock(layout)
        try block.load(values)
        for (i, g) in grads.enumerated() { block.grads[i] = g }
        return block
    }

    @Test func smallGradientStepsWithTheFullRate() throws {
        let parameters = try block([1, 2], grads: [4, 8])
        let sgd = try OptimizerCatalog.make(name: "sgd", hyperparameters: ["lr": .number(0.5)], tensors: parameters.ranges)
        let norm = studySecondUpdate(parameters, optimizer: sgd, batch: 4, maxNorm: 5)
        // g / 4 = (1, 2), norm √5 < 5: x − 0.5 · (1, 2).
        #expect(abs(norm - 5.0.squareRoot()) < 1e-6)
        #expect(parameters.valueArray() == [0.5, 1])
        #expect(parameters.gradArray() == [1, 2], "the gradient is left divided, as in the original")
        #expect(sgd.lr == 0.5)
    }

    @Test func largeGradientShrinksTheRateForThatStepOnly() throws {
        let parameters = try block([0, 0], grads: [60, 80])
        let sgd = try OptimizerCatalog.make(name: "sgd", hyperparameters: ["lr": .number(0.1)], tensors: parameters.ranges)
        let norm = studySecondUpdate(parameters, optimizer: sgd, batch: 2, maxNorm: 5)
        // g / 2 = (30, 40), norm 50 > 5: lr 0.1 · 5/50 = 0.01, so x = −0.01 · (30, 40).
        #expect(norm == 50)
        let x = parameters.valueArray()
        #expect(abs(x[0] + 0.3) < 1e-6 && abs(x[1] + 0.4) < 1e-6)
        #expect(sgd.lr == 0.1, "the lr is restored")
    }

    /// experiments/snli/train.py's `evaluate`: the lr of sgd-family optimizers is divided by lrshrink (5)
    /// whenever the validation accuracy, in percent rounded to 2 decimals, does not beat the best.
    @Test func plateauRuleShrinksTheRateAndIsSaved() throws {
        let network = try NLINet(encoder: .lstm, vectors: [Float](repeating: 0.1, count: 8), vocabulary: 4, embeddingSize: 2,
                                 hiddenSize: 2, fcSize: 2, classes: 3, dropout: 0, seed: 0)
        network.studyStep = true
        for accuracy in [0.5, 0.6, 0.6, 0.599996, 0.7] { network.validationEnded(accuracy: accuracy, shrinks: true) }
        // 0.6 again does not improve; 0.599996 rounds to 60.00, which does not either.
        #expect(network.lrShrinks == 2 && network.bestValidAccuracy == 70)
        #expect(abs(network.lrFactor - 1.0 / 25) < 1e-15)
        let saved = network.saveState()
        let restored = try NLINet(encoder: .lstm, vectors: [Float](repeating: 0.1, count: 8), vocabulary: 4, embeddingSize: 2,
                                  hiddenSize: 2, fcSize: 2, classes: 3, dropout: 0, seed: 0)
        try restored.restoreState(saved)
        #expect(restored.lrShrinks == 2 && restored.bestValidAccuracy == 70)
        // Adam and the other non-SGD optimizers keep their rate.
        network.validationEnded(accuracy: 0.1, shrinks: false)
        #expect(network.lrShrinks == 2)
        network.lrShrink = 1
        #expect(network.lrFactor == 1)
    }
}
