// Turning a list of `LayerSpec`s into what a `FeedForwardNetwork` runs: the operations with every size
// resolved, the parameter and buffer layouts, the initialisers, and the per-sample buffers a batch needs.
// Shapes are per sample: (features) or (channels, height, width).

/// A resolved layer. Integers are region ids in the network's arenas (activations and their gradients
/// share ids), offsets into the parameter or buffer block, or sizes per sample.
enum Operation {
    case linear(LinearOperation)
    case conv2d(ConvOperation)
    case batchNorm2d(BatchNormOperation)
    case pointwise(PointwiseOperation)
    case maxPool2d(MaxPoolOperation)
    case dropout(DropoutOperation)
    case globalAvgPool(GlobalAvgPoolOperation)
    case add(AddOperation)
}

struct LinearOperation {
    var input: Int, output: Int
    var inFeatures: Int, outFeatures: Int
    var weight: Int, bias: Int?
    /// How input and output are stored (set by `FeedForwardPlan.chooseBatchLayouts`).
    var inputLayout = BatchLayout.sampleMajor, outputLayout = BatchLayout.sampleMajor
}

struct ConvOperation {
    var input: Int, output: Int
    var channels: Int, height: Int, width: Int
    var outChannels: Int, kernel: Int, stride: Int, padding: Int
    var weight: Int, bias: Int?
    /// Region of the scratch arena where a training forward leaves the input's layouts for the backward.
    var layouts: Int
}

struct BatchNormOperation {
    var input: Int, output: Int
    var channels: Int, plane: Int
    var eps: Float, momentum: Float
    var weight: Int, bias: Int
    var runningMean: Int, runningVar: Int
    /// Offset of this layer's cached mean (channels) and invStd (channels) in the statistics buffer.
    var statistics: Int
    /// Whether the ReLU that follows in the spec list is fused into this operation.
    var relu: Bool
}

struct PointwiseOperation {
    enum Kind { case relu, tanh, sigmoid }
    var kind: Kind
    var input: Int, output: Int
    var size: Int
}

struct MaxPoolOperation {
    var input: Int, output: Int
    var channels: Int, height: Int, width: Int
    var kernel: Int, stride: Int
    /// Region of the Int32 arena holding the winners.
    var argmax: Int
}

struct DropoutOperation {
    var input: Int, output: Int
    var p: Float
    /// Region of the scratch arena holding the mask, `units` per sample.
    var mask: Int
    /// Mask entries per sample: every element, or every channel for channel dropout.
    var units: Int
    /// Elements each mask entry covers: 1, or the plane h·w for channel dropout.
    var plane: Int
}

struct GlobalAvgPoolOperation {
    var input: Int, output: Int
    var channels: Int, plane: Int
}

struct AddOperation {
    var a: Int, b: Int, output: Int
    var size: Int
    /// Whether the block's closing ReLU is fused into the sum.
    var relu: Bool
}

extension Operation {
    /// The activations the operation reads.
    var inputs: [Int] {
        switch self {
        case let .linear(op): [op.input]
        case let .conv2d(op): [op.input]
        case let .batchNorm2d(op): [op.input]
        case let .pointwise(op): [op.input]
        case let .maxPool2d(op): [op.input]
        case let .dropout(op): [op.input]
        case let .globalAvgPool(op): [op.input]
        case let .add(op): [op.a, op.b]
        }
    }
}

/// How one parameter tensor is drawn.
enum ParameterInitializer {
    case uniform(bound: Float)
    case normal(std: Double)
    case constant(Float)
}

/// The compiler from specs to operations. It registers each activation in both activation arenas (so the
/// value and gradient of activation k are region k of each) and scratch regions as needed.
struct FeedForwardPlan {
    var parameters = TensorLayout()
    var buffers = TensorLayout()
    var initializers: [(TensorSlot, ParameterInitializer)] = []
    /// Initial values of the buffers (running variance starts at 1).
    var bufferFills: [(TensorSlot, Float)] = []
    var operations: [Operation] = []
    /// Elements per sample of each activation.
    var activationSizes: [Int] = []
    /// Elements per sample of each scratch (Float) region and each index (Int32) region.
    var scratchSizes: [Int] = []
    var indexSizes: [Int] = []
    /// Floats of BatchNorm statistics caches (2 per channel per layer).
    var statisticsCount = 0

    /// An activation: its region id and per-sample shape.
    struct Value {
        var id: Int
        var shape: [Int]
        var size: Int { shape.reduce(1, *) }
    }

    mutating func activation(_ shape: [Int]) -> Value {
        activationSizes.append(shape.reduce(1, *))
        return Value(id: activationSizes.count - 1, shape: shape)
    }

    /// Layers compiled so far, counting those inside residual blocks (for error messages).
    private var layerCount = 0

