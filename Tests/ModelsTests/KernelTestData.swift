// Seeded random buffers for the kernel tests: the same values on every run.
import Models

/// `count` uniform values in [-1, 1) from the seeded stream `name`.
func randomFloats(_ count: Int, seed: UInt64, _ name: String = "values") -> [Float] {
    var g = SeededGenerator(seed: seed, stream: name)
    return (0..<count).map { _ in g.uniform(-1, 1) }
}

/// `count` uniform values in [-1, 1) as Double, for the finite-difference checks.
func randomDoubles(_ count: Int, seed: UInt64, _ name: String = "values") -> [Double] {
    var g = SeededGenerator(seed: seed, stream: name)
    return (0..<count).map { _ in 2 * g.nextDouble() - 1 }
}

/// Σ a[i]·b[i] in Double: the loss L = Σ r ⊙ out of the finite-difference checks.
func dot(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count)
    var sum = 0.0
    for i in a.indices { sum += a[i] * b[i] }
    return sum
}
