// Which activations the plan stores feature-major: the outputs of linear layers feeding only linear
// layers (through activations), never the network's output, a dropout's input or a convolution's output.
import Testing
@testable import Models

@Suite struct FeedForwardPlanTests {
    /// (input, output) layouts of each linear operation, in order.
    private func linearLayouts(_ inputShape: [Int], _ layers: [LayerSpec]) throws -> [[BatchLayout]] {
        var plan = FeedForwardPlan()
        let input = plan.activation(inputShape)
        let output = try plan.compile(layers, from: input)
        plan.chooseBatchLayouts(output: output.id)
        return plan.operations.compactMap { operation in
            guard case let .linear(op) = operation else { return nil }
            return [op.inputLayout, op.outputLayout]
        }
    }

    @Test func hiddenLayersBetweenLinearLayersAreFeatureMajor() throws {
        let layouts = try linearLayouts([784], [.linear(name: "fc1", outFeatures: 1000), .relu,
                                                .linear(name: "fc2", outFeatures: 1000), .tanh,
                                                .linear(name: "fc3", outFeatures: 10)])
        #expect(layouts == [[.sampleMajor, .featureMajor], [.featureMajor, .featureMajor], [.featureMajor, .sampleMajor]])
    }

    @Test func dropoutConvolutionAndTheOutputStaySampleMajor() throws {
        let layouts = try linearLayouts([1, 8, 8], [
            .conv2d(name: "conv", outChannels: 2, kernel: 3), .flatten,
            .linear(name: "fc1", outFeatures: 6), .relu, .dropout(p: 0.5),
            .linear(name: "fc2", outFeatures: 5), .relu,
            .linear(name: "fc3", outFeatures: 4), .sigmoid,
        ])
        #expect(layouts == [[.sampleMajor, .sampleMajor], [.sampleMajor, .featureMajor], [.featureMajor, .sampleMajor]])
    }
}
