// AdamW: Adam with decoupled weight decay (PyTorch's `torch.optim.AdamW`).
import Vocabulary

/// AdamW: Adam (see `Adam`) whose weight decay shrinks the parameters instead of entering the gradient:
///
///     x = x·(1 − lr·wd)                              (if wd ≠ 0; g unchanged)
///     then Adam's update without weight decay
///
/// Defaults are torch's (weight_decay 0.01). Build it through `OptimizerCatalog.make(name: "adamw", …)`.
public final class AdamW: CatalogedOptimizer {
    typealias Hyper = Adam.Hyper

    static let entry = OptimizerDescription(
        name: "adamw",
        summary: "Adam with decoupled weight decay (x shrinks by lr·weight_decay each step)",
        hyperparameters: [
            .learningRate(0.001), .adamBetas, .eps(1e-8),
            KeySpec("weight_decay", .number(0...Double.infinity), .number(0.01),
                               "decoupled weight decay: x is multiplied by 1 − lr·weight_decay before the step"),
            .amsgrad,
        ],
        reference: "torch.optim.AdamW",
        refused: [],
        checkedTogether: [["betas"]])

    static func hyper(_ values: CheckedHyperparameters) throws -> Hyper { try Adam.hyper(values) }

    public var lr: Double
    let hyper: Hyper
    let moments: AdamMoments

    init(layout: TensorLayout, hyper: Hyper) {
        self.hyper = hyper
        lr = hyper.lr
        moments = AdamMoments(layout: layout, amsgrad: hyper.amsgrad)
    }

    public func step(parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>) {
        moments.update(parameters: parameters, gradients: gradients, lr: lr, beta1: hyper.beta1, beta2: hyper.beta2,
                       eps: hyper.eps, l2: 0, decoupled: hyper.weightDecay)
    }

    public var admissions: AdmissionCounts { AdmissionCounts() }
    public func resetAdmissions() {}

    public func saveState() -> OptimizerState { moments.save(kind: Self.entry.name, lr: lr) }

    public func restoreState(_ state: OptimizerState) throws {
        try state.expect(kind: Self.entry.name)
        lr = try moments.restore(state)
    }
}
