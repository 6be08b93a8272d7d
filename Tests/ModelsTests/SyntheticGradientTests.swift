// The DNI step against the `qrnn_lm_dni` fixtures: synthesizer calls (trigger, output, state after) with
// the recorded noise and zoneout masks, the injected gradient, g_A and g_B, the base gradients per pass
// and in total, the synthesizer loss and gradients, with the switch on and off (README tolerances for
// Float: 1e-4 per tensor normalised by its largest reference value, 1e-5 for losses). And the
// synthesizer's backward by finite differences.
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

    @Test(arguments: AltSGFixtureCase.names(models: ["qrnn_lm_dni"]))
    func matchesReference(_ name: String) throws {
        let fixture = try AltSGFixtureCase(name)
        for (mode, switcher) in [("sg_on", true), ("sg_off", false)] {
            let label = "\(name) \(mode)"
            let weights = QRNNLanguageModelCase.weights(fixture)
            let lm = try QRNNLanguageModelCase(fixture, alpha: weights.alpha, beta: weights.beta)
            let config = try fixture.object("sg_config")
            #expect(config["sgtype"] as? String == "QRNN")
            #expect(Float(config["sg_scale"] as? Double ?? 0) == syntheticGradientScale)
            let synthesizer = try Synthesizer(hiddenSize: try #require(config["nhid"] as? Int), layers: try #require(config["nlayers"] as? Int),
                                              zoneout: Float(try #require(config["zoneout"] as? Double)), seed: 0)
            for param in try fixture.namedTensors("sg_params") {
                let slot = try #require(synthesizer.parameters.slot(named: param.name), "\(label): no synthesizer parameter \(param.name)")
                #expect(slot.shape == param.shape, "\(label): \(param.name) is \(slot.shape), expected \(param.shape)")
                try synthesizer.parameters.setValues(param.name, param.value.floats)
            }
            let initial = try fixture.object("sg_initial_state")
            try synthesizer.setState(cells: try fixture.tensors("c", in: initial).map(\.floats),
                                     previous: try fixture.tensor("prev_x", in: initial).value.floats)
            let record = try fixture.object(mode)
            let calls = try #require(record["sg_calls"] as? [[String: Any]])
            #expect(calls.count == (switcher ? 2 : 1), "\(label): \(calls.count) synthesizer calls")
            let randomness = try calls.map { call in
                (noise: try fixture.tensor("noise", in: call).value.floats, masks: try fixture.tensors("zoneout_masks", in: call).map(\.floats))
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

    /// The synthesizer's parameter gradients by central differences of Σ r ⊙ output, two layers, with
    /// noise, masks and a carried state.
    @Test func synthesizerFiniteDifferences() throws {
        let synthesizer = try Synthesizer(hiddenSize: 3, layers: 2, seed: 4)
        let trigger = uniformValues(9, seed: 60), r = uniformValues(9, seed: 61)
        let randomness = synthesizer.drawRandomness(elements: 9)
        let cells = [uniformValues(3, seed: 62), uniformValues(3, seed: 63)], previous = uniformValues(3, seed: 64)
        let values = synthesizer.parameters.valueArray()
        func output(_ v: [Float], record: Bool) throws -> [Float] {
            try synthesizer.parameters.load(v)
            try synthesizer.setState(cells: cells, previous: previous)
            return synthesizer(trigger, noise: randomness.noise, masks: randomness.masks, record: record)
        }
        _ = try output(values, record: true)
        synthesizer.parameters.zeroGrads()
        synthesizer.backward(r)
        let analytic = synthesizer.parameters.gradArray()
        let report = gradientCheck([values], analytic: [analytic], names: ["synthesizer"]) { v in
            projection(r, (try? output(v[0], record: false)) ?? [])
        }
        #expect(report == nil, "\(report ?? "")")
    }
}
