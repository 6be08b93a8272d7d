// The CIFAR ResNet of the seeds (seeds.md §1.12, He et al. 2016 §4.2): depth 6n + 2 with basic blocks.

/// CIFAR ResNets.
public enum ResNet {
    /// Valid depths are 6n + 2 (20, 32, 44, 56, 110, …).
    public static func isValidDepth(_ depth: Int) -> Bool { depth >= 8 && (depth - 2) % 6 == 0 }

    /// stem conv 3×3 → 16 (no bias) + BN + ReLU; three stages of n = (depth − 2)/6 basic blocks with 16, 32, 64
    /// channels and strides 1, 2, 2; global average pooling; fc 64 → classes.
    ///
    /// A block is `relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))`, conv1 carrying the stride; the
    /// shortcut is the identity, or a 1×1 conv + BN (`downsample`) when the shape changes. Convolutions
    /// are drawn from N(0, 2/(k·k·out_channels)); the fc layer keeps PyTorch's default.
    public static func layers(depth: Int, classes: Int) -> [LayerSpec] {
        precondition(isValidDepth(depth), "ResNet.layers: depth \(depth) is not 6n + 2")
        func conv(_ name: String, _ channels: Int, kernel: Int = 3, stride: Int = 1) -> LayerSpec {
            .conv2d(name: name, outChannels: channels, kernel: kernel, stride: stride, padding: kernel / 2, bias: false,
                    initialization: .kaimingNormalFanOut)
        }
        var layers: [LayerSpec] = [conv("conv1", 16), .batchNorm2d(name: "bn1"), .relu]
        var channels = 16
        for (stage, (width, firstStride)) in [(16, 1), (32, 2), (64, 2)].enumerated() {
            for block in 0..<((depth - 2) / 6) {
                let prefix = "layer\(stage + 1).\(block)"
                let stride = block == 0 ? firstStride : 1
                let main = [conv(prefix + ".conv1", width, stride: stride), .batchNorm2d(name: prefix + ".bn1"), .relu,
                            conv(prefix + ".conv2", width), .batchNorm2d(name: prefix + ".bn2")]
                let shortcut: [LayerSpec] = stride != 1 || channels != width
                    ? [conv(prefix + ".downsample.0", width, kernel: 1, stride: stride), .batchNorm2d(name: prefix + ".downsample.1")]
                    : []
                layers.append(.residual(main: main, shortcut: shortcut, reluAfter: true))
                channels = width
            }
        }
        layers += [.globalAvgPool, .linear(name: "fc", outFeatures: classes)]
        return layers
    }
}
