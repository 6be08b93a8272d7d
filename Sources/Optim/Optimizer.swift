// The interface every optimizer offers to the training loop. Optimizers see flat Float buffers and the
// ranges of the parameter tensors inside them, never a network.

/// An optimizer over one flat parameter buffer made of consecutive tensors (one parameter group).
///
/// It is built with the tensors' ranges in the buffer (in model order: the critical-gradient key and
/// per-tensor state depend on it); `step` reads the gradients and updates the parameters in place.
public protocol Optimizer: AnyObject {
    /// The learning rate of the next step. Schedules set it; it starts at the configured `lr`.
    var lr: Double { get set }

    /// Applies one update. Both buffers have the length of the parameter block the optimizer was built
    /// for. Must not allocate after the first step.
    func step(parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>)

    /// Admission decisions of a critical-gradient buffer since the last reset (zero for others).
    var admissions: AdmissionCounts { get }
    /// Starts a new count (the seeds reset it every epoch).
    func resetAdmissions()

    /// Everything needed to continue bit for bit after a restart (step counts, moments, buffers).
    func saveState() -> OptimizerState
    /// Restores what `saveState` gave; throws if the state belongs to another optimizer or shape.
    func restoreState(_ state: OptimizerState) throws
}

/// How many gradients a full critical-gradient buffer admitted and rejected, counted per tensor and step
/// as the reference does (`offline_grad` yes/no).
public struct AdmissionCounts: Equatable, Sendable, Codable {
    public var admitted: Int
    public var rejected: Int
    public init(admitted: Int = 0, rejected: Int = 0) {
        self.admitted = admitted
        self.rejected = rejected
    }
    /// Share of decisions that admitted the gradient, or nil before the buffer is first full.
    public var admittedShare: Double? {
        admitted + rejected == 0 ? nil : Double(admitted) / Double(admitted + rejected)
    }
}

/// An optimizer's state as named arrays, for checkpoints. Names are stable within an optimizer kind
/// (e.g. `"expAvg.0"` for the first tensor's first moment); values round-trip bit for bit.
public struct OptimizerState: Equatable, Sendable, Codable {
    /// Which optimizer wrote it (its registry name), checked on restore.
    public var kind: String
    public var floats: [String: [Float]]
    public var doubles: [String: [Double]]
    public var ints: [String: [Int]]

    public init(kind: String, floats: [String: [Float]] = [:], doubles: [String: [Double]] = [:],
                ints: [String: [Int]] = [:]) {
        self.kind = kind
        self.floats = floats
        self.doubles = doubles
        self.ints = ints
    }
}