    /// Compiles `specs` applied to `input`; returns the last activation. A ReLU right after a BatchNorm is
    /// fused into it (one pass and one buffer fewer; the same function).
    mutating func compile(_ specs: [LayerSpec], from input: Value) throws -> Value {
        var current = input
        var index = specs.startIndex
        while index < specs.endIndex {
            let spec = specs[index]
            layerCount += 1
            let fuseReLU: Bool
            if case .batchNorm2d = spec, index + 1 < specs.endIndex, specs[index + 1] == .relu { fuseReLU = true } else { fuseReLU = false }
            current = try compile(spec, from: current, label: spec.label(layerCount), fuseReLU: fuseReLU)
            if fuseReLU {
                layerCount += 1
                index += 1
            }
            index += 1
        }
        return current
    }

    private mutating func compile(_ spec: LayerSpec, from x: Value, label where_: String, fuseReLU: Bool) throws -> Value {
        func image() throws -> (c: Int, h: Int, w: Int) {
            guard x.shape.count == 3 else {
                throw ArchitectureError(layer: where_, "needs a (channels, height, width) input, got shape \(x.shape)")
            }
            return (x.shape[0], x.shape[1], x.shape[2])
        }
        switch spec {
        case let .linear(name, outFeatures, hasBias):
            guard x.shape.count == 1 else {
                throw ArchitectureError(layer: where_, "needs a flat input, got shape \(x.shape) (add a flatten layer)")
            }
            try positive(outFeatures, "output features", where_)
            let inFeatures = x.size
            let weight = parameters.add(name + ".weight", shape: [outFeatures, inFeatures])
            let bound = 1 / Float(inFeatures).squareRoot()
            initializers.append((weight, .uniform(bound: bound)))
            var bias: Int?
            if hasBias {
                let slot = parameters.add(name + ".bias", shape: [outFeatures])
                initializers.append((slot, .uniform(bound: bound)))
                bias = slot.offset
            }
            let y = activation([outFeatures])
            operations.append(.linear(LinearOperation(input: x.id, output: y.id, inFeatures: inFeatures,
                                                      outFeatures: outFeatures, weight: weight.offset, bias: bias)))
            return y

        case let .conv2d(name, outChannels, kernel, stride, padding, hasBias, initialization):
            let (c, h, w) = try image()
            try positive(outChannels, "output channels", where_)
            try positive(kernel, "kernel size", where_)
            try positive(stride, "stride", where_)
            guard padding >= 0 else { throw ArchitectureError(layer: where_, "padding must be ≥ 0, got \(padding)") }
            let oh = slidingWindowCount(size: h, kernel: kernel, stride: stride, padding: padding)
            let ow = slidingWindowCount(size: w, kernel: kernel, stride: stride, padding: padding)
            guard oh >= 1 && ow >= 1 else {
                throw ArchitectureError(layer: where_, "a \(kernel)×\(kernel) kernel with padding \(padding) does not fit a \(h)×\(w) input")
            }
            let weight = parameters.add(name + ".weight", shape: [outChannels, c, kernel, kernel])
            let bound = 1 / Float(c * kernel * kernel).squareRoot()
            switch initialization {
            case .pytorchDefault: initializers.append((weight, .uniform(bound: bound)))
            case .kaimingNormalFanOut: initializers.append((weight, .normal(std: (2 / Double(kernel * kernel * outChannels)).squareRoot())))
            }
            var bias: Int?
            if hasBias {
                let slot = parameters.add(name + ".bias", shape: [outChannels])
                initializers.append((slot, .uniform(bound: bound)))
                bias = slot.offset
            }
            scratchSizes.append(conv2dLayoutCount(c: c, h: h, w: w, kh: kernel, kw: kernel, stride: stride, padding: padding))
            let y = activation([outChannels, oh, ow])
            operations.append(.conv2d(ConvOperation(input: x.id, output: y.id, channels: c, height: h, width: w,
                                                    outChannels: outChannels, kernel: kernel, stride: stride,
                                                    padding: padding, weight: weight.offset, bias: bias,
                                                    layouts: scratchSizes.count - 1)))
            return y

        case let .batchNorm2d(name, eps, momentum):
            let (c, h, w) = try image()
            guard eps > 0 else { throw ArchitectureError(layer: where_, "eps must be > 0, got \(eps)") }
            guard (0...1).contains(momentum) else { throw ArchitectureError(layer: where_, "momentum must be in [0, 1], got \(momentum)") }
            let weight = parameters.add(name + ".weight", shape: [c])
            let bias = parameters.add(name + ".bias", shape: [c])
            initializers.append((weight, .constant(1)))
            initializers.append((bias, .constant(0)))
            let runningMean = buffers.add(name + ".running_mean", shape: [c])
            let runningVar = buffers.add(name + ".running_var", shape: [c])
            bufferFills.append((runningVar, 1))
            let y = activation(x.shape)
            operations.append(.batchNorm2d(BatchNormOperation(input: x.id, output: y.id, channels: c, plane: h * w,
                                                              eps: eps, momentum: momentum, weight: weight.offset,
                                                              bias: bias.offset, runningMean: runningMean.offset,
                                                              runningVar: runningVar.offset, statistics: statisticsCount,
                                                              relu: fuseReLU)))
            statisticsCount += 2 * c
            return y

        case .relu, .tanh, .sigmoid:
            let kind: PointwiseOperation.Kind = spec == .relu ? .relu : spec == .tanh ? .tanh : .sigmoid
            let y = activation(x.shape)
            operations.append(.pointwise(PointwiseOperation(kind: kind, input: x.id, output: y.id, size: x.size)))
            return y

        case let .maxPool2d(kernel, stride):
            let (c, h, w) = try image()
            try positive(kernel, "kernel size", where_)
            try positive(stride, "stride", where_)
            let oh = slidingWindowCount(size: h, kernel: kernel, stride: stride)
            let ow = slidingWindowCount(size: w, kernel: kernel, stride: stride)
            guard oh >= 1 && ow >= 1 else {
                throw ArchitectureError(layer: where_, "a \(kernel)×\(kernel) window does not fit a \(h)×\(w) input")
            }
            indexSizes.append(c * oh * ow)
            let y = activation([c, oh, ow])
            operations.append(.maxPool2d(MaxPoolOperation(input: x.id, output: y.id, channels: c, height: h, width: w,
                                                          kernel: kernel, stride: stride, argmax: indexSizes.count - 1)))
            return y

        case let .dropout(p), let .dropout2d(p):
            guard (0..<1).contains(p) else { throw ArchitectureError(layer: where_, "p must be in [0, 1), got \(p)") }
            var units = x.size, plane = 1
            if case .dropout2d = spec {
                let (c, h, w) = try image()
                units = c
                plane = h * w
            }
            scratchSizes.append(units)
            let y = activation(x.shape)
            operations.append(.dropout(DropoutOperation(input: x.id, output: y.id, p: p, mask: scratchSizes.count - 1,
                                                        units: units, plane: plane)))
            return y

        case .flatten:
            return Value(id: x.id, shape: [x.size])

        case .globalAvgPool:
            let (c, h, w) = try image()
            let y = activation([c])
            operations.append(.globalAvgPool(GlobalAvgPoolOperation(input: x.id, output: y.id, channels: c, plane: h * w)))
            return y

        case let .residual(main, shortcut, reluAfter):
            let a = try compile(main, from: x)
            let b = try compile(shortcut, from: x)
            guard a.shape == b.shape else {
                throw ArchitectureError(layer: where_, "the main path gives shape \(a.shape) but the shortcut gives \(b.shape)")
            }
            let y = activation(a.shape)
            operations.append(.add(AddOperation(a: a.id, b: b.id, output: y.id, size: a.size, relu: reluAfter)))
            return y
        }
    }

