// Every SNLI and MultiWoZ fixture in Tests/Fixtures/nlp: build the model from the file's sizes, load
// its weights and batch, run one training step, and compare logits, loss, every gradient, the input
// gradients and the intermediate tensors with the float64 reference, at the README's float32
// tolerances (per tensor max|got − ref| ≤ 1e-4 · max|ref|; loss 1e-5 · max(1, |loss|); unused
// parameters exactly 0). Each case prints its worst normalised error.
import Foundation
import Testing
import Models
import TestSupport

/// Worst normalised errors of one case, for the printed summary.
final class ErrorLedger {
    let name: String
    var worst = 0.0, worstLabel = ""
    init(_ name: String) { self.name = name }

    /// Checks one tensor against the README's rule and remembers the worst ratio.
    func expect(_ got: [Float], _ expected: [Double], _ label: String, tol: Double = 1e-4,
                sourceLocation: SourceLocation = #_sourceLocation) {
        guard got.count == expected.count else {
            Issue.record("\(name) \(label): \(got.count) values, expected \(expected.count)", sourceLocation: sourceLocation)
            return
        }
        let maxRef = expected.map(abs).max() ?? 0
        var maxDiff = 0.0
        for i in got.indices {
            let diff = abs(Double(got[i]) - expected[i])
            if !(diff <= maxDiff) { maxDiff = diff }
        }
        let normalised = maxRef == 0 ? (maxDiff == 0 ? 0 : .infinity) : maxDiff / maxRef
        if normalised > worst { (worst, worstLabel) = (normalised, label) }
        #expect(maxDiff <= tol * maxRef, "\(name) \(label): max |diff| \(maxDiff) > \(tol) × max|ref| \(maxRef)",
                sourceLocation: sourceLocation)
    }

    func expectLoss(_ got: Double, _ expected: Double, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(abs(got - expected) <= 1e-5 * max(1, abs(expected)), "\(name): loss \(got), expected \(expected)",
                sourceLocation: sourceLocation)
        let ratio = abs(got - expected) / max(1, abs(expected)) / 1e-5 * 1e-4
        if ratio > worst { (worst, worstLabel) = (ratio, "loss (scaled to the tensor tolerance)") }
    }

    func report() { print("nlp fixture \(name): worst normalised error \(worst) (\(worstLabel)); tolerance 1e-4") }
}

@Suite struct NLPFixtureTests {
    @Test(arguments: NLPFixtureCase.names(models: Set(NLPFixtureCase.snliModels.keys)))
    func snliMatchesReference(_ name: String) throws {
        let fixture = try NLPFixtureCase(name)
        let encoder = try #require(NLPFixtureCase.snliModels[fixture.model], "\(name): model \(fixture.model)")
        let frozen = try #require(try fixture.namedTensors("frozen_params").first { $0.name == "embedding.weight" })
        let (vocabulary, dim) = (frozen.shape[0], frozen.shape[1])
        #expect(try fixture.int("n_words") == vocabulary && fixture.int("word_emb_dim") == dim)
        let network = try NLINet(encoder: encoder, vectors: frozen.value.map { Float($0) }, vocabulary: vocabulary, embeddingSize: dim,
                                 hiddenSize: try fixture.int("enc_lstm_dim"), fcSize: try fixture.int("fc_dim"),
                                 classes: try fixture.int("n_classes"), dropout: 0, seed: 0)
        let params = try fixture.namedTensors("params")
        #expect(params.map(\.name) == network.parameters.slots.map(\.name), "\(name): parameter names/order differ")
        #expect(params.map(\.shape) == network.parameters.slots.map(\.shape), "\(name): parameter shapes differ")
        for param in params { try network.parameters.setValues(param.name, param.value.map { Float($0) }) }

        let premise = try fixture.tensor("premise_tokens"), hypothesis = try fixture.tensor("hypothesis_tokens")
        let labels = try fixture.ints("labels")
        let batch = SentencePairBatch(premise: premise.value.map { Int32($0) }, premiseLengths: try fixture.ints("premise_lengths"),
                                      hypothesis: hypothesis.value.map { Int32($0) },
                                      hypothesisLengths: try fixture.ints("hypothesis_lengths"), labels: labels, count: labels.count)
        #expect(batch.premiseSteps == premise.shape[0] && batch.hypothesisSteps == hypothesis.shape[0])
        network.computesInputGradient = true
        let metrics = try network.trainStep(.sentencePairs(batch))

        let ledger = ErrorLedger(name)
        ledger.expectLoss(metrics.loss, fixture.loss)
        ledger.expect(network.outputs(), try fixture.tensor("logits").value, "logits")
        let embeddings = try fixture.object("sentence_embeddings")
        let (u, v) = network.sentenceEmbeddings()
        ledger.expect(u, try fixture.tensor("u", in: embeddings).value, "u")
        ledger.expect(v, try fixture.tensor("v", in: embeddings).value, "v")
        for grad in try fixture.namedTensors("grads") {
            let slot = try #require(network.parameters.slot(named: grad.name), "\(name): no parameter \(grad.name)")
            ledger.expect(network.parameters.gradArray(slot), grad.value, "d/d \(grad.name)")
        }
        let inputGrad = try fixture.object("input_grad")
        #expect(inputGrad["of"] as? String == "embedding_output")
        let got = network.embeddingGradients()
        ledger.expect(got.premise, try fixture.tensor("premise", in: inputGrad).value, "d/d premise embedding")
        ledger.expect(got.hypothesis, try fixture.tensor("hypothesis", in: inputGrad).value, "d/d hypothesis embedding")
        // Evaluation mode gives the same logits (dropout is 0 here) and the same loss.
        let evaluated = try network.evaluate(.sentencePairs(batch))
        ledger.expectLoss(evaluated.loss, fixture.loss)
        ledger.report()
    }

