// Named views into a flat buffer: how a network lays out its parameters (or buffers) as consecutive
// tensors in one allocation, llm.c's "sizes, then point" step.

/// One tensor inside a flat buffer: its name, shape and place.
public struct TensorSlot: Equatable, Sendable {
    /// PyTorch-style name, e.g. `"fc1.weight"`, `"lstm.bias_hh_l0"`, `"layer1.0.bn1.running_mean"`.
    public var name: String
    /// Row-major shape, e.g. `[out, in]` for a linear weight, `[oc, c, kh, kw]` for a convolution.
    public var shape: [Int]
    /// Index of the first element in the flat buffer.
    public var offset: Int

    /// Number of elements (the product of the shape).
    public var count: Int { shape.reduce(1, *) }
    /// The elements' indices in the flat buffer.
    public var range: Range<Int> { offset..<(offset + count) }
}

/// The slots of a flat buffer, added in order and packed without gaps (the optimizers expect the
/// tensors' ranges to tile the buffer in model order).
public struct TensorLayout: Sendable {
    /// The slots, in the order they were added.
    public private(set) var slots: [TensorSlot] = []
    /// Elements so far: the size of the buffer.
    public private(set) var count = 0

    public init() {}

    /// Adds a tensor at the end and returns its slot. Names must be unique within a layout.
    @discardableResult
    public mutating func add(_ name: String, shape: [Int]) -> TensorSlot {
        precondition(shape.allSatisfy { $0 > 0 }, "TensorLayout: \(name) has shape \(shape); every size must be positive")
        precondition(!slots.contains { $0.name == name }, "TensorLayout: two tensors are named \(name)")
        let slot = TensorSlot(name: name, shape: shape, offset: count)
        slots.append(slot)
        count += slot.count
        return slot
    }
}
