// The four power-law regimes against each other and against plain gradient descent: the mean of many
// linearised runs against the averaged recursion, the spectral-diagonal recursion against the averaged
// one in a delocalised basis, full batches against gradient descent with momentum, divergence, the
// reference's Adam quirk, and determinism.
import Foundation
import Testing
@testable import Models
import Vocabulary

/// Runs `regime` through the public entry point.
func runPowerLaw(_ regime: String, _ values: [String: KeyValue], optimizer: PowerLawOptimizer, batch: Int, seed: UInt64 = 7,
                 data: PowerLawData = .synthetic, shouldStop: () -> Bool = { false }) throws -> PowerLawOutcome {
    try PowerLawCatalog.run(regime: regime, settings: Settings(values), optimizer: optimizer, batchSize: batch, seed: seed,
                            data: data, shouldStop: shouldStop)
}

func sgd(_ lr: Double, momentum: Double = 0) -> PowerLawOptimizer { PowerLawOptimizer(name: "sgd", lr: lr, momentum: momentum) }

/// Gaussian features and a smooth nonlinear target: a small regression data set for the network problems.
func regressionSplits(count: Int, features: Int, seed: UInt64) -> SampleSplits {
    var generator = SeededGenerator(seed: seed, stream: "test-data")
    let x = (0..<(count * features)).map { _ in Float(generator.normal()) }
    let y: [Float] = (0..<count).map { i in
        let row = x[(i * features)..<((i + 1) * features)]
        return Float(sin(Double(row.first!)) + 0.5 * Double(row.last!) * Double(row.last!))
    }
    let set = SampleSet(features: x, sampleShape: [features], targets: y)
    return SampleSplits(train: set, valid: set, test: set, classes: 0)
}

/// Gradient descent with heavy-ball momentum on the kernel problem, in double: p ← K̃d + βp, d ← d − αp,
/// with K̃ = K/N; the loss ½·mean(d²) at steps 0 … steps.
func gradientDescentLosses(_ problem: KernelProblem, lr: Double, momentum: Double, steps: Int) -> [Double] {
    let n = problem.size
    var d = problem.initialError, p = [Double](repeating: 0, count: n)
    var losses = [d.reduce(0) { $0 + $1 * $1 } / Double(2 * n)]
    for _ in 0..<steps {
        var g = [Double](repeating: 0, count: n)
        for i in 0..<n {
            for j in 0..<n { g[i] += Double(problem.kernel.pointer[i * n + j]) * d[j] }
            g[i] /= Double(n)
        }
        for i in 0..<n {
            p[i] = g[i] + momentum * p[i]
            d[i] -= lr * p[i]
        }
        losses.append(d.reduce(0) { $0 + $1 * $1 } / Double(2 * n))
    }
    return losses
}

/// max over the curve of |got − expected| / |expected|.
func largestRelativeDifference(_ got: [Double], _ expected: [Double]) -> Double {
    precondition(got.count == expected.count, "curves of \(got.count) and \(expected.count) points")
    return zip(got, expected).map { abs($0 - $1) / abs($1) }.max() ?? 0
}

@Suite struct PowerLawRegimeTests {
    static let small: [String: KeyValue] = ["N": .number(64), "steps": .number(120), "log_every": .number(4),
                                                "nu": .number(1.2), "kappa": .number(0.5)]

