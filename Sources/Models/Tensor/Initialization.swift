// Filling parameter tensors from the run's seeded generator. Elements are drawn in row-major order, slot
// by slot in model order, so a seed gives the same weights on every machine.

extension ParameterBlock {
    /// Draws every element of `slot` from U(−bound, bound).
    ///
    /// PyTorch's default for `Linear` and `Conv2d` is this with bound = 1/√fan_in for both weight and
    /// bias (its `kaiming_uniform_(a=√5)` works out to exactly that bound for the weight).
    public func fillUniform(_ slot: TensorSlot, bound: Float, using generator: inout SeededGenerator) {
        let p = values + slot.offset
        for i in 0..<slot.count { p[i] = generator.uniform(-bound, bound) }
    }

    /// Draws every element of `slot` from N(0, std²) (Box–Muller in Double, rounded to Float).
    public func fillNormal(_ slot: TensorSlot, std: Double, using generator: inout SeededGenerator) {
        let p = values + slot.offset
        for i in 0..<slot.count { p[i] = Float(generator.normal() * std) }
    }

    /// Sets every element of `slot` to `value` (BatchNorm: γ = 1, β = 0).
    public func fill(_ slot: TensorSlot, with value: Float) {
        (values + slot.offset).update(repeating: value, count: slot.count)
    }
}