    /// Stores feature-major (`BatchLayout`) the output of every linear layer that feeds only linear layers,
    /// directly or through element-wise activations (which store their output as they read their input).
    /// Everything else stays sample-major: what convolutions, pooling, dropout masks and the head read,
    /// the network's output `output` and its input.
    mutating func chooseBatchLayouts(output: Int) {
        var readers = [[Int]](repeating: [], count: activationSizes.count)
        for (index, operation) in operations.enumerated() {
            for id in operation.inputs { readers[id].append(index) }
        }
        var featureMajor = [Bool](repeating: false, count: activationSizes.count)
        for case let .linear(op) in operations {
            // The output and the activations applied to it, which share its layout.
            var group = [op.output], feedsOnlyLinear = op.output != output
            var next = 0
            while next < group.count && feedsOnlyLinear {
                for index in readers[group[next]] {
                    switch operations[index] {
                    case .linear: break
                    case let .pointwise(activation):
                        group.append(activation.output)
                        feedsOnlyLinear = feedsOnlyLinear && activation.output != output
                    default: feedsOnlyLinear = false
                    }
                }
                next += 1
            }
            if feedsOnlyLinear { for id in group { featureMajor[id] = true } }
        }
        func layout(_ id: Int) -> BatchLayout { featureMajor[id] ? .featureMajor : .sampleMajor }
        operations = operations.map { operation in
            guard case var .linear(op) = operation else { return operation }
            op.inputLayout = layout(op.input)
            op.outputLayout = layout(op.output)
            return .linear(op)
        }
    }

    private func positive(_ value: Int, _ what: String, _ layer: String) throws {
        guard value >= 1 else { throw ArchitectureError(layer: layer, "\(what) must be ≥ 1, got \(value)") }
    }
}

extension LayerSpec {
    /// How errors name the layer: its name where it has one, with its position in the stack.
    func label(_ position: Int) -> String {
        switch self {
        case let .linear(name, _, _), let .conv2d(name, _, _, _, _, _, _), let .batchNorm2d(name, _, _):
            return "\(name) (layer \(position))"
        case .relu: return "relu (layer \(position))"
        case .tanh: return "tanh (layer \(position))"
        case .sigmoid: return "sigmoid (layer \(position))"
        case .maxPool2d: return "maxpool (layer \(position))"
        case .dropout: return "dropout (layer \(position))"
        case .dropout2d: return "dropout2d (layer \(position))"
        case .flatten: return "flatten (layer \(position))"
        case .globalAvgPool: return "global average pool (layer \(position))"
        case .residual: return "residual block (layer \(position))"
        }
    }
}
