// The data-set side of the power-law regimes: the N-point subset and its standardised targets, the
// network's initialisation, and the closed-form empirical NTK against per-sample gradients of the network.
import Foundation
import Testing
@testable import Models
import TestSupport

@Suite struct PowerLawNetworkTests {
    @Test func kernelIsTheGramMatrixOfPerSampleGradients() throws {
        let n = 10
        let splits = regressionSplits(count: 12, features: 4, seed: 9)
        let problem = try NetworkProblem(splits: splits, dataset: "test", size: n, width: 16, seed: 4)
        let kernel = try problem.empiricalKernel().kernel
        // ∂f(xᵢ)/∂θ from the network's own backward: one sample with target f − 1, so the gradient of
        // ½(f − y)² is (f − y)·∂f/∂θ with f − y computed as the backward computes it.
        let network = problem.network
        var gradients: [[Double]] = []
        for i in 0..<n {
            let x = Array(problem.samples.features[(i * 4)..<((i + 1) * 4)])
            _ = try network.evaluate(.samples(SampleBatch(features: x, targets: [0], count: 1)))
            let f = network.outputs()[0]
            let target = f - 1
            _ = try network.trainStep(.samples(SampleBatch(features: x, targets: [target], count: 1)))
            let residual = Double(f - target)
            gradients.append(network.parameters.gradArray().map { Double($0) / residual })
        }
        var expected = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for l in 0..<n { expected[i * n + l] = zip(gradients[i], gradients[l]).reduce(0) { $0 + $1.0 * $1.1 } }
        }
        let got = (0..<(n * n)).map { kernel.pointer[$0] }
        let mismatch = tensorMismatch(got, expected, tol: 1e-5, label: "empirical NTK")
        #expect(mismatch == nil, "\(mismatch ?? "")")
        #expect((0..<n).allSatisfy { i in (0..<n).allSatisfy { kernel.pointer[i * n + $0] == kernel.pointer[$0 * n + i] } })
    }

    @Test func kernelProblemIsRescaledToLargestEigenvalueN() throws {
        let n = 24
        let splits = regressionSplits(count: 30, features: 3, seed: 2)
        let network = try NetworkProblem(splits: splits, dataset: "test", size: n, width: 32, seed: 1)
        let (problem, lambdaMax) = try network.kernelProblem()
        let values = try SymmetricEigen(symmetric: (0..<(n * n)).map { Double(problem.kernel.pointer[$0]) }, size: n).values
        #expect(abs(values[0] - Double(n)) < 1e-5 * Double(n))
        #expect(lambdaMax > 0 && values.last! > -1e-4, "an NTK is positive semi-definite")
        // d₀ = f(X) − y at the initial parameters.
        _ = try network.network.evaluate(network.fullBatch)
        let outputs = network.network.outputs()
        for i in 0..<n { #expect(problem.initialError[i] == Double(outputs[i]) - Double(network.samples.targets[i])) }
    }

    @Test func subsetIsSeededAndTargetsStandardised() throws {
        let splits = regressionSplits(count: 50, features: 2, seed: 8)
        let a = try NetworkProblem(splits: splits, dataset: "test", size: 20, width: 8, seed: 3)
        let b = try NetworkProblem(splits: splits, dataset: "test", size: 20, width: 8, seed: 3)
        let c = try NetworkProblem(splits: splits, dataset: "test", size: 20, width: 8, seed: 4)
        #expect(a.samples.features == b.samples.features && a.initialParameters == b.initialParameters)
        #expect(a.samples.features != c.samples.features)
        let y = a.samples.targets.map { Double($0) }
        let mean = y.reduce(0, +) / 20
        let variance = y.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 19
        #expect(abs(mean) < 1e-6 && abs(variance - 1) < 1e-5)
        // Every chosen point is a point of the training split.
        let rows = Set((0..<50).map { Array(splits.train.features[(2 * $0)..<(2 * $0 + 2)]) })
        #expect((0..<20).allSatisfy { rows.contains(Array(a.samples.features[(2 * $0)..<(2 * $0 + 2)])) })
    }

    @Test func classLabelsBecomeNumbers() throws {
        let features = (0..<60).map { Float($0 % 7) / 7 }
        let labels: [Int32] = (0..<20).map { Int32($0 % 4) }
        let set = SampleSet(features: features, sampleShape: [1, 1, 3], labels: labels)
        let problem = try NetworkProblem(splits: SampleSplits(train: set, valid: set, test: set, classes: 4),
                                         dataset: "images", size: 20, width: 8, seed: 1)
        // All 20 points: the standardised labels take four distinct values, in label order.
        let distinct = Set(problem.samples.targets).sorted()
        #expect(distinct.count == 4)
        #expect(problem.network.inputSize == 3)
    }

    @Test func dataTheNetworkCannotTake() throws {
        let splits = regressionSplits(count: 10, features: 2, seed: 1)
        #expect(throws: PowerLawError.tooFewSamples(available: 10, requested: 11)) {
            try NetworkProblem(splits: splits, dataset: "test", size: 11, width: 4, seed: 1)
        }
        let wide = SampleSet(features: [Float](repeating: 0, count: 20), sampleShape: [2], targets: [Float](repeating: 0, count: 20))
        #expect(throws: PowerLawError.unsupportedData(dataset: "wide", reason: "the network has one output, and the data has 2 targets per sample")) {
            try NetworkProblem(splits: SampleSplits(train: wide, valid: wide, test: wide, classes: 0), dataset: "wide", size: 5, width: 4, seed: 1)
        }
        var broken = splits
        broken.train.features[3] = .nan
        #expect(throws: PowerLawError.unsupportedData(dataset: "broken", reason: "training sample 1 has a non-finite feature 1")) {
            try NetworkProblem(splits: broken, dataset: "broken", size: 10, width: 4, seed: 1)
        }
        var huge = splits
        for i in huge.train.features.indices { huge.train.features[i] = .greatestFiniteMagnitude }
        let problem = try NetworkProblem(splits: huge, dataset: "huge", size: 10, width: 4, seed: 1)
        #expect(throws: PowerLawError.self) { try problem.initialError() }
    }

    @Test func networkStartsFromStandardNormalWeights() throws {
        // The N(0, 1) initialisation of the power-law studies (σ_w = σ_b = 1), all three tensors.
        let network = try PowerLawNetwork(inputSize: 25, width: 4000, seed: 1)
        let values = network.parameters.valueArray().map { Double($0) }
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
        #expect(abs(mean) < 0.01 && abs(variance.squareRoot() - 1) < 0.01)
        #expect(network.parameters.slots.map(\.name) == ["w", "b", "v"])
    }
}
