// Logistic regression and fully connected networks as layer lists (seeds.md §1.11: `LR`, `NeuralNet`).

/// Fully connected stacks.
public enum MLP {
    /// The hidden activation of an `MLP`.
    public enum Activation: String, CaseIterable, Sendable {
        case relu, tanh
        var layer: LayerSpec { self == .relu ? .relu : .tanh }
    }

    /// Logistic regression: flatten, then one linear layer `linear` to `outputs` (the seeds' `LR`,
    /// 784 → 10 on MNIST).
    public static func logisticRegression(outputs: Int) -> [LayerSpec] {
        [.flatten, .linear(name: "linear", outFeatures: outputs)]
    }

    /// flatten → fc1 → act → fc2 → act → … → fc(k+1) to `outputs`, one linear layer per hidden width
    /// (the seeds' `NeuralNet` is hidden [32] with ReLU; its log-softmax + NLL is our softmax cross-entropy).
    public static func fullyConnected(hidden: [Int], activation: Activation, outputs: Int) -> [LayerSpec] {
        var layers: [LayerSpec] = [.flatten]
        for (i, width) in hidden.enumerated() {
            layers.append(.linear(name: "fc\(i + 1)", outFeatures: width))
            layers.append(activation.layer)
        }
        layers.append(.linear(name: "fc\(hidden.count + 1)", outFeatures: outputs))
        return layers
    }
}

/// The AggMo study's MNIST autoencoder (seeds.md §2.3).
public enum Autoencoder {
    /// flatten → encoder: Linear to each of `widths` with ReLU between (the last width is the code, with
    /// no activation) → decoder: the widths in reverse with ReLU after each, then Linear back to
    /// `features`; the sigmoid is the loss head's. Default widths 1000, 500, 250, 30.
    public static func layers(features: Int, widths: [Int]) -> [LayerSpec] {
        var layers: [LayerSpec] = [.flatten]
        for (i, width) in widths.enumerated() {
            layers.append(.linear(name: "encoder\(i + 1)", outFeatures: width))
            if i < widths.count - 1 { layers.append(.relu) }
        }
        for (i, width) in widths.dropLast().reversed().enumerated() {
            layers.append(.linear(name: "decoder\(i + 1)", outFeatures: width))
            layers.append(.relu)
        }
        layers.append(.linear(name: "decoder\(widths.count)", outFeatures: features))
        return layers
    }
}
