// `sweep-bench powerlaw`: steps per second of the four power-law regimes at N = 1,000 and 10,000, run
// through the same entry point as `sweep run`, with the problem set-up (basis, kernel, eigensolver)
// timed apart from the steps. The set-up ends where the regime first polls `shouldStop`, just before
// step 1, so the two are split without any hook in the regimes.
import Foundation
import Models
import Vocabulary

/// Runs the power-law benchmark. Options: `--sizes 1000,10000` (the N to run), `--quick` (fewer steps),
/// `--setup N,N…` (instead: time the set-up pieces, basis and eigensolver, at those N).
func powerLawBenchmark(_ arguments: [String]) throws {
    var sizes = [1000, 10_000], quick = false
    var setupSizes: [Int]?
    var rest = arguments[...]
    func sizeList(_ option: String) throws -> [Int] {
        guard let text = rest.popFirst() else { throw BenchmarkError("\(option) needs a list such as 1000,10000") }
        return try text.split(separator: ",").map {
            guard let n = Int($0), n >= 16 else { throw BenchmarkError("\(option): \($0) is not an integer ≥ 16") }
            return n
        }
    }
    while let option = rest.popFirst() {
        switch option {
        case "--quick": quick = true
        case "--sizes": sizes = try sizeList(option)
        case "--setup": setupSizes = try sizeList(option)
        default: throw BenchmarkError("unknown option \(option) (valid: --sizes N,N…, --quick, --setup N,N…)")
        }
    }
    if let setupSizes { return try setupBenchmark(setupSizes) }
    print("power-law regimes: set-up (problem, basis, kernel, eigensolver) and step rate, one run each; "
          + "\(Compute.threads) threads for gemm, eigensolver and basis")
    print("problems: synthetic_powerlaw (ν = 1.5, κ = 1) or a network kernel on Gaussian inputs of 784 features "
          + "(MNIST's size; NTK of width 1000); batch 10, lr 0.5, momentum 0.3 (Adam: lr 0.01)\n")
    print("| regime | problem | N | steps timed | set-up s | µs per step | steps/s |")
    print("|---|---|---|---|---|---|---|")
    for n in sizes {
        for row in rows(n, quick: quick) {
            let timing = try time(row)
            print("| \(row.regime)\(row.label) | \(row.problem.label) | \(row.size) | \(row.steps) | \(format(timing.setup, 2)) | "
                  + "\(format(1e6 * timing.perStep, 1)) | \(format(1 / timing.perStep, timing.perStep > 1 ? 3 : 1)) |")
        }
    }
    if sizes.contains(where: { $0 > 4096 }) {
        print("\nNot run above N = 4096: averaged with a random basis. Its set-up draws a Haar basis in double "
              + "((8/3)·N³ flop: minutes at N = 10,000; `--setup` times it), and a step is two N³ gemms: at N = 10,000, "
              + "(10000/8192)³ ≈ 1.8 times the step of the N = 8192 row, which uses the Hadamard basis (set-up O(N²)).")
    }
}

/// Where a row's problem comes from.
private enum BenchmarkProblem {
    case synthetic(basis: String)
    case gaussian

    var label: String {
        switch self {
        case let .synthetic(basis): return "synthetic, \(basis) basis"
        case .gaussian: return "network kernel, Gaussian inputs"
        }
    }
}

/// One row: a regime on a problem for some steps, with extra keys.
private struct BenchmarkRow {
    var regime: String
    var label = ""
    var problem: BenchmarkProblem
    var size: Int
    var steps: Int
    var keys: [String: KeyValue] = [:]
    var optimizer = PowerLawOptimizer(name: "sgd", lr: 0.5, momentum: 0.3)
}

/// The rows for size n: enough steps for a stable rate, few where a step is costly.
private func rows(_ n: Int, quick: Bool) -> [BenchmarkRow] {
    let scale = quick ? 10 : 1
    let big = n > 4096
    var rows = [
        BenchmarkRow(regime: "spectral_diagonal", problem: .synthetic(basis: "random"), size: n, steps: 10_000),
        BenchmarkRow(regime: "linearized", problem: .gaussian, size: n, steps: 10_000 / scale),
        BenchmarkRow(regime: "linearized", label: " (adam)", problem: .gaussian, size: n, steps: 10_000 / scale,
                     optimizer: PowerLawOptimizer(name: "adam", lr: 0.01)),
    ]
    if big {
        rows.append(BenchmarkRow(regime: "averaged", problem: .synthetic(basis: "hadamard"), size: 8192, steps: 2))
    } else {
        rows.append(BenchmarkRow(regime: "averaged", problem: .synthetic(basis: "random"), size: n, steps: 50 / scale))
    }
    rows.append(BenchmarkRow(regime: "powerlaw_nn", label: ", loss every step", problem: .gaussian, size: n,
                             steps: big ? 20 : 200 / scale, keys: ["log_every": .number(1)]))
    rows.append(BenchmarkRow(regime: "powerlaw_nn", label: ", loss at start and end", problem: .gaussian, size: n,
                             steps: 5000 / scale, keys: ["log_every": .number(1_000_000)]))
    return rows
}

