// The synthetic power-law problem (seeds.md §3.2, PLO `datasets/synthetic_powerlaw.py`): a kernel with
// eigenvalues λₖ = λ_min + (1 − λ_min)·k^(−ν) in a seeded random orthogonal basis, and an initial error
// whose eigen-coordinates decay as k^(−(κ+1)/2).

/// The synthetic problem `synthetic_powerlaw`:
///
///     λₖ = λ_min + (1 − λ_min)·k^(−ν),   k = 1 … N         (largest first; λ₁ = 1)
///     cₖ = k^(−(κ+1)/2) / ‖(j^(−(κ+1)/2))ⱼ‖                  (‖c‖ = 1)
///     K  = N·Uᵀ·diag(λ)·U,   d₀ = Uᵀ·c                         (row k of U: the eigenvector of λₖ)
///
/// U is Haar-random from the seed (`basis` random, as the reference's `orthogonal_`), or the
/// Walsh–Hadamard basis (`basis` hadamard), for which every |U[k][i]|² = 1/N and the spectral-diagonal
/// recursion with τ = 1 is exact.
public struct SyntheticPowerLaw: Sendable {
    /// Which orthonormal basis carries the spectrum.
    public enum Basis: String, CaseIterable, Sendable {
        /// Haar-random from the seed.
        case random
        /// Walsh–Hadamard (N a power of two).
        case hadamard
    }

    /// N.
    public var size: Int
    /// ν, the decay exponent of the spectrum.
    public var nu: Double
    /// κ, the decay exponent of the target: cₖ ∝ k^(−(κ+1)/2).
    public var kappa: Double
    /// λ_min in [0, 1], the floor of the spectrum.
    public var lambdaMin: Double
    /// The eigenbasis U.
    public var basis: Basis
    /// Seeds the random basis (stream `"powerlaw.basis"`).
    public var seed: UInt64

    /// The problem with these parameters (checked by `PowerLawCatalog` when they come from a grid).
    public init(size: Int, nu: Double, kappa: Double, lambdaMin: Double, basis: Basis, seed: UInt64) {
        self.size = size
        self.nu = nu
        self.kappa = kappa
        self.lambdaMin = lambdaMin
        self.basis = basis
        self.seed = seed
    }

    /// λₖ, k = 1 … N.
    public var spectrum: [Double] {
        (1...size).map { k in lambdaMin + (1 - lambdaMin) * pow(Double(k), -nu) }
    }

    /// cₖ, normalised to ‖c‖ = 1.
    public var coefficients: [Double] {
        let raw = (1...size).map { k in pow(Double(k), -(kappa + 1) / 2) }
        let norm = raw.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return raw.map { $0 / norm }
    }

    /// The spectral form, exact by construction: (λₖ, cₖ²). No basis is drawn.
    public func spectral() -> SpectralProblem {
        SpectralProblem(eigenvalues: spectrum, coefficients: coefficients.map { $0 * $0 })
    }

    /// The eigenbasis form: draws U (or builds the Hadamard basis); the coordinates of d₀ are c exactly.
    /// - Throws: `PowerLawError.hadamardSize` for the Hadamard basis when N is not a power of two.
    public func eigenbasis() throws -> Eigenbasis {
        let u: [Double]
        switch basis {
        case .random:
            var generator = SeededGenerator(seed: seed, stream: "powerlaw.basis")
            u = OrthonormalBasis.random(size: size, generator: &generator)
        case .hadamard:
            u = try OrthonormalBasis.hadamard(size: size)
        }
        return try Eigenbasis(eigenvalues: spectrum, vectors: u, coordinates: coefficients)
    }

    /// The kernel form: K = N·Uᵀ·diag(λ)·U in single precision and d₀ = Uᵀc in double, from `eigenbasis()`.
    ///
    /// K is computed as N·AᵀA with A = diag(√λ)·U rounded to Float (one gemm), so each eigen-direction
    /// keeps its relative precision, then made exactly symmetric from its upper triangle.
    public func kernelProblem() throws -> KernelProblem {
        try Self.kernelProblem(try eigenbasis())
    }

    /// K = N·Uᵀ·diag(λ)·U and d₀ = Uᵀc for any eigenbasis.
    static func kernelProblem(_ basis: Eigenbasis) throws -> KernelProblem {
        let n = basis.size
        let u = basis.vectors, lambda = basis.eigenvalues, c = basis.coordinates
        let scaled = AlignedBuffer<Float>(count: n * n)
        for k in 0..<n {
            let root = lambda[k].squareRoot()
            for i in 0..<n { scaled.pointer[k * n + i] = Float(root * u[k * n + i]) }
        }
        let kernel = AlignedBuffer<Float>(count: n * n)
        gemm(transA: true, transB: false, m: n, n: n, k: n, alpha: Float(n), a: scaled.pointer, lda: n,
             b: scaled.pointer, ldb: n, beta: 0, c: kernel.pointer, ldc: n)
        symmetrizeFromUpper(kernel.pointer, n)
        var d0 = [Double](repeating: 0, count: n)
        for k in 0..<n {
            for i in 0..<n { d0[i] += u[k * n + i] * c[k] }
        }
        return try KernelProblem(size: n, kernel: kernel, initialError: d0)
    }
}

/// Copies the upper triangle of the n×n row-major `a` onto its lower triangle, so a[i][j] == a[j][i]
/// bit for bit (the linearised regime reads rows where the reference reads columns).
func symmetrizeFromUpper(_ a: UnsafeMutablePointer<Float>, _ n: Int) {
    // Blocks of 64×64, so the column reads of the upper block stay in cache.
    let tile = 64
    for i0 in stride(from: 0, to: n, by: tile) {
        for j0 in stride(from: 0, through: i0, by: tile) {
            for i in i0..<min(i0 + tile, n) {
                for j in j0..<min(j0 + tile, i) { a[i * n + j] = a[j * n + i] }
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
