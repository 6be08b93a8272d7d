// Learning-rate schedules: what the optimizer's `lr` is at each step of a run. Epoch-based shapes change
// once per epoch, like PyTorch schedulers stepped at the end of each epoch; the linear warm-up works per
// step and wraps any shape.
import Foundation

/// A learning rate as a function of the epoch (0-based) and the step within it.
public struct LearningRateSchedule: Equatable, Sendable {
    /// How the rate changes from epoch to epoch. Epoch e is 0-based: the rate after e epoch-end
    /// `scheduler.step()` calls in PyTorch.
    public enum Shape: Equatable, Sendable {
        /// lr throughout.
        case constant
        /// lr·γ^(number of milestones ≤ e): `MultiStepLR`.
        case step(milestones: [Int], gamma: Double)
        /// lr·γ^e: `ExponentialLR`.
        case exponential(gamma: Double)
        /// η + (lr − η)·(1 + cos(π·e/T))/2, T = tMax, η = etaMin: `CosineAnnealingLR` (closed form; past T
        /// it keeps following the cosine).
        case cosine(tMax: Int, etaMin: Double)
        /// Cosine cycles with warm restarts as in the alternating-synthetic-gradients study (seeds.md §4):
        /// with one base b the cycles last b, b, 2b, 4b, … epochs; with a list, restarts follow the
        /// list. Within a cycle of length L the rate is η + (lr − η)·(1 + cos(π·j/L))/2, j = 0 … L − 1.
        case cosineRestarts(bases: [Int], etaMin: Double)
        /// lr·(T − s)/T at global step s of T = epochs·stepsPerEpoch, per step: transformers'
        /// `get_linear_schedule_with_warmup` with no warm-up steps, stepped after every optimizer step
        /// (the MultiWoZ fine-tuning of the critical-gradient study).
        case linear(epochs: Int)
    }

    /// The configured rate the shape scales.
    public var lr: Double
    public var shape: Shape
    /// Linear warm-up length in epochs (may be fractional; 0: none).
    public var warmupEpochs: Double

    public init(lr: Double, shape: Shape = .constant, warmupEpochs: Double = 0) {
        self.lr = lr
        self.shape = shape
        self.warmupEpochs = warmupEpochs
    }

    /// The rate for step `step` (0-based) of epoch `epoch` (0-based). During the first
    /// round(warmupEpochs·stepsPerEpoch) steps of the run, global step s uses the epoch's rate times
    /// (s + 1)/warm-up steps, so the first step is not wasted and the last warm-up step reaches it.
    public func lr(epoch: Int, step: Int, stepsPerEpoch: Int) -> Double {
        var rate = epochLR(epoch)
        let warmupSteps = Int((warmupEpochs * Double(stepsPerEpoch)).rounded())
        let s = epoch * stepsPerEpoch + step
        if case let .linear(epochs) = shape {
            let total = Double(max(epochs * stepsPerEpoch, 1))
            rate = lr * max(0, (total - Double(s)) / total)
        }
        return s < warmupSteps ? rate * Double(s + 1) / Double(warmupSteps) : rate
    }

    /// The rate of epoch `epoch` (0-based), before warm-up.
    public func epochLR(_ epoch: Int) -> Double {
        switch shape {
        case .constant, .linear:
            return lr
        case let .step(milestones, gamma):
            var passed = 0
            for milestone in milestones where milestone <= epoch { passed += 1 }
            return lr * pow(gamma, Double(passed))
        case let .exponential(gamma):
            return lr * pow(gamma, Double(epoch))
        case let .cosine(tMax, etaMin):
            return etaMin + (lr - etaMin) * (1 + cos(Double.pi * Double(epoch) / Double(tMax))) / 2
        case let .cosineRestarts(bases, etaMin):
            return restartLR(epoch: epoch + 1, bases: bases, etaMin: etaMin)
        }
    }

    /// The reference's per-epoch rule, literally (its epochs are 1-based): with sb the current base and
    /// flag = 1 after the first restart, epoch e gets cos_lr(sb − flag·sb/2, e − 1 − flag·sb/2), where
    /// cos_lr(nb, t) = η + (lr − η)·(1 + cos(π·(t mod ⌊nb⌋)/⌊nb⌋))/2; an epoch e > sb is a restart: it
    /// gets lr, and sb moves to the next base (one base: doubles). Past the last base of a list the base
    /// keeps doubling (the reference stops with an IndexError there; the catalog refuses such runs).
    private func restartLR(epoch e: Int, bases: [Int], etaMin: Double) -> Double {
        var sb = Double(bases[0]), flag = 0.0, index = 0
        func advance() {
            flag = 1
            index += 1
            sb = bases.count > 1 && index < bases.count ? Double(bases[index]) : 2 * sb
        }
        // Restarts happen at the first epoch past sb; with increasing bases that is sb + 1 each time.
        var restartEpoch = Int(sb) + 1
        while restartEpoch < e {
            advance()
            restartEpoch = max(restartEpoch + 1, Int(sb) + 1)
        }
        if e == restartEpoch { return lr }
        let nb = (sb - flag * sb / 2).rounded(.down)
        let t = Double(e) - 1 - flag * sb / 2
        let position = t - (t / nb).rounded(.down) * nb  // Python's float modulo: the sign of the divisor
        return etaMin + (lr - etaMin) * (1 + cos(Double.pi * position / nb)) / 2
    }
}
