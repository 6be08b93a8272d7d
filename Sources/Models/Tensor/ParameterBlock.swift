// A model's trainable parameters and their gradients: two flat buffers of the same length with one slot
// per tensor. Optimizers step over the flat buffers using the slots' ranges, in model order.

/// The trainable tensors of a network in one contiguous `values` buffer, with a `grads` buffer laid out
/// the same way (so `grads[slot.range]` is the gradient of `values[slot.range]`).
public final class ParameterBlock {
    /// The tensors, in model order (the order the optimizers and checkpoints see them).
    public let slots: [TensorSlot]
    private let valueStorage: AlignedBuffer<Float>
    private let gradStorage: AlignedBuffer<Float>

    /// Zero-filled values and gradients for `layout`.
    public init(_ layout: TensorLayout) {
        slots = layout.slots
        valueStorage = AlignedBuffer(count: layout.count)
        gradStorage = AlignedBuffer(count: layout.count)
    }

    /// Total number of parameters.
    public var count: Int { valueStorage.count }
    /// The parameters: `count` floats, tensor after tensor.
    public var values: UnsafeMutablePointer<Float> { valueStorage.pointer }
    /// d loss / d parameters, laid out like `values`. Backward passes add into it; `zeroGrads` clears it.
    public var grads: UnsafeMutablePointer<Float> { gradStorage.pointer }
    /// Each tensor's range in the flat buffers, in model order (what an `Optimizer` is built with).
    public var ranges: [Range<Int>] { slots.map(\.range) }

    /// The slot named `name`, if any.
    public func slot(named name: String) -> TensorSlot? { slots.first { $0.name == name } }

    /// Sets every gradient to zero (once per training step, before backward).
    public func zeroGrads() { gradStorage.zero() }

    /// The values of one tensor, or of all of them.
    public func valueArray(_ slot: TensorSlot? = nil) -> [Float] { valueStorage.array(slot?.range) }
    /// The gradient of one tensor, or of all of them.
    public func gradArray(_ slot: TensorSlot? = nil) -> [Float] { gradStorage.array(slot?.range) }

    /// Replaces every parameter (a checkpoint, say); throws when the length does not match.
    public func load(_ values: [Float]) throws {
        guard values.count == count else { throw TensorError.lengthMismatch(what: "parameters", got: values.count, expected: count) }
        valueStorage.copy(from: values)
    }

    /// Replaces the values of the tensor named `name`.
    public func setValues(_ name: String, _ values: [Float]) throws {
        guard let slot = slot(named: name) else { throw TensorError.unknownTensor(name, valid: slots.map(\.name)) }
        guard values.count == slot.count else {
            throw TensorError.lengthMismatch(what: "parameter \(name) of shape \(slot.shape)", got: values.count, expected: slot.count)
        }
        valueStorage.copy(from: values, at: slot.offset)
    }
}

/// Non-trainable tensors that belong to a model's state (BatchNorm running statistics): saved with
/// checkpoints, never seen by optimizers.
public final class BufferBlock {
    /// The tensors, in model order.
    public let slots: [TensorSlot]
    private let storage: AlignedBuffer<Float>

    /// Zero-filled buffers for `layout`.
    public init(_ layout: TensorLayout) {
        slots = layout.slots
        storage = AlignedBuffer(count: layout.count)
    }

    /// Total number of values.
    public var count: Int { storage.count }
    /// The values, tensor after tensor.
    public var values: UnsafeMutablePointer<Float> { storage.pointer }

    /// The slot named `name`, if any.
    public func slot(named name: String) -> TensorSlot? { slots.first { $0.name == name } }

    /// The values of one tensor, or of all of them.
    public func valueArray(_ slot: TensorSlot? = nil) -> [Float] { storage.array(slot?.range) }

    /// Replaces every value; throws when the length does not match.
    public func load(_ values: [Float]) throws {
        guard values.count == count else { throw TensorError.lengthMismatch(what: "buffers", got: values.count, expected: count) }
        storage.copy(from: values)
    }

    /// Replaces the values of the tensor named `name`.
    public func setValues(_ name: String, _ values: [Float]) throws {
        guard let slot = slot(named: name) else { throw TensorError.unknownTensor(name, valid: slots.map(\.name)) }
        guard values.count == slot.count else {
            throw TensorError.lengthMismatch(what: "buffer \(name) of shape \(slot.shape)", got: values.count, expected: slot.count)
        }
        storage.copy(from: values, at: slot.offset)
    }
}

/// Loading values that do not fit a block.
public enum TensorError: Error, Equatable, CustomStringConvertible {
    /// `what` needs `expected` values; `got` were given.
    case lengthMismatch(what: String, got: Int, expected: Int)
    /// No tensor has this name.
    case unknownTensor(String, valid: [String])

    public var description: String {
        switch self {
        case let .lengthMismatch(what, got, expected): return "\(what): got \(got) values, expected \(expected)"
        case let .unknownTensor(name, valid): return "no tensor named \(name) (valid: \(valid.joined(separator: ", ")))"
        }
    }
}
