// The DNI step against the `qrnn_lm_dni` fixtures: synthesizer calls (trigger, output, state after) with
// the recorded noise and zoneout masks, the injected gradient, g_A and g_B, the base gradients per pass
// and in total, the synthesizer loss and gradients, with the switch on and off (README tolerances for
// Float: 1e-4 per tensor normalised by its largest reference value, 1e-5 for losses). And the
// synthesizer's backward by finite differences; the LSTM and GRU synthesizers against PyTorch's modules; and
// the step on the LSTM and GRU base models against an independent computation.
import Foundation
import Testing
import Models
import TestSupport

@Suite struct SyntheticGradientTests {
    static let tensorTolerance = 1e-4
    static let lossTolerance = 1e-5

    private func expectTensor(_ got: [Float], _ expected: [Double], _ label: String) {
        let mismatch = tensorMismatch(got, expected, tol: Self.tensorTolerance, label: label)
        #expect(mismatch == nil, "\(mismatch ?? "")")
    }

    private func expectGradients(_ block: ParameterBlock, _ expected: [(name: String, shape: [Int], value: [Double])], _ label: String) throws {
        #expect(expected.count == block.slots.count, "\(label): \(expected.count) gradients for \(block.slots.count) parameters")
        for grad in expected {
            let slot = try #require(block.slot(named: grad.name), "\(label): no parameter \(grad.name)")
            expectTensor(block.gradArray(slot), grad.value, "\(label) d/d \(grad.name)")
        }
    }

    /// Sets the synthesizer's parameters to the fixture's `sg_params`, each checked by name and shape.
    private func loadParameters(_ synthesizer: Synthesizer, _ fixture: AltSGFixtureCase, _ label: String) throws {
        for param in try fixture.namedTensors("sg_params") {
            let slot = try #require(synthesizer.parameters.slot(named: param.name), "\(label): no synthesizer parameter \(param.name)")
            #expect(slot.shape == param.shape, "\(label): \(param.name) is \(slot.shape), expected \(param.shape)")
            try synthesizer.parameters.setValues(param.name, param.value.floats)
        }
    }

