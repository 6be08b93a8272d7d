// What a power-law regime run returns: the loss curve at the logged steps (the mean over runs, with its
// standard error, for the stochastic regimes), and how the run ended.

/// The result of one regime run.
public struct PowerLawOutcome: Equatable, Sendable {
    /// Where a run's loss first left the finite range (or exceeded `divergence_factor` × its initial value).
    public struct Divergence: Equatable, Sendable {
        /// The first step whose loss failed the check.
        public var step: Int
        /// The last step whose loss was known to pass it (step − 1, except in the network regime, which
        /// evaluates the full training loss only at logged steps).
        public var lastFiniteStep: Int
        /// The loss at `lastFiniteStep`.
        public var lastFiniteLoss: Double

        public init(step: Int, lastFiniteStep: Int, lastFiniteLoss: Double) {
            self.step = step
            self.lastFiniteStep = lastFiniteStep
            self.lastFiniteLoss = lastFiniteLoss
        }
    }

    /// How the run ended.
    public enum Status: Equatable, Sendable {
        /// Every step was taken.
        case completed
        /// A run diverged (for several runs: the earliest divergence; the curve stops before it).
        case diverged(Divergence)
        /// `shouldStop` asked to stop before this step; the curve holds what was done. The regimes keep
        /// no resumable state: a later attempt starts over (they are minutes long, not days).
        case interrupted(atStep: Int)
    }

    /// The regime's name (`linearized`, …).
    public var regime: String
    /// The logged steps: 0, every `log_every`-th step, and the last step reached.
    public var steps: [Int]
    /// The loss ½·mean(d²) at each logged step (the mean over runs when `runs` > 1).
    public var losses: [Double]
    /// The standard error of that mean (sample standard deviation / √runs), when `runs` > 1.
    public var standardErrors: [Double]?
    /// How many runs the curve averages.
    public var runs: Int
    public var status: Status
    /// λ_max of the network's empirical NTK before rescaling (data-set problems), for the record.
    public var kernelLargestEigenvalue: Double?
    /// The factor applied to the network regime's learning rate (N/λ_max with `lr_norm` kernel, else 1).
    public var networkLearningRateScale: Double?

    public init(regime: String, steps: [Int], losses: [Double], standardErrors: [Double]?, runs: Int, status: Status,
                kernelLargestEigenvalue: Double? = nil, networkLearningRateScale: Double? = nil) {
        self.regime = regime
        self.steps = steps
        self.losses = losses
        self.standardErrors = standardErrors
        self.runs = runs
        self.status = status
        self.kernelLargestEigenvalue = kernelLargestEigenvalue
        self.networkLearningRateScale = networkLearningRateScale
    }

    /// The last logged loss.
    public var finalLoss: Double? { losses.last }
}
