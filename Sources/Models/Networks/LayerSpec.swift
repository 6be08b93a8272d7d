// The layers a feed-forward network is described with, like the modules of an `nn.Sequential`. Sizes
// that follow from the input (in-features, in-channels) are not written: they are derived when the
// network is built, and a mismatch is reported there.

/// One layer of a feed-forward stack.
public indirect enum LayerSpec: Equatable, Sendable {
    /// Fully connected layer over a flat input (`<name>.weight` (out, in), `<name>.bias` (out)).
    case linear(name: String, outFeatures: Int, bias: Bool = true)
    /// 2-D convolution over a (c, h, w) input, k×k kernel, zero padding on all sides
    /// (`<name>.weight` (oc, c, k, k), `<name>.bias` (oc) when `bias`).
    case conv2d(name: String, outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0, bias: Bool = true,
                initialization: WeightInitialization = .pytorchDefault)
    /// Batch normalisation per channel of a (c, h, w) input (`<name>.weight` γ, `<name>.bias` β; buffers
    /// `<name>.running_mean`, `<name>.running_var`).
    case batchNorm2d(name: String, eps: Float = 1e-5, momentum: Float = 0.1)
    case relu
    case tanh
    case sigmoid
    /// k×k max pooling with stride s, no padding, output size rounded down.
    case maxPool2d(kernel: Int, stride: Int)
    /// Zeroes each element with probability p in training, scaling the rest by 1/(1 − p).
    case dropout(p: Float)
    /// Zeroes whole channels of a (c, h, w) input with probability p in training (`nn.Dropout2d`).
    case dropout2d(p: Float)
    /// (c, h, w) → (c·h·w), keeping row-major order; no computation.
    case flatten
    /// (c, h, w) → (c): the mean over each channel's plane.
    case globalAvgPool
    /// `out = main(x) + shortcut(x)`, then ReLU if `reluAfter`; an empty shortcut is the identity.
    case residual(main: [LayerSpec], shortcut: [LayerSpec], reluAfter: Bool)
}

/// How a convolution's weight is drawn (biases always take PyTorch's default).
public enum WeightInitialization: Equatable, Sendable {
    /// U(−1/√fan_in, 1/√fan_in) with fan_in = c·k·k (PyTorch's `kaiming_uniform_(a=√5)`).
    case pytorchDefault
    /// N(0, 2/(k·k·oc)): He et al.'s fan-out normal, as the seeds' CIFAR ResNet initialises its convolutions.
    case kaimingNormalFanOut
}

/// What the last layer's output is trained against.
public enum LossHead: Equatable, Sendable {
    /// Softmax cross-entropy against class labels, mean over the batch (classification).
    case softmaxCrossEntropy
    /// Sigmoid, then binary cross-entropy against the input itself, mean over all elements (autoencoder).
    case sigmoidBinaryCrossEntropy
    /// Sigmoid, then squared error against the input itself, mean over all elements (autoencoder).
    case sigmoidSquaredError
    /// ½·mean over all elements of the squared error against the batch's targets (regression).
    case halfSquaredError

    /// The objective this head trains for.
    public var objective: Objective {
        switch self {
        case .softmaxCrossEntropy: return .classification
        case .sigmoidBinaryCrossEntropy, .sigmoidSquaredError: return .reconstruction
        case .halfSquaredError: return .regression
        }
    }
}

/// A stack of layers that does not fit its input: which layer, and why.
public struct ArchitectureError: Error, Equatable, CustomStringConvertible {
    /// The layer, e.g. `"conv2 (layer 4)"`.
    public var layer: String
    /// What is wrong, and what would fit.
    public var message: String
    public init(layer: String, _ message: String) {
        self.layer = layer
        self.message = message
    }
    public var description: String { "\(layer): \(message)" }
}
