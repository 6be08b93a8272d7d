// The bookkeeping every regime shares: which steps are logged, when a run counts as diverged, and the
// mean and standard error of several runs' curves. The regimes only compute losses.

/// What every regime runs: steps, logging, schedule, batches, runs, the divergence rule, the seed.
struct RunPlan {
    var steps: Int
    /// Log step 0, every `logEvery`-th step, and step `steps`.
    var logEvery: Int
    var schedule: StepSchedule
    var batchSize: Int
    /// Independent runs (stochastic regimes only).
    var runs: Int
    /// A loss above this × the initial loss counts as diverged, as does NaN or ±∞.
    var divergenceFactor: Double
    var seed: UInt64
    /// Polled before every step.
    var shouldStop: () -> Bool

    func isLogged(_ step: Int) -> Bool { step % logEvery == 0 || step == steps }

    /// γ = (N − B)/((N − 1)·B): the variance factor of a batch of B drawn without replacement from N.
    func gamma(size: Int) -> Double { Double(size - batchSize) / (Double(size - 1) * Double(batchSize)) }
}

/// How one run ended.
enum RunEnd {
    case completed
    case diverged(PowerLawOutcome.Divergence)
    case interrupted(atStep: Int)
}

/// One run's losses at the logged steps, checked for divergence as they arrive.
struct RunRecorder {
    let plan: RunPlan
    private let limit: Double
    /// Losses at the logged steps so far.
    private(set) var losses: [Double] = []
    private(set) var end = RunEnd.completed
    private var lastStep = 0
    private var lastLoss: Double

    /// Starts a run at step 0 with `initialLoss` (finite: checked by the caller).
    init(plan: RunPlan, initialLoss: Double) {
        self.plan = plan
        limit = initialLoss > 0 ? plan.divergenceFactor * initialLoss : .infinity
        lastLoss = initialLoss
        losses.reserveCapacity(plan.steps / plan.logEvery + 2)
        losses.append(initialLoss)
    }

    /// Whether `loss` passes the divergence check.
    func accepts(_ loss: Double) -> Bool { loss.isFinite && loss <= limit }

    /// Records the loss after `step` (logged if the step is); returns false, and ends the run as
    /// diverged, when it fails the check.
    mutating func record(step: Int, loss: Double) -> Bool {
        guard accepts(loss) else {
            end = .diverged(PowerLawOutcome.Divergence(step: step, lastFiniteStep: lastStep, lastFiniteLoss: lastLoss))
            return false
        }
        lastStep = step
        lastLoss = loss
        if plan.isLogged(step) { losses.append(loss) }
        return true
    }

    /// Ends the run before `step`: `shouldStop` said so.
    mutating func interrupt(at step: Int) { end = .interrupted(atStep: step) }
}

/// Several runs' curves, accumulated run by run (Welford's update per logged step, in run order, so the
/// result does not depend on anything but the curves), and the outcome they make.
struct CurveStatistics {
    private var mean: [Double] = []
    private var squares: [Double] = []
    /// Logged points every run so far has reached.
    private var common = Int.max
    private(set) var runs = 0
    private(set) var status = PowerLawOutcome.Status.completed

    /// The last step later runs need to reach: the step before the earliest divergence so far (their
    /// curves past it would be cut from the mean anyway), else `steps`.
    private(set) var lastUsefulStep: Int

    init(steps: Int) { lastUsefulStep = steps }

    /// Adds one run's curve and end.
    mutating func add(_ run: RunRecorder) {
        let losses = run.losses
        runs += 1
        let count = Double(runs)
        if mean.count < losses.count {
            mean += [Double](repeating: 0, count: losses.count - mean.count)
            squares += [Double](repeating: 0, count: losses.count - squares.count)
        }
        for (i, loss) in losses.enumerated() {
            let delta = loss - mean[i]
            mean[i] += delta / count
            squares[i] += delta * (loss - mean[i])
        }
        common = min(common, losses.count)
        switch run.end {
        case .completed: break
        case let .diverged(divergence):
            if case let .diverged(earlier) = status, earlier.step <= divergence.step { break }
            status = .diverged(divergence)
            lastUsefulStep = min(lastUsefulStep, divergence.step - 1)
        case let .interrupted(step):
            status = .interrupted(atStep: step)
        }
    }

    /// The mean curve over the logged steps all runs reached, with standard errors for several runs.
    func outcome(regime: String, plan: RunPlan) -> PowerLawOutcome {
        let points = runs == 0 ? 0 : common
        // The logged steps are 0, L, 2L, … and then `steps` itself.
        let steps = (0..<points).map { min($0 * plan.logEvery, plan.steps) }
        let errors: [Double]? = runs > 1
            ? (0..<points).map { (squares[$0] / Double(runs - 1)).squareRoot() / Double(runs).squareRoot() }
            : nil
        return PowerLawOutcome(regime: regime, steps: steps, losses: Array(mean.prefix(points)), standardErrors: errors,
                               runs: runs, status: status)
    }
}
