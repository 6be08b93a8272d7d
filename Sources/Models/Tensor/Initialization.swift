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

    /// Fills `slot` (rows = shape[0], columns = the rest) as `torch.nn.init.orthogonal_`: G with i.i.d.
    /// N(0, 1) entries drawn row-major, then the Q of G = Q·R whose R has a positive diagonal (Q of Gᵀ,
    /// transposed back, when there are fewer rows than columns), so the rows or the columns, whichever
    /// are fewer, are orthonormal. Modified Gram–Schmidt in Double gives that Q directly; a tall Gaussian
    /// matrix is well conditioned, so one pass keeps it orthonormal to Float precision.
    public func fillOrthogonal(_ slot: TensorSlot, using generator: inout SeededGenerator) {
        let rows = slot.shape.first ?? 1, columns = slot.count / max(rows, 1)
        var g = (0..<slot.count).map { _ in generator.normal() }
        // Orthonormalise the `vectors` vectors of length `length`; element i of vector k is at k·vs + i·es.
        let (vectors, length) = rows >= columns ? (columns, rows) : (rows, columns)
        let (vs, es) = rows >= columns ? (1, columns) : (columns, 1)
        for k in 0..<vectors {
            for q in 0..<k {
                var dot = 0.0
                for i in 0..<length { dot += g[q * vs + i * es] * g[k * vs + i * es] }
                for i in 0..<length { g[k * vs + i * es] -= dot * g[q * vs + i * es] }
            }
            var norm = 0.0
            for i in 0..<length { norm += g[k * vs + i * es] * g[k * vs + i * es] }
            let scale = 1 / norm.squareRoot()
            for i in 0..<length { g[k * vs + i * es] *= scale }
        }
        let p = values + slot.offset
        for i in 0..<slot.count { p[i] = Float(g[i]) }
    }

    /// Sets every element of `slot` to `value` (BatchNorm: γ = 1, β = 0).
    public func fill(_ slot: TensorSlot, with value: Float) {
        (values + slot.offset).update(repeating: value, count: slot.count)
    }
}
