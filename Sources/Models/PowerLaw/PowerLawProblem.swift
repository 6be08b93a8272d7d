// The three forms in which a power-law problem reaches the regimes (seeds.md §3.1–3.2): the kernel and
// the initial error (linearised regime), the eigenbasis with the initial error's coordinates (averaged
// regime), or the spectrum and the squared coordinates alone (spectral-diagonal regime). Built by
// `SyntheticPowerLaw`, whose eigenbasis is known by construction, or from a `NetworkProblem`'s kernel.

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

    /// K in double, for the eigensolver.
    private var kernelInDouble: [Double] { (0..<(size * size)).map { Double(kernel.pointer[$0]) } }

    /// The spectral form, by the eigenvalues of K and the projection of d₀ (O(N³), no eigenvectors).
    public func spectral() throws -> SpectralProblem {
        let eigen = try SymmetricEigen(symmetric: kernelInDouble, size: size, projecting: [initialError])
        return SpectralProblem(eigenvalues: eigen.values.map { $0 / Double(size) },
                               coefficients: eigen.projections[0].map { $0 * $0 })
    }

    /// The eigenbasis form, by a full eigendecomposition of K (about 6·N³ flops).
    public func eigenbasis() throws -> Eigenbasis {
        let n = size
        let (values, vectors) = try SymmetricEigen.eigenvectors(symmetric: kernelInDouble, size: n)
        var coordinates = [Double](repeating: 0, count: n)
        vectors.withUnsafeBufferPointer { u in
            initialError.withUnsafeBufferPointer { d in
                for k in 0..<n { coordinates[k] = dot(u.baseAddress! + k * n, d.baseAddress!, n) }
            }
        }
        return try Eigenbasis(eigenvalues: values.map { $0 / Double(n) }, vectors: vectors, coordinates: coordinates)
    }
}

/// The eigenbasis form: K/N = Uᵀ·diag(λ)·U with orthonormal eigenvectors as the rows of U, and the
/// coordinates c = U·d₀ of the initial error.
public struct Eigenbasis: Sendable {
    /// λₖ of K/N, largest first (λ₁ = 1).
    public var eigenvalues: [Double]
    /// U, N×N row-major: row k is the eigenvector of λₖ.
    public var vectors: [Double]
    /// cₖ = uₖᵀd₀.
    public var coordinates: [Double]

    /// - Throws: `PowerLawError.shapeMismatch` when the sizes disagree.
    public init(eigenvalues: [Double], vectors: [Double], coordinates: [Double]) throws {
        let n = eigenvalues.count
        guard vectors.count == n * n else {
            throw PowerLawError.shapeMismatch(what: "eigenvectors of \(n) eigenvalues", got: vectors.count, expected: n * n)
        }
        guard coordinates.count == n else {
            throw PowerLawError.shapeMismatch(what: "coordinates of \(n) eigenvalues", got: coordinates.count, expected: n)
        }
        self.eigenvalues = eigenvalues
        self.vectors = vectors
        self.coordinates = coordinates
    }

    /// N.
    public var size: Int { eigenvalues.count }

    /// The spectral form: (λₖ, cₖ²).
    public var spectral: SpectralProblem { SpectralProblem(eigenvalues: eigenvalues, coefficients: coordinates.map { $0 * $0 }) }
}

/// The spectral form: the eigenvalues λₖ of K/N, largest first (λ₁ = 1), and Cₖ = (uₖᵀd₀)².
public struct SpectralProblem: Sendable {
    /// λₖ, largest first.
    public var eigenvalues: [Double]
    /// (uₖᵀd₀)², in the order of `eigenvalues`.
    public var coefficients: [Double]

    /// Pairs eigenvalues with squared coordinates (same length, same order).
    public init(eigenvalues: [Double], coefficients: [Double]) {
        self.eigenvalues = eigenvalues
        self.coefficients = coefficients
    }

    /// N.
    public var size: Int { eigenvalues.count }
}