    @Test(arguments: NLPFixtureCase.names(models: NLPFixtureCase.multiwozModels))
    func multiwozMatchesReference(_ name: String) throws {
        let fixture = try NLPFixtureCase(name)
        #expect(try fixture.int("hid_size_enc") == fixture.int("hid_size_dec") && fixture.int("hid_size_pol") == fixture.int("hid_size_dec"))
        #expect(fixture.config["model"] as? String == "lstm" && fixture.config["use_attn"] as? Bool == true)
        let special = try fixture.object("special_tokens")
        #expect(special["SOS"] as? Int == 0 && special["EOS"] as? Int == 1 && special["PAD"] as? Int == 3)
        #expect(fixture.json["ignore_index"] as? Int == 3)
        let network = try Seq2Seq(inputVocabulary: try fixture.int("input_vocab_size"), outputVocabulary: try fixture.int("vocab_size"),
                                  embeddingSize: try fixture.int("emb_size"), hiddenSize: try fixture.int("hid_size_enc"),
                                  dbSize: try fixture.int("db_size"), bsSize: try fixture.int("bs_size"), seed: 0)
        let params = try fixture.namedTensors("params")
        #expect(params.map(\.name) == network.parameters.slots.map(\.name), "\(name): parameter names/order differ")
        #expect(params.map(\.shape) == network.parameters.slots.map(\.shape), "\(name): parameter shapes differ")
        for param in params { try network.parameters.setValues(param.name, param.value.map { Float($0) }) }

        let inputs = try fixture.tensor("input_tokens"), targets = try fixture.tensor("target_tokens")
        let db = try fixture.tensor("db"), bs = try fixture.tensor("bs")
        let batch = DialogueBatch(inputs: inputs.value.map { Int32($0) }, inputLengths: try fixture.ints("input_lengths"),
                                  targets: targets.value.map { Int32($0) }, targetLengths: try fixture.ints("target_lengths"),
                                  db: db.value.map { Float($0) }, bs: bs.value.map { Float($0) }, count: inputs.shape[0])
        #expect(try fixture.ints("labels") == batch.targets, "\(name): labels are the flattened targets")
        let metrics = try network.trainStep(.dialogues(batch))

        let ledger = ErrorLedger(name)
        ledger.expectLoss(metrics.loss, fixture.loss)
        #expect(metrics.count == batch.targets.filter { $0 != 3 }.count)
        ledger.expect(network.outputs(), try fixture.tensor("logits").value, "logits")
        ledger.expect(network.logProbabilities(), try fixture.tensor("log_probs").value, "log_probs")
        ledger.expect(network.encoderOutputs(), try fixture.tensor("encoder_outputs").value, "encoder_outputs")
        let final = try fixture.object("encoder_final_state"), initial = try fixture.object("decoder_initial_state")
        let (hn, cn) = network.encoderFinalState(), (h0, c0) = network.decoderInitialState()
        ledger.expect(hn, try fixture.tensor("h_n", in: final).value, "h_n")
        ledger.expect(cn, try fixture.tensor("c_n", in: final).value, "c_n")
        ledger.expect(h0, try fixture.tensor("h0", in: initial).value, "h0")
        ledger.expect(c0, try fixture.tensor("c0", in: initial).value, "c0")
        let unused = Set(fixture.json["unused_params"] as? [String] ?? [])
        for grad in try fixture.namedTensors("grads") {
            let slot = try #require(network.parameters.slot(named: grad.name), "\(name): no parameter \(grad.name)")
            let got = network.parameters.gradArray(slot)
            if unused.contains(grad.name) {
                #expect(got.allSatisfy { $0 == 0 }, "\(name): unused \(grad.name) has a gradient")
            } else {
                ledger.expect(got, grad.value, "d/d \(grad.name)")
            }
        }
        let inputGrad = try fixture.object("input_grad")
        #expect(inputGrad["of"] as? String == "embedding_output")
        let got = network.inputGradients()
        ledger.expect(got.encoder, try fixture.tensor("encoder", in: inputGrad).value, "d/d encoder embedding")
        ledger.expect(got.decoder, try fixture.tensor("decoder", in: inputGrad).value, "d/d decoder embedding")
        ledger.expect(got.db, try fixture.tensor("db", in: inputGrad).value, "d/d db")
        ledger.expect(got.bs, try fixture.tensor("bs", in: inputGrad).value, "d/d bs")
        let evaluated = try network.evaluate(.dialogues(batch))
        ledger.expectLoss(evaluated.loss, fixture.loss)
        ledger.report()
    }

    @Test func everyKindHasACase() {
        let folder = Fixtures.folder(NLPFixtureCase.family)
        #expect(FileManager.default.fileExists(atPath: folder.path), "missing fixture folder \(folder.path)")
        for model in NLPFixtureCase.snliModels.keys.sorted() + NLPFixtureCase.multiwozModels.sorted() {
            #expect(!NLPFixtureCase.names(models: [model]).isEmpty, "no fixture in \(folder.path) has model \(model)")
        }
        // Cases of other models in the same folder are not picked up.
        let mine = NLPFixtureCase.names(models: Set(NLPFixtureCase.snliModels.keys).union(NLPFixtureCase.multiwozModels))
        #expect(mine.allSatisfy { $0.hasPrefix("snli_") || $0.hasPrefix("multiwoz_") || $0.hasPrefix("<") }, "\(mine)")
    }
}