/// Runs one row; returns the set-up time and the time per step.
private func time(_ row: BenchmarkRow) throws -> (setup: Double, perStep: Double) {
    var keys: [String: KeyValue] = ["N": .number(Double(row.size)), "steps": .number(Double(row.steps)),
                                        "log_every": .number(Double(max(row.steps / 100, 1)))]
    let data: PowerLawData
    switch row.problem {
    case let .synthetic(basis):
        keys["nu"] = .number(1.5)
        keys["kappa"] = .number(1)
        keys["basis"] = .string(basis)
        data = .synthetic
    case .gaussian:
        keys["width"] = .number(1000)
        data = .samples(dataset: "gaussian", splits: gaussianSplits(count: row.size, features: 784))
    }
    keys.merge(row.keys) { $1 }
    let start = DispatchTime.now().uptimeNanoseconds
    var firstStep: UInt64?
    let outcome = try PowerLawCatalog.run(regime: row.regime, settings: Settings(keys), optimizer: row.optimizer, batchSize: 10,
                                          seed: 1, data: data, shouldStop: {
                                              if firstStep == nil { firstStep = DispatchTime.now().uptimeNanoseconds }
                                              return false
                                          })
    let end = DispatchTime.now().uptimeNanoseconds
    guard outcome.status == .completed, let firstStep else {
        throw BenchmarkError("\(row.regime) at N = \(row.size) did not complete: \(outcome.status)")
    }
    return (Double(firstStep - start) / 1e9, Double(end - firstStep) / 1e9 / Double(row.steps))
}

/// Times the O(N³) set-up pieces: the Haar basis of a synthetic problem (linearised and averaged
/// regimes), and the eigensolver on a network kernel (eigenvalues and d₀'s coordinates for the spectral
/// regime; the whole basis for the averaged one).
private func setupBenchmark(_ sizes: [Int]) throws {
    print("power-law set-up pieces (double precision, \(Compute.threads) threads where parallel), seconds\n")
    print("| N | Haar basis | eigenvalues + projection | eigenvalues + eigenvectors |")
    print("|---|---|---|---|")
    for n in sizes {
        var generator = SeededGenerator(seed: 1, stream: "bench")
        let t0 = DispatchTime.now().uptimeNanoseconds
        let basis = OrthonormalBasis.random(size: n, generator: &generator)
        let t1 = DispatchTime.now().uptimeNanoseconds
        // A symmetric matrix with a power-law spectrum in that basis stands in for a kernel.
        let problem = try SyntheticPowerLaw(size: n, nu: 1.5, kappa: 1, lambdaMin: 0, basis: .random, seed: 1).kernelProblem()
        let kernel = (0..<(n * n)).map { Double(problem.kernel.pointer[$0]) }
        let t2 = DispatchTime.now().uptimeNanoseconds
        _ = try SymmetricEigen(symmetric: kernel, size: n, projecting: [problem.initialError])
        let t3 = DispatchTime.now().uptimeNanoseconds
        _ = try SymmetricEigen.eigenvectors(symmetric: kernel, size: n)
        let t4 = DispatchTime.now().uptimeNanoseconds
        precondition(basis.count == n * n)
        print("| \(n) | \(format(Double(t1 - t0) / 1e9, 2)) | \(format(Double(t3 - t2) / 1e9, 2)) | \(format(Double(t4 - t3) / 1e9, 2)) |")
    }
}

/// Gaussian inputs with a smooth target: the cost of a data set without its files.
private func gaussianSplits(count: Int, features: Int) -> SampleSplits {
    var generator = SeededGenerator(seed: 3, stream: "bench")
    let x = (0..<(count * features)).map { _ in Float(generator.normal()) }
    let y = (0..<count).map { Float(sin(Double(x[$0 * features]))) }
    let set = SampleSet(features: x, sampleShape: [features], targets: y)
    return SampleSplits(train: set, valid: set, test: set, classes: 0)
}
