// The transformer language models as a whole: the backward of both layouts (GPT-style pre-norm and
// RoBERTa post-norm) against finite differences of the loss, window handling, and dropout's seeded,
// restorable mask stream.
import Foundation
import Testing
import Models

@Suite struct TransformerNetworkTests {
    static func tinyShape(_ layout: TransformerShape.Layout) -> TransformerShape {
        TransformerShape(vocabulary: 7, width: 6, layers: 2, heads: 2, ffn: 8, positions: layout == .postNorm ? 9 : 5, context: 5,
                         layout: layout, paddingIndex: layout == .postNorm ? 1 : nil)
    }

    /// Every gradient entry against central differences of the mean loss (Float forward, step 1e-2,
    /// tolerance 1e-2 of the tensor's largest entry: as the layer checks, looser for a deeper stack).
    @Test(arguments: [TransformerShape.Layout.preNorm, .postNorm])
    func gradientsMatchFiniteDifferences(_ layout: TransformerShape.Layout) throws {
        let model = try TransformerLanguageModel(name: "tiny", shape: Self.tinyShape(layout), seed: 3)
        // Larger weights than the 0.02 initialisation so that every path matters.
        let count = model.parameters.count
        let values = uniformValues(count, seed: 7, scale: 0.5)
        try model.parameters.load(values)
        let tokens: [Int32] = [0, 3, 4, 5, 2, 0, 6, 2, 1, 1]
        let targets: [Int32] = [3, 4, 5, 2, -1, 6, 2, 1, 1, 4]
        _ = try model.step(tokens: tokens, targets: targets, sequences: 2, steps: 5, training: true)
        let analytic = model.parameters.gradArray()
        func loss(_ v: [Float]) -> Double {
            try! model.parameters.load(v)
            return try! model.step(tokens: tokens, targets: targets, sequences: 2, steps: 5, training: false).loss
        }
        var reports: [String] = []
        for slot in model.parameters.slots {
            var worst = 0.0
            let scale = max(slot.range.map { abs(Double(analytic[$0])) }.max() ?? 0, 1e-3)
            // PyTorch's padding_idx drops the lookup gradient of the pad rows (not the true derivative): skip them.
            let padRow = layout == .postNorm && slot.name.contains("embeddings.") && !slot.name.contains("token_type")
                && !slot.name.contains("LayerNorm") ? (slot.offset + 6)..<(slot.offset + 12) : 0..<0
            for i in slot.range where !padRow.contains(i) {
                var plus = values, minus = values
                plus[i] += 1e-2
                minus[i] -= 1e-2
                let numeric = (loss(plus) - loss(minus)) / (Double(plus[i]) - Double(minus[i]))
                worst = max(worst, abs(numeric - Double(analytic[i])))
            }
            if worst > 1e-2 * scale { reports.append("\(slot.name): max diff \(worst) > 1e-2 × \(scale)") }
        }
        #expect(reports.isEmpty, "\(reports.joined(separator: "\n"))")
    }

    /// A token window (T, S) is the same as its S sequences given explicitly.
    @Test func windowIsSequences() throws {
        let model = try TransformerLanguageModel(name: "tiny", shape: Self.tinyShape(.preNorm), seed: 4)
        let window = TokenBatch(inputs: [0, 1, 2, 3, 4, 5], targets: [2, 3, 4, 5, 6, 0], steps: 3, streams: 2)
        let fromWindow = try model.evaluate(.tokens(window))
        let explicit = try model.step(tokens: [0, 2, 4, 1, 3, 5], targets: [2, 4, 6, 3, 5, 0], sequences: 2, steps: 3, training: false)
        #expect(fromWindow == explicit)
        #expect(throws: (any Error).self) { try model.step(tokens: [Int32](repeating: 0, count: 6), targets: [Int32](repeating: 0, count: 6),
                                                             sequences: 1, steps: 6, training: false) }
    }

    /// Dropout masks come from the seeded stream; a restored state repeats the next step exactly.
    @Test func dropoutIsSeededAndRestorable() throws {
        var shape = Self.tinyShape(.postNorm)
        shape.dropout = 0.2
        shape.attentionDropout = 0.2
        let window = TokenBatch(inputs: [0, 3, 4, 5, 2, 6], targets: [3, 4, 5, 2, 6, 4], steps: 3, streams: 2)
        let a = try TransformerLanguageModel(name: "tiny", shape: shape, seed: 5)
        let b = try TransformerLanguageModel(name: "tiny", shape: shape, seed: 5)
        let first = try a.trainStep(.tokens(window))
        #expect(try b.trainStep(.tokens(window)) == first)
        let saved = a.saveState()
        let next = try a.trainStep(.tokens(window))
        #expect(next != first)
        try b.restoreState(saved)
        #expect(try b.trainStep(.tokens(window)) == next)
        #expect(a.parameters.gradArray() == b.parameters.gradArray())
    }
}
