// One power-law configuration read and checked against the catalog's keys, and run: the problem is
// built in the form the regime needs (a synthetic problem's eigenbasis and spectrum are known without a
// kernel or an eigensolver), then the regime takes its steps.
import Foundation
import Vocabulary

/// A checked configuration of one regime.
struct PowerLawConfiguration {
    typealias Keys = PowerLawCatalog.Keys

    let regime: PowerLawRegime
    let size: Int
    let steps: Int
    let logEvery: Int
    let schedule: StepSchedule
    let batchSize: Int
    let runs: Int
    let divergenceFactor: Double
    let tau: Double
    let width: Int
    /// Whether the network's lr is multiplied by N/λ_max(K_emp).
    let normalizesNetworkRate: Bool
    let rule: LinearizedRule
    /// ν, κ, λ_min and the basis (synthetic problems).
    let nu: Double, kappa: Double, lambdaMin: Double
    let basis: SyntheticPowerLaw.Basis
    let isSynthetic: Bool

    init(regime name: String, settings: Settings, optimizer: PowerLawOptimizer, batchSize: Int, dataset: String) throws {
        regime = try PowerLawCatalog.regime(name)
        guard regime.optimizers.contains(optimizer.name) else {
            throw PowerLawError.unsupportedOptimizer(regime: name, optimizer: optimizer.name, supported: regime.optimizers)
        }
        isSynthetic = dataset == PowerLawCatalog.syntheticDataset
        if isSynthetic && regime.name == PowerLawCatalog.network { throw PowerLawError.needsData(regime: name) }
        try Self.refuseForeignKeys(settings, regime: regime, dataset: dataset, synthetic: isSynthetic)
        do {
            size = try settings.integer(Keys.size)
            steps = try settings.integer(Keys.steps)
            logEvery = try settings.integer(Keys.logEvery)
            runs = try settings.integer(Keys.runs)
            divergenceFactor = try settings.number(Keys.divergenceFactor)
            tau = try settings.number(Keys.tau)
            width = try settings.integer(Keys.width)
            normalizesNetworkRate = try settings.string(Keys.lrNorm) == "kernel"
            nu = try settings.number(Keys.nu)
            kappa = try settings.number(Keys.kappa)
            lambdaMin = try settings.number(Keys.lambdaMin)
            basis = SyntheticPowerLaw.Basis(rawValue: try settings.string(Keys.basis)) ?? .random
            let a = try settings.number(Keys.a), b = try settings.number(Keys.b)
            let jacobi = try settings.string(Keys.schedule) == "jacobi"
            if !jacobi, let key = [Keys.a, Keys.b].first(where: { settings.values[$0.name] != nil }) {
                throw PowerLawError.inapplicableSetting(key: key.name, reason: "shapes the jacobi schedule, and this "
                    + "configuration's schedule is constant; set schedule to jacobi or remove \(key.name)")
            }
            try Self.checkOptimizer(optimizer, jacobi: jacobi)
            schedule = jacobi ? .jacobi(lr: optimizer.lr, a: a, b: b) : .constant(lr: optimizer.lr, momentum: optimizer.momentum)
        } catch let error as SettingError {
            throw PowerLawError.invalidSetting(error)
        }
        guard batchSize >= 1 && batchSize <= size else { throw PowerLawError.batchSize(batchSize, size: size) }
        self.batchSize = batchSize
        rule = optimizer.name == "adam" ? .adam(beta1: optimizer.beta1, beta2: optimizer.beta2, eps: optimizer.eps) : .sgd
        if isSynthetic && basis == .hadamard && size & (size - 1) != 0 { throw PowerLawError.hadamardSize(size) }
    }

    /// Keys the catalog knows that this regime, or this dataset, does not read.
    private static func refuseForeignKeys(_ settings: Settings, regime: PowerLawRegime, dataset: String, synthetic: Bool) throws {
        let own = Set(regime.settings.map(\.name))
        let problemKeys = PowerLawCatalog.syntheticDatasetSettings.map(\.name)
        for other in PowerLawCatalog.regimes {
            for spec in other.settings where !own.contains(spec.name) && settings.values[spec.name] != nil {
                let readers = PowerLawCatalog.regimes.filter { $0.settings.contains(spec) }.map(\.name)
                throw PowerLawError.inapplicableSetting(key: spec.name, reason: "regime \(regime.name) does not read it "
                    + "(only \(readers.joined(separator: ", ")) do)")
            }
        }
        if synthetic, settings.values[Keys.width.name] != nil {
            throw PowerLawError.inapplicableSetting(key: Keys.width.name, reason: "sets the width of the network whose "
                + "kernel a data set defines; synthetic_powerlaw has no network")
        }
        if !synthetic, let key = problemKeys.first(where: { settings.values[$0] != nil }) {
            throw PowerLawError.inapplicableSetting(key: key, reason: "is a parameter of dataset synthetic_powerlaw; dataset "
                + "\(dataset) defines its kernel through the network")
        }
    }

