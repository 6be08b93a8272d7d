// Every model fixture: build the network from the file, load its parameters and input, run one training
// step, and compare logits, loss, every gradient, the input gradient, LSTM states and BatchNorm running
// statistics with the float64 reference (README tolerances for float32: 1e-4 per tensor normalised by
// its largest reference value, 1e-5 for the loss), through every kernel set this CPU runs.
import Foundation
import Testing
import Models
import TestSupport

@Suite struct ModelFixtureTests {
    static let tensorTolerance = 1e-4
    static let lossTolerance = 1e-5

    @Test(arguments: try Fixtures.names("models"), Kernels.runnable.map(\.name))
    func matchesReference(_ name: String, _ kernels: String) throws {
        try Kernels.using(Kernels.runnableSet(named: kernels)) { try check(name) }
    }

    private func check(_ name: String) throws {
        let fixture = try ModelFixtureCase(name)
        switch fixture.model {
        case "lstm_lm", "lstm_lm_2layer", "lstm_lm_state": try checkLanguageModel(fixture)
        case "powerlaw_two_layer": try checkPowerLaw(fixture)
        default: try checkFeedForward(fixture)
        }
    }

    /// The fixture's loss against ours.
    private func expectLoss(_ got: Double, _ fixture: ModelFixtureCase) {
        let tolerance = Self.lossTolerance * max(1, abs(fixture.loss))
        #expect(abs(got - fixture.loss) <= tolerance, "\(fixture.name): loss \(got), expected \(fixture.loss)")
    }

    private func expectTensor(_ got: [Float], _ expected: [Double], _ label: String) {
        let mismatch = tensorMismatch(got, expected, tol: Self.tensorTolerance, label: label)
        #expect(mismatch == nil, "\(mismatch ?? "")")
    }

    /// Loads the fixture's parameters by name, checking that names and shapes match ours in order.
    private func loadParameters(_ fixture: ModelFixtureCase, into parameters: ParameterBlock) throws {
        let params = try fixture.namedTensors("params")
        #expect(params.map(\.name) == parameters.slots.map(\.name), "\(fixture.name): parameter names/order differ")
        #expect(params.map(\.shape) == parameters.slots.map(\.shape), "\(fixture.name): parameter shapes differ")
        for param in params { try parameters.setValues(param.name, param.value.map { Float($0) }) }
    }

    private func expectGradients(_ fixture: ModelFixtureCase, _ parameters: ParameterBlock) throws {
        for grad in try fixture.namedTensors("grads") {
            let slot = try #require(parameters.slot(named: grad.name), "\(fixture.name): no parameter \(grad.name)")
            expectTensor(parameters.gradArray(slot), grad.value, "\(fixture.name) d/d \(grad.name)")
        }
    }

    // MARK: - Feed-forward

    private func checkFeedForward(_ fixture: ModelFixtureCase) throws {
        let (layers, head) = try fixture.feedForwardSpecs()
        let input = try fixture.tensor("input")
        let sampleShape = Array(input.shape.dropFirst())
        let network = try FeedForwardNetwork(name: fixture.model, inputShape: sampleShape, layers: layers, head: head, seed: 0)
        try loadParameters(fixture, into: network)
        if fixture.json["buffers"] != nil {
            let buffers = try fixture.namedTensors("buffers")
            #expect(buffers.map(\.name) == network.buffers.slots.map(\.name), "\(fixture.name): buffer names differ")
            for buffer in buffers { try network.buffers.setValues(buffer.name, buffer.value.map { Float($0) }) }
        }
        network.computesInputGradient = true
        let batch = SampleBatch(features: input.value.map { Float($0) }, labels: fixture.labels, count: input.shape[0])
        let metrics = try network.trainStep(.samples(batch))

        expectLoss(metrics.loss, fixture)
        expectTensor(network.outputs(), try fixture.tensor("logits").value, "\(fixture.name) logits")
        if fixture.json["output"] != nil {
            expectTensor(network.headOutputs(), try fixture.tensor("output").value, "\(fixture.name) output")
        }
        try expectGradients(fixture, network.parameters)
        expectTensor(network.inputGradient(), try fixture.tensor("input_grad").value, "\(fixture.name) input_grad")
        if fixture.json["buffers_after"] != nil {
            for buffer in try fixture.namedTensors("buffers_after") {
                let slot = try #require(network.buffers.slot(named: buffer.name))
                expectTensor(network.buffers.valueArray(slot), buffer.value, "\(fixture.name) \(buffer.name) after")
            }
        }
    }

