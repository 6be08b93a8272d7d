// The epoch header of alternate_sg's `main.py` (alt_sg.md §5.1): per epoch, the learning rate (cosine
// cycles with warm restarts) and the synthetic-gradient switch (toggled at restarts with `mixture`, and
// at the `whenswitch` epochs). A state machine stepped once per epoch, Codable so a checkpoint resumes
// it exactly. The per-batch seq_len/bptt factor is applied by the trainer, not here.
import Foundation

/// alternate_sg's epoch schedule.
///
///     before epoch 1: switcher ← false, k ← 0, sb ← restart_base[0], flag ← 0, lr ← lr₀
///     cos_lr(nb, t) = lr₀/2 · (1 + cos(π·(t mod ⌊nb⌋)/⌊nb⌋))         (Python's float modulo: ≥ 0)
///     epoch e:
///       if restart_lr: lr ← cos_lr(sb − flag·sb/2, e − 1 − flag·sb/2)     (sb before the update below)
///       if e > sb:   flag ← 1;  sb ← restart_base[++k] (a list) or 2·sb (one base);  lr ← lr₀
///                    if use_sg and mixture: switcher ← ¬switcher
///       if e ∈ whenswitch: switcher ← ¬switcher
///       SG injected in epoch e iff use_sg ∧ switcher
///
/// `--autodecay` and `--when` (steps 8–9 of §5.1) are no-ops at alternate_sg's defaults and are not
/// modelled. QUIRK (alt_sg.md Q17, reproduce): a restart resets lr to lr₀ even without restart_lr, and a
/// non-doubling list gives mid-cosine starts. Q17's list overflow (an IndexError in the reference) is
/// fixed: `beginEpoch` throws, and grids are refused before that (`validate`).
public struct AltSGSchedule: Codable, Equatable, Sendable {
    public struct Settings: Codable, Equatable, Sendable {
        /// lr₀ (`--lr`).
        public var lr: Double
        /// `--restart_base`: one base (doubling cycles) or a list of cycle ends; alternate_sg's default
        /// [9999] never restarts in practice.
        public var restartBase: [Int]
        /// `--restart_lr`: cosine within cycles (else the lr stays lr₀).
        public var restartLR: Bool
        /// `--use_sg`: a synthesizer exists and is trained.
        public var useSG: Bool
        /// `--mixture`: toggle the SG switch at each restart.
        public var mixture: Bool
        /// `--whenswitch`: epochs at which the switch toggles (alternate_sg's default [−1]: never).
        public var whenSwitch: [Int]

        public init(lr: Double, restartBase: [Int] = [9999], restartLR: Bool = false, useSG: Bool = false, mixture: Bool = false,
                    whenSwitch: [Int] = [-1]) {
            (self.lr, self.restartBase, self.restartLR, self.useSG, self.mixture, self.whenSwitch) =
                (lr, restartBase, restartLR, useSG, mixture, whenSwitch)
        }
    }

    /// What one epoch runs with.
    public struct Epoch: Equatable, Sendable {
        /// The optimizer lr for the epoch, before the per-batch seq_len/bptt factor.
        public var lr: Double
        /// The raw switch.
        public var switcher: Bool
        /// Whether synthetic gradients are injected (use_sg ∧ switcher): the logged flag.
        public var sgOn: Bool
        /// Whether a warm restart happened at the start of this epoch.
        public var restart: Bool
        /// The cycle end after the header (main.py's `switch_base`).
        public var switchBase: Int

        public init(lr: Double, switcher: Bool, sgOn: Bool, restart: Bool, switchBase: Int) {
            (self.lr, self.switcher, self.sgOn, self.restart, self.switchBase) = (lr, switcher, sgOn, restart, switchBase)
        }
    }

    public let settings: Settings
    /// The last epoch begun (0 before the first).
    public private(set) var epoch = 0
    public private(set) var switcher = false
    public private(set) var index = 0
    public private(set) var switchBase: Int
    public private(set) var flag = 0
    public private(set) var lr: Double

    public init(_ settings: Settings) throws {
        try Self.validate(settings, epochs: nil)
        self.settings = settings
        switchBase = settings.restartBase[0]
        lr = settings.lr
    }

    /// Refuses settings the reference cannot run: an empty or non-positive restart list, and (given
    /// `epochs`) a list that runs out before the last epoch (the reference's IndexError, Q17).
    public static func validate(_ settings: Settings, epochs: Int?) throws {
        guard !settings.restartBase.isEmpty, settings.restartBase.allSatisfy({ $0 >= 1 }) else {
            throw OptimizerError.conflict("restart_base needs positive epochs, got \(settings.restartBase)")
        }
        guard settings.lr > 0, settings.lr.isFinite else { throw OptimizerError.conflict("the lr must be positive, got \(settings.lr)") }
        if let epochs, settings.restartBase.count > 1 {
            var probe = AltSGSchedule(unchecked: settings)
            for e in 1...max(1, epochs) {
                do {
                    _ = try probe.beginEpoch(e)
                } catch {
                    throw OptimizerError.conflict("restart_base \(settings.restartBase) runs out at epoch \(e) of \(epochs) "
                        + "(alternate_sg stops there with an IndexError); add a later restart or shorten the run")
                }
            }
        }
    }

    private init(unchecked settings: Settings) {
        self.settings = settings
        switchBase = settings.restartBase[0]
        lr = settings.lr
    }

    /// lr₀/2 · (1 + cos(π·(t mod ⌊nb⌋)/⌊nb⌋)), with Python's float modulo.
    static func cosineLR(_ lr0: Double, nb: Double, t: Double) -> Double {
        let period = nb.rounded(.down)
        var phase = fmod(t, period)
        if phase != 0 && (phase < 0) != (period < 0) { phase += period }
        return lr0 / 2 * (1 + cos(Double.pi * phase / period))
    }

    /// Runs the header of epoch `e` (1-based, the next one) and returns what the epoch trains with.
    public mutating func beginEpoch(_ e: Int) throws -> Epoch {
        precondition(e == epoch + 1, "AltSGSchedule: epoch \(e) after epoch \(epoch)")
        let lr0 = settings.lr, sb = Double(switchBase), f = Double(flag)
        if settings.restartLR {
            lr = Self.cosineLR(lr0, nb: sb - f * sb / 2, t: Double(e - 1) - f * sb / 2)
        }
        var restart = false
        if e > switchBase {
            restart = true
            flag = 1
            if settings.restartBase.count > 1 {
                guard index + 1 < settings.restartBase.count else {
                    throw OptimizerError.conflict("restart_base \(settings.restartBase) has no entry after \(switchBase) for epoch \(e)")
                }
                index += 1
                switchBase = settings.restartBase[index]
            } else {
                switchBase *= 2
            }
            lr = lr0
            if settings.useSG && settings.mixture { switcher.toggle() }
        }
        if settings.whenSwitch.contains(e) { switcher.toggle() }
        epoch = e
        return Epoch(lr: lr, switcher: switcher, sgOn: settings.useSG && switcher, restart: restart, switchBase: switchBase)
    }
}
