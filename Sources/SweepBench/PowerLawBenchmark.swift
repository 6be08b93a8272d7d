// `sweep-bench powerlaw`: steps per second of the four power-law regimes at N = 1,000 and 10,000, run
// through the same entry point as `sweep run`, with the problem set-up (basis, kernel, eigensolver)
// timed apart from the steps. The set-up ends where the regime first polls `shouldStop`, just before
// step 1, so the two are split without any hook in the regimes.
import Foundation
import Models

/// Runs the power-law benchmark. Options: `--sizes 1000,10000` (the N to run), `--quick` (fewer steps).
func powerLawBenchmark(_ arguments: [String]) throws {
    var sizes = [1000, 10_000], quick = false
    var rest = arguments[...]
    while let option = rest.popFirst() {
        switch option {
        case "--quick": quick = true
        case "--sizes":
            guard let text = rest.popFirst() else { throw BenchmarkError.badOption("--sizes needs a list such as 1000,10000") }
            sizes = try text.split(separator: ",").map {
                guard let n = Int($0), n >= 16 else { throw BenchmarkError.badOption("--sizes: \($0) is not an integer ≥ 16") }
                return n
            }
        default: throw BenchmarkError.badOption("unknown option \(option) (valid: --sizes N,N…, --quick)")
        }
    }
    print("power-law regimes: set-up (problem, basis, kernel, eigensolver) and step rate, one run each; "
          + "\(Compute.threads) threads for gemm, eigensolver and basis")
    print("problems: synthetic_powerlaw (ν = 1.5, κ = 1, random basis) for the kernel regimes; for powerlaw_nn "
          + "Gaussian inputs of 784 features (MNIST's size), width 1000, lr_norm kernel; batch 10, lr 0.5, momentum 0.3\n")
    print("| regime | N | steps timed | set-up s | step ms | steps/s |")
    print("|---|---|---|---|---|---|")
    for n in sizes {
        for case let (regime, steps, options) in plans(n, quick: quick) {
            let timing = try timeRegime(regime, n: n, steps: steps, options: options)
            print("| \(regime)\(options.label) | \(n) | \(steps) | \(format(timing.setup, 2)) | "
                  + "\(format(1e3 * timing.perStep, 3)) | \(format(1 / timing.perStep, 1)) |")
        }
    }
}

/// What one benchmark row runs besides the regime: extra keys and a label for them.
private struct RowOptions {
    var keys: [String: SettingValue] = [:]
    var label = ""
}

/// The rows for size n: enough steps for a stable rate, few where a step is costly.
private func plans(_ n: Int, quick: Bool) -> [(String, Int, RowOptions)] {
    let scale = quick ? 10 : 1
    let big = n > 3000
    return [
        ("spectral_diagonal", 10_000, RowOptions(keys: ["tau": .number(1)])),
        ("linearized", 10_000 / scale, RowOptions()),
        ("linearized", 1000 / scale, RowOptions(keys: ["runs": .number(1)], label: " (adam)")),
        ("averaged", big ? 2 : 50 / scale, RowOptions()),
        ("powerlaw_nn", big ? 20 : 200 / scale, RowOptions(keys: ["log_every": .number(1)], label: ", log_every 1")),
        ("powerlaw_nn", big ? 2000 / scale : 5000 / scale, RowOptions(keys: ["log_every": .number(1_000_000)],
                                                                     label: ", loss at start and end")),
    ]
}

/// Runs one regime for `steps` steps at size n; returns the set-up time and the time per step.
private func timeRegime(_ regime: String, n: Int, steps: Int, options: RowOptions) throws -> (setup: Double, perStep: Double) {
    var keys: [String: SettingValue] = ["N": .number(Double(n)), "steps": .number(Double(steps)),
                                        "log_every": .number(Double(max(steps / 100, 1)))]
    var data = PowerLawData.synthetic
    if regime == "powerlaw_nn" {
        keys["width"] = .number(1000)
        data = .samples(dataset: "gaussian", splits: gaussianSplits(count: n, features: 784))
    } else {
        keys["nu"] = .number(1.5)
        keys["kappa"] = .number(1)
    }
    keys.merge(options.keys) { $1 }
    let optimizer = options.label.contains("adam") ? PowerLawOptimizer(name: "adam", lr: 0.01)
        : PowerLawOptimizer(name: "sgd", lr: 0.5, momentum: 0.3)
    let start = DispatchTime.now().uptimeNanoseconds
    var firstStep: UInt64?
    let outcome = try PowerLawCatalog.run(regime: regime, settings: Settings(keys), optimizer: optimizer, batchSize: 10,
                                          seed: 1, data: data, shouldStop: {
                                              if firstStep == nil { firstStep = DispatchTime.now().uptimeNanoseconds }
                                              return false
                                          })
    let end = DispatchTime.now().uptimeNanoseconds
    guard outcome.status == .completed, let firstStep else {
        throw BenchmarkError.badOption("\(regime) at N = \(n) did not complete: \(outcome.status)")
    }
    return (Double(firstStep - start) / 1e9, Double(end - firstStep) / 1e9 / Double(steps))
}

/// Gaussian inputs with a smooth target: the cost of a data set without its files.
private func gaussianSplits(count: Int, features: Int) -> SampleSplits {
    var generator = SeededGenerator(seed: 3, stream: "bench")
    let x = (0..<(count * features)).map { _ in Float(generator.normal()) }
    let y = (0..<count).map { Float(sin(Double(x[$0 * features]))) }
    let set = SampleSet(features: x, sampleShape: [features], targets: y)
    return SampleSplits(train: set, valid: set, test: set, classes: 0)
}