    private static func checkOptimizer(_ optimizer: PowerLawOptimizer, jacobi: Bool) throws {
        func invalid(_ key: String, _ value: Double, _ expected: String) -> PowerLawError {
            .invalidSetting(SettingError(key: key, "expected \(expected), got \(KeyValue.number(value).text)"))
        }
        guard optimizer.lr.isFinite && optimizer.lr >= 0 else { throw invalid("lr", optimizer.lr, "a number ≥ 0") }
        guard optimizer.momentum.isFinite else { throw invalid("momentum", optimizer.momentum, "a finite number") }
        if optimizer.name == "adam" {
            guard (0..<1).contains(optimizer.beta1) else { throw invalid("betas", optimizer.beta1, "b1 in [0, 1)") }
            guard (0..<1).contains(optimizer.beta2) else { throw invalid("betas", optimizer.beta2, "b2 in [0, 1)") }
            guard optimizer.eps.isFinite && optimizer.eps >= 0 else { throw invalid("eps", optimizer.eps, "a number ≥ 0") }
        }
        if jacobi && optimizer.momentum != 0 {
            throw PowerLawError.inapplicableSetting(key: "momentum", reason: "the jacobi schedule sets βₙ itself, so "
                + "momentum must be 0, got \(KeyValue.number(optimizer.momentum).text); or use schedule constant")
        }
    }

    // MARK: - Running

    func plan(seed: UInt64, shouldStop: @escaping () -> Bool) -> RunPlan {
        RunPlan(steps: steps, logEvery: logEvery, schedule: schedule, batchSize: batchSize, runs: runs,
                divergenceFactor: divergenceFactor, seed: seed, shouldStop: shouldStop)
    }

    func synthetic(seed: UInt64) -> SyntheticPowerLaw {
        SyntheticPowerLaw(size: size, nu: nu, kappa: kappa, lambdaMin: lambdaMin, basis: basis, seed: seed)
    }

    /// Bytes per N² entry the regime holds at its peak: kernels and states in single precision (4 bytes),
    /// bases and eigensolver copies in double (8), with the transient copies made while building them.
    func bytesPerEntry(synthetic: Bool) -> Double {
        switch regime.name {
        // Synthetic: the Gaussian draw and the basis (double), then K; data: K_emp and its two parts.
        case PowerLawCatalog.linearized: return synthetic ? 24 : 16
        // The basis (double) and seven single-precision states; data: the eigensolver's double copies first.
        case PowerLawCatalog.averaged: return synthetic ? 44 : 48
        // Synthetic needs no matrix; data: K, its double copy and the solver's working copy.
        case PowerLawCatalog.spectralDiagonal: return synthetic ? 0 : 28
        // K_emp and its two parts, for λ_max under lr_norm kernel.
        default: return normalizesNetworkRate ? 12 : 0
        }
    }

    /// Refuses a size whose N×N matrices exceed the machine's memory, before allocating any.
    func checkMemory(synthetic: Bool) throws {
        let perEntry = bytesPerEntry(synthetic: synthetic)
        guard perEntry > 0 else { return }
        let bytes = perEntry * Double(size) * Double(size)
        let available = Double(ProcessInfo.processInfo.physicalMemory)
        guard bytes > 0.9 * available else { return }
        let largest = Int((0.9 * available / perEntry).squareRoot())
        throw PowerLawError.tooLarge(regime: regime.name, size: size, bytes: bytes, available: available, largestSize: largest)
    }

    func run(seed: UInt64, data: PowerLawData, shouldStop: @escaping () -> Bool) throws -> PowerLawOutcome {
        try checkMemory(synthetic: isSynthetic)
        let plan = plan(seed: seed, shouldStop: shouldStop)
        let networkProblem: NetworkProblem?
        switch data {
        case .synthetic: networkProblem = nil
        case let .samples(dataset, splits):
            networkProblem = try NetworkProblem(splits: splits, dataset: dataset, size: size, width: width, seed: seed)
        }
        var largest: Double?
        /// The kernel form of the problem.
        func kernelProblem() throws -> KernelProblem {
            guard let networkProblem else { return try synthetic(seed: seed).kernelProblem() }
            let (problem, lambdaMax) = try networkProblem.kernelProblem()
            largest = lambdaMax
            return problem
        }
        var outcome: PowerLawOutcome
        switch regime.name {
        case PowerLawCatalog.network:
            guard let networkProblem else { throw PowerLawError.needsData(regime: regime.name) }
            _ = try networkProblem.initialError()
            var scale = 1.0
            if normalizesNetworkRate {
                let lambdaMax = try networkProblem.empiricalKernel().largestEigenvalue
                largest = lambdaMax
                scale = Double(size) / lambdaMax
            }
            outcome = try runNetwork(networkProblem, learningRateScale: scale, plan: plan)
            outcome.networkLearningRateScale = scale
        case PowerLawCatalog.linearized:
            outcome = runLinearized(try kernelProblem(), rule: rule, plan: plan)
        case PowerLawCatalog.averaged:
            let basis = networkProblem == nil ? try synthetic(seed: seed).eigenbasis() : try kernelProblem().eigenbasis()
            outcome = runAveraged(basis, plan: plan)
        default:
            let spectral = networkProblem == nil ? synthetic(seed: seed).spectral() : try kernelProblem().spectral()
            outcome = runSpectralDiagonal(spectral, tau: tau, plan: plan)
        }
        outcome.kernelLargestEigenvalue = largest
        return outcome
    }
}