    /// (lr, momentum, batch): positive, negative and no momentum.
    @Test(arguments: [(0.9, 0.0, 8), (0.5, 0.4, 4), (0.7, -0.3, 16)])
    func meanOfLinearizedRunsMatchesTheAveragedRecursion(_ lr: Double, _ momentum: Double, _ batch: Int) throws {
        let averaged = try runPowerLaw("averaged", Self.small, optimizer: sgd(lr, momentum: momentum), batch: batch)
        var values = Self.small
        values["runs"] = .number(400)
        let linearized = try runPowerLaw("linearized", values, optimizer: sgd(lr, momentum: momentum), batch: batch)
        #expect(linearized.status == .completed && averaged.status == .completed)
        #expect(linearized.steps == averaged.steps && linearized.steps.count == 31 && linearized.runs == 400)
        let errors = try #require(linearized.standardErrors)
        for (i, step) in linearized.steps.enumerated() {
            // 4 standard errors, plus single-precision slack for step 0, where every run starts at d₀.
            let bound = 4 * errors[i] + 1e-5 * averaged.losses[i]
            #expect(abs(linearized.losses[i] - averaged.losses[i]) <= bound,
                    "step \(step): linearised mean \(linearized.losses[i]) ± \(errors[i]), averaged \(averaged.losses[i])")
        }
        // The loss falls and the runs spread: the comparison is not between constants. And it has power: the
        // recursion for twice the batch (half the noise) is rejected.
        #expect(averaged.losses.last! < 0.5 * averaged.losses[0])
        #expect(errors.last! > 0)
        let otherBatch = try runPowerLaw("averaged", Self.small, optimizer: sgd(lr, momentum: momentum), batch: 2 * batch)
        let worst = (1..<errors.count).map { abs(linearized.losses[$0] - otherBatch.losses[$0]) / errors[$0] }.max()!
        #expect(worst > 4, "the averaged curve for batch \(2 * batch) is within \(worst) standard errors")
    }

    @Test(arguments: [(0.6, 0.5, 4, "constant"), (0.8, -0.4, 8, "constant"), (0.3, 0.0, 16, "jacobi")])
    func spectralDiagonalIsTheAveragedDiagonalInAHadamardBasis(_ lr: Double, _ momentum: Double, _ batch: Int,
                                                               _ schedule: String) throws {
        var values: [String: KeyValue] = ["N": .number(64), "steps": .number(200), "basis": .string("hadamard"),
                                              "nu": .number(1.5), "kappa": .number(1), "schedule": .string(schedule)]
        let optimizer = sgd(lr, momentum: momentum)
        let averaged = try runPowerLaw("averaged", values, optimizer: optimizer, batch: batch)
        values["tau"] = .number(1)
        let meanField = try runPowerLaw("spectral_diagonal", values, optimizer: optimizer, batch: batch)
        #expect(meanField.steps == averaged.steps && meanField.steps.count == 201)
        let difference = largestRelativeDifference(meanField.losses, averaged.losses)
        #expect(difference < 1e-5, "τ = 1 against the averaged recursion: max relative difference \(difference)")
        // τ = −1 is a different recursion: the comparison can tell them apart.
        values["tau"] = .number(-1)
        let gauss = try runPowerLaw("spectral_diagonal", values, optimizer: optimizer, batch: batch)
        #expect(largestRelativeDifference(gauss.losses, averaged.losses) > 1e-3)
    }

    @Test(arguments: [0.4, -0.4])
    func fullBatchIsGradientDescentWithMomentum(_ momentum: Double) throws {
        let n = 64, lr = 0.9, steps = 60
        let values: [String: KeyValue] = ["N": .number(Double(n)), "steps": .number(Double(steps))]
        let problem = try SyntheticPowerLaw(size: n, nu: 1, kappa: 1, lambdaMin: 0, basis: .random, seed: 7).kernelProblem()
        let reference = gradientDescentLosses(problem, lr: lr, momentum: momentum, steps: steps)
        let linearized = try runPowerLaw("linearized", values, optimizer: sgd(lr, momentum: momentum), batch: n)
        let averaged = try runPowerLaw("averaged", values, optimizer: sgd(lr, momentum: momentum), batch: n)
        let spectral = try runPowerLaw("spectral_diagonal", values.merging(["tau": .number(-1)]) { $1 },
                                       optimizer: sgd(lr, momentum: momentum), batch: n)
        // The linearised regime only sums g in another order (double); the averaged one is single precision;
        // the spectral one uses the exact spectrum, while K and the reference carry K's float rounding.
        #expect(largestRelativeDifference(linearized.losses, reference) < 1e-9)
        #expect(largestRelativeDifference(averaged.losses, reference) < 1e-5)
        #expect(largestRelativeDifference(spectral.losses, reference) < 1e-5)
        #expect(reference.last! < 0.1 * reference[0])
    }

    @Test func fullBatchOnANetworkKernel() throws {
        // The empirical-NTK problem: all three kernel regimes against gradient descent on the same kernel
        // (the spectral one through the eigensolver on K).
        let n = 32, lr = 1.1, momentum = 0.2, steps = 40
        let splits = regressionSplits(count: 50, features: 5, seed: 3)
        let data = PowerLawData.samples(dataset: "test", splits: splits)
        let values: [String: KeyValue] = ["N": .number(Double(n)), "steps": .number(Double(steps)), "width": .number(64)]
        let problem = try NetworkProblem(splits: splits, dataset: "test", size: n, width: 64, seed: 7).kernelProblem().problem
        let reference = gradientDescentLosses(problem, lr: lr, momentum: momentum, steps: steps)
        for regime in ["linearized", "averaged", "spectral_diagonal"] {
            let outcome = try runPowerLaw(regime, values, optimizer: sgd(lr, momentum: momentum), batch: n, data: data)
            #expect(largestRelativeDifference(outcome.losses, reference) < 1e-5, "\(regime)")
            #expect(outcome.kernelLargestEigenvalue != nil, "\(regime)")
        }
    }

    @Test func networkTracksItsLinearisationAtSmallSteps() throws {
        // A wide network in full batch with lr_norm kernel takes, to first order, the linearised steps.
        let n = 32, steps = 20
        let splits = regressionSplits(count: 40, features: 4, seed: 5)
        let data = PowerLawData.samples(dataset: "test", splits: splits)
        let values: [String: KeyValue] = ["N": .number(Double(n)), "steps": .number(Double(steps)), "width": .number(4000)]
        let network = try runPowerLaw("powerlaw_nn", values, optimizer: sgd(0.3, momentum: 0.3), batch: n, data: data)
        let linearized = try runPowerLaw("linearized", values, optimizer: sgd(0.3, momentum: 0.3), batch: n, data: data)
        #expect(network.losses[0] == linearized.losses[0] || abs(network.losses[0] - linearized.losses[0]) < 1e-6 * linearized.losses[0])
        let difference = largestRelativeDifference(network.losses, linearized.losses)
        #expect(difference < 0.02, "network against its linearisation: max relative difference \(difference)")
        #expect(network.losses.last! < 0.8 * network.losses[0])
        let scale = try #require(network.networkLearningRateScale)
        #expect(abs(scale - Double(n) / network.kernelLargestEigenvalue!) < 1e-12 * scale)
    }

    @Test(arguments: ["linearized", "averaged", "spectral_diagonal", "powerlaw_nn"])
    func aDivergentSettingIsReportedNotThrown(_ regime: String) throws {
        var values: [String: KeyValue] = ["N": .number(32), "steps": .number(3000), "log_every": .number(1)]
        var data = PowerLawData.synthetic
        var lr = 2.5 // above 2/λ_max: unstable even for gradient descent
        if regime == "powerlaw_nn" {
            data = .samples(dataset: "test", splits: regressionSplits(count: 32, features: 3, seed: 1))
            values["width"] = .number(32)
            // Far above the bound the ReLU units die and the loss stays finite; the network's divergence is
            // an overflow of its weights, which takes a huge step.
            lr = 1e6
        }
        let outcome = try runPowerLaw(regime, values, optimizer: sgd(lr), batch: 8, data: data)
        guard case let .diverged(divergence) = outcome.status else {
            Issue.record("\(regime): expected divergence, got \(outcome.status)")
            return
        }
        #expect(divergence.step >= 1 && divergence.step < 3000)
        #expect(divergence.lastFiniteStep == divergence.step - 1)
        #expect(divergence.lastFiniteLoss.isFinite)
        #expect(outcome.steps.last == divergence.lastFiniteStep && outcome.losses.last == divergence.lastFiniteLoss)
        #expect(outcome.losses.allSatisfy { $0.isFinite })
    }

    @Test func severalRunsStopAtTheEarliestDivergence() throws {
        let values: [String: KeyValue] = ["N": .number(32), "steps": .number(400), "runs": .number(5), "log_every": .number(10)]
        let outcome = try runPowerLaw("linearized", values, optimizer: sgd(2.2), batch: 4)
        guard case let .diverged(divergence) = outcome.status else {
            Issue.record("expected divergence, got \(outcome.status)")
            return
        }
        #expect(outcome.runs == 5)
        #expect(outcome.steps.last! < divergence.step && outcome.steps.last! + 10 >= divergence.step)
        #expect(outcome.standardErrors?.count == outcome.losses.count)
    }

    @Test func adamFollowsTheReferenceQuirk() throws {
        // One full batch: g = K̃d is deterministic, so the reference's update can be written out here.
        let n = 16, steps = 5, lr = 0.05
        let values: [String: KeyValue] = ["N": .number(Double(n)), "steps": .number(Double(steps))]
        let adam = PowerLawOptimizer(name: "adam", lr: lr, beta1: 0.8, beta2: 0.9, eps: 1e-6)
        let outcome = try runPowerLaw("linearized", values, optimizer: adam, batch: n)
        let problem = try SyntheticPowerLaw(size: n, nu: 1, kappa: 1, lambdaMin: 0, basis: .random, seed: 7).kernelProblem()
        var d = problem.initialError
        var p = [Double](repeating: 0, count: n), v = [Double](repeating: 0, count: n)
        var expected = [d.reduce(0) { $0 + $1 * $1 } / Double(2 * n)]
        for step in 1...steps {
            var g = [Double](repeating: 0, count: n)
            for i in 0..<n {
                for j in 0..<n { g[i] += Double(problem.kernel.pointer[i * n + j]) * d[j] }
                g[i] /= Double(n)
            }
            for i in 0..<n {
                p[i] = 0.2 * g[i] + 0.8 * p[i]
                v[i] = 0.1 * g[i] * g[i] + 0.9 * v[i]
                // Exponent step + 1: the first step divides by 1 − 0.8², not 1 − 0.8.
                let pHat = p[i] / (1 - pow(0.8, Double(step + 1))), vHat = v[i] / (1 - pow(0.9, Double(step + 1)))
                d[i] -= lr * pHat / (vHat.squareRoot() + 1e-6)
            }
            expected.append(d.reduce(0) { $0 + $1 * $1 } / Double(2 * n))
        }
        #expect(largestRelativeDifference(outcome.losses, expected) < 1e-12)
    }

    @Test func jacobiSchedule() {
        let schedule = StepSchedule.jacobi(lr: 2, a: 1, b: 1)
        // n = 1: α = 2·(5·6)/(2·3·4) = 2.5, β = 1·2·6/(3·4·4) = 0.25.
        #expect(abs(schedule.rate(1) - 2.5) < 1e-15 && abs(schedule.momentum(1) - 0.25) < 1e-15)
        // Large n: α → lr·2, β → 1.
        #expect(abs(schedule.rate(1_000_000) - 4) < 1e-5 && abs(schedule.momentum(1_000_000) - 1) < 1e-5)
        #expect(StepSchedule.constant(lr: 0.3, momentum: -0.5).momentum(9) == -0.5)
    }

    @Test func sameSeedSameCurvesOtherSeedOtherCurves() throws {
        let values: [String: KeyValue] = ["N": .number(32), "steps": .number(30), "runs": .number(3)]
        let a = try runPowerLaw("linearized", values, optimizer: sgd(0.5, momentum: -0.2), batch: 4, seed: 11)
        let b = try runPowerLaw("linearized", values, optimizer: sgd(0.5, momentum: -0.2), batch: 4, seed: 11)
        let c = try runPowerLaw("linearized", values, optimizer: sgd(0.5, momentum: -0.2), batch: 4, seed: 12)
        #expect(a == b)
        #expect(a.losses != c.losses)
        let data = PowerLawData.samples(dataset: "test", splits: regressionSplits(count: 40, features: 3, seed: 2))
        let network: [String: KeyValue] = ["N": .number(24), "steps": .number(15), "runs": .number(2), "width": .number(16)]
        let first = try runPowerLaw("powerlaw_nn", network, optimizer: sgd(0.5, momentum: -0.3), batch: 4, seed: 3, data: data)
        let second = try runPowerLaw("powerlaw_nn", network, optimizer: sgd(0.5, momentum: -0.3), batch: 4, seed: 3, data: data)
        #expect(first == second)
        #expect(first.standardErrors!.dropFirst().allSatisfy { $0 > 0 }, "the two runs draw different batches")
    }

    @Test func logScheduleAndInterruption() throws {
        let values: [String: KeyValue] = ["N": .number(16), "steps": .number(10), "log_every": .number(4)]
        let outcome = try runPowerLaw("spectral_diagonal", values, optimizer: sgd(0.5), batch: 2)
        #expect(outcome.steps == [0, 4, 8, 10] && outcome.losses.count == 4 && outcome.status == .completed)
        var polls = 0
        let stopped = try runPowerLaw("averaged", values, optimizer: sgd(0.5), batch: 2, shouldStop: {
            polls += 1
            return polls > 6
        })
        #expect(stopped.status == .interrupted(atStep: 7))
        #expect(stopped.steps == [0, 4])
    }
}
