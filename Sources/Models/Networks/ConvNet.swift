// The seeds' ConvNets as layer lists (seeds.md §1.11, §1.12): the MNIST net, the CIFAR-10 LeNet-5 and
// the CIFAR-100 net with BatchNorm. Which one a run gets is the catalog's `variant` key.

/// Convolutional classifiers.
public enum ConvNet {
    /// The three forms.
    public enum Variant: String, CaseIterable, Sendable {
        /// For 1×28×28 inputs: conv 1→10 k5, maxpool 2, relu, conv 10→20 k5, Dropout2d 0.5, maxpool 2,
        /// relu, fc 320→50, relu, dropout 0.5, fc 50→classes.
        case mnist
        /// For 3×32×32 inputs: conv 3→6 k5, relu, maxpool 2, conv 6→16 k5, relu, maxpool 2,
        /// fc 400→120, relu, fc 120→84, relu, fc 84→classes.
        case cifar10
        /// For 3×32×32 inputs, the CIFAR-100 net: three conv blocks (k3 pad 1, BatchNorm on the first
        /// conv of each) of 32/64, 128/128, 256/256 channels, fc 4096→1024→512→classes with dropout.
        case cifar100
    }

    /// The layers of `variant` with `classes` outputs. Input channels and sizes follow from the input.
    public static func layers(_ variant: Variant, classes: Int) -> [LayerSpec] {
        switch variant {
        case .mnist:
            return [
                .conv2d(name: "conv1", outChannels: 10, kernel: 5), .maxPool2d(kernel: 2, stride: 2), .relu,
                .conv2d(name: "conv2", outChannels: 20, kernel: 5), .dropout2d(p: 0.5), .maxPool2d(kernel: 2, stride: 2), .relu,
                .flatten,
                .linear(name: "fc1", outFeatures: 50), .relu, .dropout(p: 0.5),
                .linear(name: "fc2", outFeatures: classes),
            ]
        case .cifar10:
            return [
                .conv2d(name: "conv1", outChannels: 6, kernel: 5), .relu, .maxPool2d(kernel: 2, stride: 2),
                .conv2d(name: "conv2", outChannels: 16, kernel: 5), .relu, .maxPool2d(kernel: 2, stride: 2),
                .flatten,
                .linear(name: "fc1", outFeatures: 120), .relu,
                .linear(name: "fc2", outFeatures: 84), .relu,
                .linear(name: "fc3", outFeatures: classes),
            ]
        case .cifar100:
            func conv(_ name: String, _ channels: Int) -> LayerSpec {
                .conv2d(name: name, outChannels: channels, kernel: 3, stride: 1, padding: 1)
            }
            return [
                conv("conv1", 32), .batchNorm2d(name: "bn1"), .relu, conv("conv2", 64), .relu, .maxPool2d(kernel: 2, stride: 2),
                conv("conv3", 128), .batchNorm2d(name: "bn2"), .relu, conv("conv4", 128), .relu, .maxPool2d(kernel: 2, stride: 2),
                .dropout2d(p: 0.05),
                conv("conv5", 256), .batchNorm2d(name: "bn3"), .relu, conv("conv6", 256), .relu, .maxPool2d(kernel: 2, stride: 2),
                .flatten, .dropout(p: 0.1),
                .linear(name: "fc1", outFeatures: 1024), .relu,
                .linear(name: "fc2", outFeatures: 512), .relu, .dropout(p: 0.1),
                .linear(name: "fc3", outFeatures: classes),
            ]
        }
    }
}
