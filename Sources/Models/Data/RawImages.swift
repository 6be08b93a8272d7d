// Labelled images as their files store them (bytes, 0…255), before normalisation. Readers produce this
// without copying pixels out of the file's bytes; the split then converts only the images it keeps.

/// `count` labelled images of `shape` (channels, height, width) unsigned bytes each, channel-major.
/// Image `i` starts at `pixels.startIndex + offset + i·stride` (CIFAR interleaves a label between
/// images, so `stride` can exceed the image size).
public struct RawImages: Sendable {
    public var pixels: ArraySlice<UInt8>
    public var offset: Int
    public var stride: Int
    public var count: Int
    /// `[channels, height, width]`.
    public var shape: [Int]
    /// One class per image.
    public var labels: [Int32]

    public init(pixels: ArraySlice<UInt8>, offset: Int, stride: Int, count: Int, shape: [Int], labels: [Int32]) {
        precondition(shape.count == 3 && labels.count == count, "RawImages: shape \(shape), \(labels.count) labels for \(count) images")
        precondition(count == 0 || offset + (count - 1) * stride + shape.reduce(1, *) <= pixels.count,
                     "RawImages: \(count) images of stride \(stride) overrun \(pixels.count) bytes")
        self.pixels = pixels
        self.offset = offset
        self.stride = stride
        self.count = count
        self.shape = shape
        self.labels = labels
    }

    /// Bytes per image.
    public var imageSize: Int { shape.reduce(1, *) }
}

/// How pixel bytes become floats: `(byte / 255 − mean[c]) / std[c]` per channel `c`, in `Float`, in this
/// order (torchvision's `ToTensor` then `Normalize`), so the values are bit-identical to the studies'.
public struct PixelNormalization: Equatable, Sendable {
    /// Per-channel mean and standard deviation of pixels scaled to [0, 1].
    public var mean: [Float]
    public var std: [Float]

    public init(mean: [Float], std: [Float]) {
        precondition(mean.count == std.count, "PixelNormalization: \(mean.count) means, \(std.count) deviations")
        self.mean = mean
        self.std = std
    }

    /// Pixels scaled to [0, 1] only (`ToTensor` without `Normalize`), for `channels` channels.
    public static func unitRange(channels: Int) -> PixelNormalization {
        PixelNormalization(mean: Array(repeating: 0, count: channels), std: Array(repeating: 1, count: channels))
    }

    /// MNIST (seeds.md §1.11): mean 0.1307, std 0.3081.
    public static let mnist = PixelNormalization(mean: [0.1307], std: [0.3081])
    /// Fashion-MNIST's own statistics (mean 0.2860, std 0.3530 over its 60,000 training images); the seed
    /// studies used MNIST only, and MNIST's constants would leave Fashion-MNIST's inputs off-centre.
    public static let fashionMNIST = PixelNormalization(mean: [0.2860], std: [0.3530])
    /// CIFAR-10 (seeds.md §1.12): mean (125.3, 123.0, 113.9)/255, std (63.0, 62.1, 66.7)/255.
    public static let cifar10 = PixelNormalization(mean: [Float(125.3 / 255), Float(123.0 / 255), Float(113.9 / 255)],
                                                   std: [Float(63.0 / 255), Float(62.1 / 255), Float(66.7 / 255)])
    /// CIFAR-100 (seeds.md §1.12): mean (129.3, 124.1, 112.4)/255, std (68.2, 65.4, 70.4)/255.
    public static let cifar100 = PixelNormalization(mean: [Float(129.3 / 255), Float(124.1 / 255), Float(112.4 / 255)],
                                                    std: [Float(68.2 / 255), Float(65.4 / 255), Float(70.4 / 255)])
}

extension RawImages {
    /// The images at `indices`, in that order, as normalised floats with their labels.
    public func samples(at indices: [Int], normalization: PixelNormalization) -> SampleSet {
        let channels = shape[0], plane = shape[1] * shape[2], size = imageSize
        precondition(normalization.mean.count == channels, "normalisation for \(normalization.mean.count) channels, images have \(channels)")
        var chosenLabels = [Int32](repeating: 0, count: indices.count)
        // Every value is written below, so the buffer is not zero-filled first.
        let features = [Float](unsafeUninitializedCapacity: indices.count * size) { target, initialized in
            pixels.withUnsafeBufferPointer { source in
                for (row, index) in indices.enumerated() {
                    precondition(index >= 0 && index < count, "image index \(index) outside 0..<\(count)")
                    chosenLabels[row] = labels[index]
                    for c in 0..<channels {
                        normalizePlane(source.baseAddress! + offset + index * stride + c * plane,
                                       target.baseAddress! + row * size + c * plane, count: plane,
                                       mean: normalization.mean[c], std: normalization.std[c])
                    }
                }
            }
            initialized = indices.count * size
        }
        return SampleSet(features: features, sampleShape: shape, labels: chosenLabels)
    }

    /// Every image, in file order.
    public func allSamples(normalization: PixelNormalization) -> SampleSet {
        samples(at: Array(0..<count), normalization: normalization)
    }
}

/// `output[i] = (Float(input[i]) / 255 − mean) / std` for `count` pixels. A plain loop over pointers that
/// LLVM vectorises (`vpmovzxbd`, `vcvtdq2ps`, `vdivps` on 8-wide ymm registers, four at a time: the
/// skylake-avx512 target prefers 256-bit vectors); two divisions rather than one fused multiply-add,
/// because that is the rounding the references have.
@inline(__always)
func normalizePlane(_ input: UnsafePointer<UInt8>, _ output: UnsafeMutablePointer<Float>, count: Int, mean: Float, std: Float) {
    for i in 0..<count {
        output[i] = (Float(input[i]) / 255 - mean) / std
    }
}