    private func loadParameters(_ fixture: ModelFixtureCase, into network: any Network) throws {
        try loadParameters(fixture, into: network.parameters)
    }

    // MARK: - Language models

    private func checkLanguageModel(_ fixture: ModelFixtureCase) throws {
        let sizes = try fixture.languageModelSizes()
        let tokens = try fixture.tensor("tokens")
        let (steps, streams) = (tokens.shape[0], tokens.shape[1])
        let network = try LanguageModel(vocabulary: sizes.vocabulary, embeddingSize: sizes.embedding, hiddenSize: sizes.hidden,
                                        layers: sizes.layers, dropout: 0, bptt: steps, seed: 0)
        try loadParameters(fixture, into: network)
        if let initial = fixture.json["initial_state"] as? [String: Any] {
            let h0 = try fixture.tensor("h0", in: initial), c0 = try fixture.tensor("c0", in: initial)
            try network.setState(h: h0.value.map { Float($0) }, c: c0.value.map { Float($0) }, streams: streams, phase: .training)
        }
        let window = TokenBatch(inputs: tokens.value.map { Int32($0) }, targets: fixture.labels, steps: steps, streams: streams)
        let metrics = try network.trainStep(.tokens(window))

        expectLoss(metrics.loss, fixture)
        expectTensor(network.outputs(), try fixture.tensor("logits").value, "\(fixture.name) logits")
        try expectGradients(fixture, network.parameters)
        let inputGrad = try #require(fixture.json["input_grad"] as? [String: Any])
        #expect(inputGrad["of"] as? String == "embedding_output")
        expectTensor(network.embeddingGradient(), try fixture.tensor("input_grad").value, "\(fixture.name) d/d embedding output")
        let final = try #require(fixture.json["final_state"] as? [String: Any])
        let state = network.state(.training)
        expectTensor(state.h, try fixture.tensor("h_n", in: final).value, "\(fixture.name) h_n")
        expectTensor(state.c, try fixture.tensor("c_n", in: final).value, "\(fixture.name) c_n")
        if let stateGrad = fixture.json["initial_state_grad"] as? [String: Any] {
            let got = network.initialStateGradient()
            expectTensor(got.h, try fixture.tensor("h0", in: stateGrad).value, "\(fixture.name) d/d h0")
            expectTensor(got.c, try fixture.tensor("c0", in: stateGrad).value, "\(fixture.name) d/d c0")
        }
    }

    // MARK: - Power-law network

    private func checkPowerLaw(_ fixture: ModelFixtureCase) throws {
        let input = try fixture.tensor("input")
        let w = try #require(try fixture.namedTensors("params").first { $0.name == "w" })
        #expect(w.shape[1] == input.shape[1], "\(fixture.name): w is \(w.shape) for inputs \(input.shape)")
        let network = try PowerLawNetwork(inputSize: input.shape[1], width: w.shape[0], seed: 0)
        try loadParameters(fixture, into: network)
        network.computesInputGradient = true
        let targets = try fixture.tensor("targets")
        let batch = SampleBatch(features: input.value.map { Float($0) }, targets: targets.value.map { Float($0) },
                                count: input.shape[0])
        let metrics = try network.trainStep(.samples(batch))

        expectLoss(metrics.loss, fixture)
        expectTensor(network.outputs(), try fixture.tensor("logits").value, "\(fixture.name) f(x)")
        try expectGradients(fixture, network.parameters)
        expectTensor(network.inputGradient(), try fixture.tensor("input_grad").value, "\(fixture.name) input_grad")
    }
}
