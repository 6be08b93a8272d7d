// Every `Tests/Fixtures/nlp/roberta_causal_lm_*.json` (shared/fixtures/nlp/README.md): build roberta_lm
// from the file's config, load its parameters by their state-dict names, and compare logits, the
// shifted causal-LM loss, every gradient and the word-embedding-output gradient with the float64
// reference, at the README's float32 tolerances (1e-4 of each tensor's largest reference value, 1e-5 for
// the loss; `exact_zero_grads` absolute ≤ 1e-6).
import Foundation
import Testing
import Models
import TestSupport

@Suite struct RobertaFixtureTests {
    static let tensorTolerance = 1e-4
    static let lossTolerance = 1e-5
    static let exactZeroTolerance = 1e-6
    static let names = ((try? Fixtures.names("nlp")) ?? []).filter { $0.hasPrefix("roberta_causal_lm") }

    @Test func folderHasCases() {
        #expect(!Self.names.isEmpty, "no roberta_causal_lm_*.json in \(Fixtures.folder("nlp").path): the nlp fixtures are missing")
    }

    @Test(arguments: names)
    func matchesReference(_ name: String) throws {
        let json = try Fixtures.json("nlp", name)
        let config = try JSONSerialization.data(withJSONObject: try #require(json["config"]))
        let ids = try Self.tensor(json["input_ids"], "\(name).input_ids")
        let (batch, steps) = (ids.shape[0], ids.shape[1])
        let tokens = ids.value.map { Int32($0) }
        let shape = try TransformerShape.roberta(config: config, context: steps, dropout: 0)
        let model = try TransformerLanguageModel(name: "roberta_lm", shape: shape, seed: 0)

        let params = try #require(json["params"] as? [[String: Any]])
        #expect(params.compactMap { $0["name"] as? String } == model.parameters.slots.map(\.name), "\(name): parameter names/order differ")
        for param in params {
            let (paramName, value) = (param["name"] as? String ?? "", try Self.tensor(param, "\(name).params"))
            #expect(value.shape == model.parameters.slot(named: paramName)?.shape, "\(name): shape of \(paramName)")
            try model.parameters.setValues(paramName, value.value.map { Float($0) })
        }

        // Logits at every position: a forward where every position has a target.
        _ = try model.step(tokens: tokens, targets: tokens, sequences: batch, steps: steps, training: false)
        let logits = try Self.tensor(json["logits"], "\(name).logits")
        let logitsError = report(model.outputs(), logits.value, "\(name) logits")
        print("\(name): logits max |diff| / max|ref| \(logitsError), tolerance \(Self.tensorTolerance)")

        // The training step: position t is scored against token t + 1; the last position has no target.
        var targets = [Int32](repeating: -1, count: tokens.count)
        for b in 0..<batch { for t in 0..<(steps - 1) { targets[b * steps + t] = tokens[b * steps + t + 1] } }
        let metrics = try model.step(tokens: tokens, targets: targets, sequences: batch, steps: steps, training: true)
        let loss = try #require(json["loss"] as? Double)
        print("\(name): loss \(metrics.loss), expected \(loss), |diff| \(abs(metrics.loss - loss))")
        #expect(abs(metrics.loss - loss) <= Self.lossTolerance * max(1, abs(loss)), "\(name): loss \(metrics.loss), expected \(loss)")
        #expect(metrics.count == batch * (steps - 1))

        let exactZero = Set(json["exact_zero_grads"] as? [String] ?? [])
        var worst = (0.0, "")
        for grad in try #require(json["grads"] as? [[String: Any]]) {
            let gradName = grad["name"] as? String ?? ""
            let expected = try Self.tensor(grad, "\(name).grads")
            let slot = try #require(model.parameters.slot(named: gradName), "\(name): no parameter \(gradName)")
            let got = model.parameters.gradArray(slot)
            if exactZero.contains(gradName) {
                let largest = got.map { abs(Double($0)) }.max() ?? 0
                print("\(name): d/d \(gradName) (exactly 0 in exact arithmetic): max |got| \(largest)")
                #expect(largest <= Self.exactZeroTolerance, "\(name): d/d \(gradName) max |got| \(largest) > \(Self.exactZeroTolerance)")
            } else {
                let error = report(got, expected.value, "\(name) d/d \(gradName)")
                if error > worst.0 { worst = (error, gradName) }
            }
        }
        print("\(name): worst normalised gradient error \(worst.0) (\(worst.1)), tolerance \(Self.tensorTolerance)")
        let inputGrad = try #require(json["input_grad"] as? [String: Any])
        let inputError = report(model.embeddingGradient(), try Self.tensor(inputGrad["word_embeddings_output"], "\(name).input_grad").value,
                                "\(name) d/d word_embeddings_output")
        print("\(name): word_embeddings_output gradient max |diff| / max|ref| \(inputError), tolerance \(Self.tensorTolerance)")
    }

    /// Expects `max|got − ref| ≤ tol · max|ref|` and returns `max|got − ref| / max|ref|`.
    @discardableResult
    private func report(_ got: [Float], _ expected: [Double], _ label: String) -> Double {
        let mismatch = tensorMismatch(got, expected, tol: Self.tensorTolerance, label: label)
        #expect(mismatch == nil, "\(mismatch ?? "")")
        let largest = expected.map(abs).max() ?? 0
        let diff = zip(got, expected).map { abs(Double($0) - $1) }.max() ?? 0
        return largest > 0 ? diff / largest : diff
    }

    private static func tensor(_ entry: Any?, _ label: String) throws -> (shape: [Int], value: [Double]) {
        guard let entry = entry as? [String: Any], let shape = entry["shape"] as? [Int], let value = entry["value"] as? [Double],
              shape.reduce(1, *) == value.count else { throw FixtureError("\(label): shape or value missing or inconsistent") }
        return (shape, value)
    }
}