    @Test(arguments: AltSGFixtureCase.names(models: ["qrnn_lm_dni"]))
    func matchesReference(_ name: String) throws {
        let fixture = try AltSGFixtureCase(name)
        for (mode, switcher) in [("sg_on", true), ("sg_off", false)] {
            let label = "\(name) \(mode)"
            let weights = QRNNLanguageModelCase.weights(fixture)
            let lm = try QRNNLanguageModelCase(fixture, alpha: weights.alpha, beta: weights.beta)
            let config = try fixture.object("sg_config")
            let type = try #require(SynthesizerType(rawValue: (config["sgtype"] as? String ?? "").lowercased()), "\(label): sgtype \(config["sgtype"] ?? "none")")
            #expect(Float(config["sg_scale"] as? Double ?? 0) == syntheticGradientScale)
            let synthesizer = try Synthesizer(type: type, hiddenSize: try #require(config["nhid"] as? Int), layers: try #require(config["nlayers"] as? Int),
                                              zoneout: Float(try #require(config["zoneout"] as? Double)), seed: 0)
            try loadParameters(synthesizer, fixture, label)
            let initial = try fixture.object("sg_initial_state")
            try synthesizer.setState(cells: try fixture.tensors("c", in: initial).map(\.floats),
                                     previous: try fixture.tensor("prev_x", in: initial).value.floats)
            let record = try fixture.object(mode)
            let calls = try #require(record["sg_calls"] as? [[String: Any]])
            #expect(calls.count == (switcher ? 2 : 1), "\(label): \(calls.count) synthesizer calls")
            let randomness = try calls.map { call in
                SynthesizerRandomness(noise: try fixture.tensor("noise", in: call).value.floats,
                                      zoneoutMasks: try fixture.tensors("zoneout_masks", in: call).map(\.floats))
            }
            let streams = lm.window.streams
            // Call 1's trigger is the joined initial state.
            expectTensor(lm.network.joinedState(.training, streams: streams), try fixture.tensor("trigger", in: calls[0]).value,
                         "\(label) call 1 trigger")
            let step = try syntheticGradientStep(model: lm.network, synthesizer: synthesizer, batch: .tokens(lm.window),
                                                 switcher: switcher, randomness: randomness)
            expectTensor(step.prediction, try fixture.tensor("output", in: calls[0]).value, "\(label) call 1 output")
            #expect(abs(lm.network.lastLoss.total - fixture.loss) <= Self.lossTolerance * max(1, fixture.loss), "\(label): loss \(lm.network.lastLoss.total), expected \(fixture.loss)")
            expectTensor(lm.network.outputs(), try fixture.tensor("logits").value, "\(label) logits")
            let final = try fixture.object("final_state"), state = lm.network.state(.training)
            for (l, expected) in try fixture.tensors("layers", in: final).enumerated() {
                expectTensor(state.cells[l], expected, "\(label) final cell \(l)")
            }
            expectTensor(step.lossGradient, try fixture.tensor("true_grad_h0_from_loss", in: record).value, "\(label) g_B")
            try expectGradients(lm.network.parameters, try fixture.namedTensors("grads", in: record), "\(label) base")
            let sgLoss = try #require(record["sg_loss"] as? Double)
            #expect(abs(step.synthesizerLoss - sgLoss) <= Self.lossTolerance * max(1, sgLoss), "\(label): sg loss \(step.synthesizerLoss), expected \(sgLoss)")
            try expectGradients(synthesizer.parameters, try fixture.namedTensors("sg_grads", in: record), "\(label) synthesizer")
            // The synthesizer's state after the last call.
            let after = try fixture.object("state_after", in: calls[calls.count - 1])
            for (l, expected) in try fixture.tensors("c", in: after).enumerated() {
                expectTensor(synthesizer.state.cells[l], expected, "\(label) synthesizer cell \(l) after")
            }
            expectTensor(synthesizer.state.previous, try fixture.tensor("prev_x", in: after).value, "\(label) synthesizer prev_x after")
            guard switcher else {
                #expect(step.injected == nil && step.injectionGradient == nil)
                continue
            }
            expectTensor(lm.network.joinedState(.training, streams: streams), try fixture.tensor("trigger", in: calls[1]).value,
                         "\(label) call 2 trigger")
            let injected = try #require(step.injected)
            expectTensor(injected, try fixture.tensor("injected_gradient", in: record).value, "\(label) injected gradient")
            expectTensor(injected.map { $0 / syntheticGradientScale }, try fixture.tensor("output", in: calls[1]).value, "\(label) call 2 output")
            expectTensor(try #require(step.injectionGradient), try fixture.tensor("true_grad_h0_from_injection", in: record).value, "\(label) g_A")
            // Each pass alone, from the same forward.
            lm.network.parameters.zeroGrads()
            lm.network.backward(loss: false, injected: injected)
            try expectGradients(lm.network.parameters, try fixture.namedTensors("grads_from_injection", in: record), "\(label) pass A")
            lm.network.parameters.zeroGrads()
            lm.network.backward(loss: true, injected: nil)
            try expectGradients(lm.network.parameters, try fixture.namedTensors("grads_from_loss", in: record), "\(label) pass B")
        }
    }

    /// The LSTM and GRU synthesizers against PyTorch's nn.LSTM and nn.GRU (Tests/Fixtures/torch, written by
    /// scripts/make-synthesizer-fixtures.py): two calls from a given state with recorded noise and dropout
    /// masks (outputs and the state each leaves), then the second call's parameter gradients.
    @Test(arguments: AltSGFixtureCase.names(models: ["rnn_synthesizer"], family: "torch"))
    func recurrentSynthesizersMatchPyTorch(_ name: String) throws {
        let fixture = try AltSGFixtureCase(name, family: "torch")
        let config = try fixture.object("sg_config")
        let type = try #require(SynthesizerType(rawValue: config["sgtype"] as? String ?? ""), "\(name): sgtype \(config["sgtype"] ?? "none")")
        let synthesizer = try Synthesizer(type: type, hiddenSize: try #require(config["nhid"] as? Int), layers: try #require(config["nlayers"] as? Int),
                                          dropout: Float(try #require(config["dropout"] as? Double)), seed: 0)
        try loadParameters(synthesizer, fixture, name)
        let initial = try fixture.object("initial_state")
        try synthesizer.setState(cells: try fixture.tensors("c", in: initial).map(\.floats), hidden: try fixture.tensors("h", in: initial).map(\.floats))
        let calls = try #require(fixture.json["calls"] as? [[String: Any]])
        for (i, call) in calls.enumerated() {
            let randomness = SynthesizerRandomness(noise: try fixture.tensor("noise", in: call).value.floats,
                                                   dropoutMasks: try fixture.tensors("dropout_masks", in: call).map(\.floats))
            let output = synthesizer(try fixture.tensor("trigger", in: call).value.floats, randomness: randomness, record: i == calls.count - 1)
            expectTensor(output, try fixture.tensor("output", in: call).value, "\(name) call \(i + 1) output")
            let after = try fixture.object("state_after", in: call)
            for (l, expected) in try fixture.tensors("h", in: after).enumerated() {
                expectTensor(synthesizer.state.hidden[l], expected, "\(name) call \(i + 1) h\(l) after")
            }
            for (l, expected) in try fixture.tensors("c", in: after).enumerated() {
                expectTensor(synthesizer.state.cells[l], expected, "\(name) call \(i + 1) c\(l) after")
            }
        }
        synthesizer.parameters.zeroGrads()
        synthesizer.backward(try fixture.tensor("upstream").value.floats)
        try expectGradients(synthesizer.parameters, try fixture.namedTensors("sg_grads"), name)
    }

    /// The synthesizer's parameter gradients by central differences of Σ r ⊙ output, for every type, two
    /// layers with dropout between them, with noise, masks and a carried state.
    @Test(arguments: SynthesizerType.allCases)
    func synthesizerFiniteDifferences(_ type: SynthesizerType) throws {
        let (elements, n) = (9, 3)
        let synthesizer = try Synthesizer(type: type, hiddenSize: n, layers: 2, dropout: 0.3, seed: 4)
        let trigger = uniformValues(elements, seed: 60), r = uniformValues(elements, seed: 61)
        let randomness = synthesizer.drawRandomness(elements: elements)
        #expect(randomness.dropoutMasks.count == 1 && randomness.dropoutMasks[0].contains(0), "a dropout mask that drops something")
        // A carried state in the type's form: QRNN a cell per layer and layer 0's previous input; LSTM and
        // GRU an h (and LSTM a c) per element.
        let perLayer = type == .qrnn ? n : elements * n
        let state = (cells: type == .gru ? [] : [uniformValues(perLayer, seed: 62), uniformValues(perLayer, seed: 63)],
                     hidden: type == .qrnn ? [] : [uniformValues(perLayer, seed: 64), uniformValues(perLayer, seed: 65)],
                     previous: type == .qrnn ? uniformValues(n, seed: 66) : [])
        let values = synthesizer.parameters.valueArray()
        func output(_ v: [Float], record: Bool) throws -> [Float] {
            try synthesizer.parameters.load(v)
            try synthesizer.setState(cells: state.cells, hidden: state.hidden, previous: state.previous)
            return synthesizer(trigger, randomness: randomness, record: record)
        }
        _ = try output(values, record: true)
        synthesizer.parameters.zeroGrads()
        synthesizer.backward(r)
        let analytic = synthesizer.parameters.gradArray()
        let report = gradientCheck([values], analytic: [analytic], names: ["\(type) synthesizer"]) { v in
            projection(r, (try? output(v[0], record: false)) ?? [])
        }
        #expect(report == nil, "\(report ?? "")")
    }

    /// LSTM and GRU synthesizers keep a state per element: element k's output depends on element k alone
    /// (permuting the elements permutes the output), and the state carries to the next call until a reset.
    @Test(arguments: [SynthesizerType.lstm, .gru])
    func recurrentSynthesizersKeepAStatePerElement(_ type: SynthesizerType) throws {
        let elements = 7
        let synthesizer = try Synthesizer(type: type, hiddenSize: 5, layers: 2, seed: 8)
        let trigger = uniformValues(elements, seed: 70), randomness = synthesizer.drawRandomness(elements: elements)
        let order = [3, 0, 6, 1, 5, 2, 4]
        let first = synthesizer(trigger, randomness: randomness, record: false)
        synthesizer.resetState()
        let permuted = synthesizer(order.map { trigger[$0] }, randomness: SynthesizerRandomness(noise: order.map { randomness.noise[$0] }),
                                   record: false)
        // Close, not equal: a matrix product may round a row differently at another position in the batch.
        let expected = order.map { Double(first[$0]) }
        #expect(tensorMismatch(permuted, expected, tol: 1e-6, label: "permuted") == nil, "\(permuted) vs \(expected)")
        synthesizer.resetState()
        _ = synthesizer(trigger, randomness: randomness, record: false)
        let carried = synthesizer.state
        #expect(carried.hidden.count == 2 && carried.hidden.allSatisfy { $0.count == elements * 5 })
        #expect(carried.cells.count == (type == .lstm ? 2 : 0) && carried.previous.isEmpty)
        let second = synthesizer(trigger, randomness: randomness, record: false)
        #expect(second != first, "the second call starts from the first call's state")
        // A saved state restores the same continuation.
        let saved = synthesizer.saveState()
        let third = synthesizer(trigger, randomness: randomness, record: false)
        try synthesizer.restoreState(saved)
        #expect(synthesizer(trigger, randomness: randomness, record: false) == third)
        synthesizer.resetState()
        #expect(synthesizer(trigger, randomness: randomness, record: false) == first)
    }

    /// Dropout masks are drawn only with two or more layers and p > 0, after the noise and zoneout masks,
    /// so one-layer and p = 0 synthesizers draw exactly the streams they drew before `sg_dropout` existed.
    @Test func dropoutMasksAreDrawnOnlyBetweenLayers() throws {
        let plain = try Synthesizer(hiddenSize: 4, layers: 1, seed: 3).drawRandomness(elements: 6)
        let oneLayer = try Synthesizer(hiddenSize: 4, layers: 1, dropout: 0.5, seed: 3).drawRandomness(elements: 6)
        #expect(oneLayer.dropoutMasks.isEmpty && oneLayer.noise == plain.noise && oneLayer.zoneoutMasks == plain.zoneoutMasks)
        let twoLayers = try Synthesizer(hiddenSize: 4, layers: 2, seed: 3), twoDropped = try Synthesizer(hiddenSize: 4, layers: 2, dropout: 0.5, seed: 3)
        let undropped = (twoLayers.drawRandomness(elements: 6), twoLayers.drawRandomness(elements: 6))
        let dropped = twoDropped.drawRandomness(elements: 6)
        #expect(undropped.0.dropoutMasks.isEmpty && dropped.dropoutMasks.count == 1)
        #expect(dropped.noise == undropped.0.noise && dropped.zoneoutMasks == undropped.0.zoneoutMasks)
        #expect(Set(dropped.dropoutMasks[0]).isSubset(of: [0, 2]) && Set(dropped.dropoutMasks[0]).count == 2, "\(dropped.dropoutMasks[0])")
        // GRU and LSTM have no zoneout.
        #expect(try Synthesizer(type: .gru, hiddenSize: 4, layers: 2, seed: 3).drawRandomness(elements: 6).zoneoutMasks.isEmpty)
    }

    /// LSTM and GRU matrices start orthogonal, as `orthogonal_`: the columns of each (g·n, n) matrix are
    /// orthonormal; biases are U(±1/√n).
    @Test(arguments: [SynthesizerType.lstm, .gru])
    func recurrentMatricesStartOrthogonal(_ type: SynthesizerType) throws {
        let n = 6, synthesizer = try Synthesizer(type: type, hiddenSize: n, layers: 2, seed: 11)
        let blocks = synthesizer.parameters
        for slot in blocks.slots where slot.name.contains("weight_") {
            let w = blocks.valueArray(slot), rows = slot.shape[0]
            #expect(slot.shape == [(type == .lstm ? 4 : 3) * n, n])
            for a in 0..<n {
                for b in 0..<n {
                    var dot = 0.0
                    for i in 0..<rows { dot += Double(w[i * n + a]) * Double(w[i * n + b]) }
                    #expect(abs(dot - (a == b ? 1 : 0)) < 1e-5, "\(slot.name) columns \(a), \(b): \(dot)")
                }
            }
        }
        for slot in blocks.slots where slot.name.contains("bias_") {
            #expect(blocks.valueArray(slot).allSatisfy { abs($0) <= 1 / Float(n).squareRoot() })
        }
    }

    /// The DNI step on the LSTM and GRU base models (`awd_lstm`, `awd_gru`, alt_sg.md §4.2), against an
    /// independent computation: call 1 sees [h⁰ ; c⁰ ; h¹ ; c¹] (GRU [h⁰ ; h¹]) per stream; a second
    /// synthesizer replaying the same calls gives s₀ and 0.1·s_T; g_A and g_B are the central differences of
    /// ⟨0.1·s_T, J_T⟩ and of the loss with respect to the joined initial state (so the injection must reach
    /// every part of the final state); the base gradients are those of loss + ⟨0.1·s_T, J_T⟩; the
    /// synthesizer learns from 2(s₀ − g_A) + 2(s₀ − g_B).
    @Test(arguments: [RecurrentCell.lstm, .gru], [true, false])
    func recurrentBaseModelStepMatchesAnIndependentComputation(_ cell: RecurrentCell, _ switcher: Bool) throws {
        let reg = AWDRegularization(embedding: 0.2, input: 0.3, hidden: 0.25, output: 0.2, weight: 0.3, alpha: 2, beta: 1)
        func baseModel() throws -> QRNNLanguageModel {
            try QRNNLanguageModel(name: "awd_\(cell)", cell: cell, vocabulary: 7, embeddingSize: 4, hiddenSize: 5, layers: 2,
                                  regularization: reg, bptt: 4, seed: 3)
        }
        let model = try baseModel(), reference = try baseModel()
        let saved = reference.saveState()
        let (steps, streams) = (4, 2)
        var generator = SeededGenerator(seed: 12, stream: "tokens")
        let inputs = (0..<(steps * streams)).map { _ in Int32(generator.below(6)) }
        let window = TokenBatch(inputs: inputs, targets: inputs.reversed(), steps: steps, streams: streams)
        let h = [uniformValues(streams * 5, seed: 81), uniformValues(streams * 4, seed: 82)]
        let c = [uniformValues(streams * 5, seed: 83), uniformValues(streams * 4, seed: 84)]
        // A GRU's carried state is its h, set where the others set their cell.
        try model.setState(cells: cell == .lstm ? c : h, hidden: cell == .lstm ? h : [], previous: [], streams: streams, phase: .training)
        let initial = model.joinedState(.training, streams: streams)
        let byHand = (0..<streams).flatMap { b in
            (cell == .lstm ? [h[0], c[0], h[1], c[1]] : h).flatMap { part in part[(b * part.count / streams)..<((b + 1) * part.count / streams)] }
        }
        #expect(initial == byHand, "the joined state is [h⁰ ; c⁰ ; h¹ ; c¹] (GRU [h⁰ ; h¹]) per stream")

        let synthesizer = try Synthesizer(hiddenSize: 3, layers: 1, seed: 6), replica = try Synthesizer(hiddenSize: 3, layers: 1, seed: 6)
        let randomness = (0..<(switcher ? 2 : 1)).map { _ in synthesizer.drawRandomness(elements: initial.count) }
        let step = try syntheticGradientStep(model: model, synthesizer: synthesizer, batch: .tokens(window), switcher: switcher,
                                             randomness: randomness)
        let final = model.joinedState(.training, streams: streams)
        let s0 = replica(initial, randomness: randomness[0], record: true)
        #expect(step.prediction == s0)
        let injected = switcher ? replica(final, randomness: randomness[1], record: false).map { $0 * syntheticGradientScale } : nil
        #expect(step.injected == injected)

        // The reference model runs the same window (same parameters and dropout draws) from any joined state.
        func objective(_ joined: [Float], loss: Bool, injected: [Float]?, parameters: [Float]? = nil) -> Double {
            do {
                try reference.restoreState(saved)
                if let parameters { try reference.parameters.load(parameters) }
                try setJoinedTrainingState(reference, joined, streams: streams)
                _ = try reference.forwardTraining(.tokens(window))
            } catch { return .nan }
            return (loss ? reference.lastLoss.total : 0) + (injected.map { projection($0, reference.joinedState(.training, streams: streams)) } ?? 0)
        }
        _ = objective(initial, loss: true, injected: nil)
        #expect(reference.joinedState(.training, streams: streams) == final, "the reference reproduces the step's final state")
        let gB = gradientCheck([initial], analytic: [step.lossGradient], names: ["g_B"]) { objective($0[0], loss: true, injected: nil) }
        #expect(gB == nil, "\(gB ?? "")")
        var targets = [step.lossGradient]
        if let injected {
            let gA = try #require(step.injectionGradient)
            let report = gradientCheck([initial], analytic: [gA], names: ["g_A"]) { objective($0[0], loss: false, injected: injected) }
            #expect(report == nil, "\(report ?? "")")
            #expect(gA.contains { $0 != 0 })
            targets.insert(gA, at: 0)
        } else {
            #expect(step.injectionGradient == nil)
        }
        // The base gradients: both passes, by central differences of loss + ⟨0.1·s_T, J_T⟩ per parameter.
        let values = model.parameters.valueArray(), analytic = model.parameters.gradArray(), slots = model.parameters.slots
        let base = gradientCheck(slots.map { Array(values[$0.range]) }, analytic: slots.map { Array(analytic[$0.range]) },
                                 names: slots.map(\.name)) { v in
            objective(initial, loss: true, injected: injected, parameters: Array(v.joined()))
        }
        #expect(base == nil, "\(base ?? "")")
        // The synthesizer's training signal from the targets the step used, in its order (g_A, then g_B).
        var dPrediction = [Float](repeating: 0, count: s0.count), sgLoss = 0.0
        for target in targets {
            for i in s0.indices {
                let d = s0[i] - target[i]
                dPrediction[i] += 2 * d
                sgLoss += Double(d) * Double(d)
            }
        }
        #expect(abs(step.synthesizerLoss - sgLoss) <= 1e-9 * sgLoss)
        replica.parameters.zeroGrads()
        replica.backward(dPrediction)
        #expect(synthesizer.parameters.gradArray() == replica.parameters.gradArray())
    }
}
