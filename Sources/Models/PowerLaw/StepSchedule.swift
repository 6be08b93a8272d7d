// Learning rate and momentum per step (seeds.md §3.3, PLO `schedules/jacobi.py`): constant, or the
// Jacobi schedule whose steps are the three-term recurrence of Jacobi polynomials.

/// αₙ and βₙ for steps n = 1, 2, ….
public enum StepSchedule: Equatable, Sendable {
    /// αₙ = lr, βₙ = momentum.
    case constant(lr: Double, momentum: Double)
    /// The Jacobi schedule with parameters a, b > −1:
    ///
    ///     αₙ = lr·(2n+a+b+1)(2n+a+b+2) / (2(n+a+1)(n+a+b+1))
    ///     βₙ = n(n+b)(2n+a+b+2) / ((n+a+1)(n+a+b+1)(2n+a+b))
    case jacobi(lr: Double, a: Double, b: Double)

    /// αₙ, the learning rate of step n ≥ 1.
    public func rate(_ n: Int) -> Double {
        switch self {
        case let .constant(lr, _): return lr
        case let .jacobi(lr, a, b):
            let n = Double(n)
            return lr * (2 * n + a + b + 1) * (2 * n + a + b + 2) / (2 * (n + a + 1) * (n + a + b + 1))
        }
    }

    /// βₙ, the momentum of step n ≥ 1.
    public func momentum(_ n: Int) -> Double {
        switch self {
        case let .constant(_, momentum): return momentum
        case let .jacobi(_, a, b):
            let n = Double(n)
            return n * (n + b) * (2 * n + a + b + 2) / ((n + a + 1) * (n + a + b + 1) * (2 * n + a + b))
        }
    }
}
