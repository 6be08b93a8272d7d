// The two forms in which a power-law problem reaches the regimes (seeds.md §3.1–3.2): the kernel and the
// initial error (linearised and averaged regimes), or the spectrum and the initial error's squared
// coordinates in the eigenbasis (spectral-diagonal regime). Built by `SyntheticPowerLaw` or
// `NetworkProblem`; the spectral form of a synthetic problem is exact and needs no kernel at all.

/// The kernel form: K (N×N) rescaled so that λ_max(K) = N, and the initial error d₀ = f(X) − y.
public final class KernelProblem {
    /// N, the number of training points.
    public let size: Int
    /// K, N×N row-major in single precision, exactly symmetric, λ_max = N.
    public let kernel: AlignedBuffer<Float>
    /// d₀ (N).
    public let initialError: [Double]

    /// Wraps a kernel already scaled to λ_max = N.
    /// - Throws: `PowerLawError.shapeMismatch` when the sizes disagree.
    public init(size: Int, kernel: AlignedBuffer<Float>, initialError: [Double]) throws {
        guard kernel.count == size * size else {
            throw PowerLawError.shapeMismatch(what: "kernel of \(size) points", got: kernel.count, expected: size * size)
        }
        guard initialError.count == size else {
            throw PowerLawError.shapeMismatch(what: "initial error of \(size) points", got: initialError.count, expected: size)
        }
        self.size = size
        self.kernel = kernel
        self.initialError = initialError
    }

    /// ½·mean(d₀²), the loss at step 0.
    public var initialLoss: Double { initialError.reduce(0) { $0 + $1 * $1 } / Double(2 * size) }

    /// The spectral form, by a full eigendecomposition of K (O(N³)), projecting d₀.
    public func spectral() throws -> SpectralProblem {
        let n = size
        var matrix = [Double](repeating: 0, count: n * n)
        for i in 0..<(n * n) { matrix[i] = Double(kernel.pointer[i]) }
        let eigen = try SymmetricEigen(symmetric: matrix, size: n, projecting: [initialError])
        return SpectralProblem(eigenvalues: eigen.values.map { $0 / Double(n) },
                               coefficients: eigen.projections[0].map { $0 * $0 })
    }
}

/// The spectral form: the eigenvalues λₖ of K/N, largest first (λ₁ = 1), and Cₖ = (uₖᵀd₀)².
public struct SpectralProblem: Sendable {
    /// λₖ, largest first.
    public var eigenvalues: [Double]
    /// (uₖᵀd₀)², in the order of `eigenvalues`.
    public var coefficients: [Double]

    public init(eigenvalues: [Double], coefficients: [Double]) {
        self.eigenvalues = eigenvalues
        self.coefficients = coefficients
    }

    /// N.
    public var size: Int { eigenvalues.count }
}
