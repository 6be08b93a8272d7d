// The power-law regimes' linear algebra: the symmetric eigensolver against constructed spectra (known
// eigenvalues and eigenvectors), the orthonormal bases, and the Lanczos estimate of λ_max.
import Foundation
import Testing
@testable import Models

/// A = Uᵀ·diag(λ)·U for the row-major orthonormal U (rows are the eigenvectors).
private func construct(_ lambda: [Double], basis u: [Double]) -> [Double] {
    let n = lambda.count
    var a = [Double](repeating: 0, count: n * n)
    for k in 0..<n {
        for i in 0..<n {
            let left = lambda[k] * u[k * n + i]
            for j in 0..<n { a[i * n + j] += left * u[k * n + j] }
        }
    }
    return a
}

/// max over i, j of |(U·Uᵀ − I)[i][j]|.
private func orthogonalityError(_ u: [Double], _ n: Int) -> Double {
    var worst = 0.0
    for i in 0..<n {
        for j in 0..<n {
            var dot = 0.0
            for k in 0..<n { dot += u[i * n + k] * u[j * n + k] }
            worst = max(worst, abs(dot - (i == j ? 1 : 0)))
        }
    }
    return worst
}

@Suite struct PowerLawEigenTests {
    /// Spectra with a sign change, a near-cluster and a power-law tail over five decades.
    static let spectra: [(name: String, values: [Double])] = [
        ("mixed signs and a cluster", [7.5, 3, 3 + 1e-9, 1, 0.5, 0, -0.25, -2, -2.5, 1e-3, 4.25, 6]),
        ("power law nu 2", (1...97).map { pow(Double($0), -2) }),
        ("power law nu 1.5 with floor", (1...64).map { 0.01 + 0.99 * pow(Double($0), -1.5) }),
    ]

    @Test(arguments: 0..<3)
    func recoversAConstructedSpectrum(_ index: Int) throws {
        let (name, lambda) = Self.spectra[index]
        let n = lambda.count
        var generator = SeededGenerator(seed: UInt64(17 + index), stream: "test")
        let u = OrthonormalBasis.random(size: n, generator: &generator)
        let coefficients: [Double] = (0..<n).map { k in
            let size = Double(k + 1).squareRoot()
            return k % 3 == 0 ? -size : size
        }
        var x = [Double](repeating: 0, count: n)
        for k in 0..<n { for i in 0..<n { x[i] += u[k * n + i] * coefficients[k] } }
        let units = (0..<n).map { i in (0..<n).map { $0 == i ? 1.0 : 0.0 } }
        let eigen = try SymmetricEigen(symmetric: construct(lambda, basis: u), size: n, projecting: [x] + units)

        let order = lambda.indices.sorted { lambda[$0] > lambda[$1] }
        let scale = lambda.map(abs).max()!
        for (k, source) in order.enumerated() {
            let expected = lambda[source]
            // 1e-5 relative is the acceptance bar; double precision gives ~1e-12 of the largest eigenvalue.
            #expect(abs(eigen.values[k] - expected) <= 1e-5 * abs(expected) + 1e-12 * scale,
                    "\(name): eigenvalue \(k) is \(eigen.values[k]), expected \(expected)")
        }
        // Coordinates of x in the eigenbasis (up to each eigenvector's sign), and the eigenvectors themselves,
        // wherever the eigenvalue is well separated (the 1e-9 cluster mixes its two vectors).
        for (k, source) in order.enumerated() {
            let gap = lambda.indices.filter { $0 != source }.map { abs(lambda[$0] - lambda[source]) }.min()!
            guard gap > 1e-6 else { continue }
            #expect(abs(abs(eigen.projections[0][k]) - abs(coefficients[source])) < 1e-8 * Double(n),
                    "\(name): coordinate \(k) is \(eigen.projections[0][k]), expected ±\(coefficients[source])")
            let sign: Double = eigen.projections[1][k] * u[source * n] >= 0 ? 1 : -1
            for i in 0..<n {
                #expect(abs(sign * eigen.projections[1 + i][k] - u[source * n + i]) < 1e-8,
                        "\(name): eigenvector \(k), entry \(i)")
            }
        }
        // The whole basis at once: the same values, orthonormal rows, each the constructed vector up to sign.
        let (values, vectors) = try SymmetricEigen.eigenvectors(symmetric: construct(lambda, basis: u), size: n)
        #expect(zip(values, eigen.values).allSatisfy { abs($0 - $1) <= 1e-12 * scale })
        #expect(orthogonalityError(vectors, n) < 1e-12)
        for (k, source) in order.enumerated() {
            let gap = lambda.indices.filter { $0 != source }.map { abs(lambda[$0] - lambda[source]) }.min()!
            guard gap > 1e-6 else { continue }
            let sign: Double = vectors[k * n] * u[source * n] >= 0 ? 1 : -1
            let worst = (0..<n).map { abs(sign * vectors[k * n + $0] - u[source * n + $0]) }.max()!
            #expect(worst < 1e-8, "\(name): eigenvector \(k) differs by \(worst)")
        }
    }

    @Test func tridiagonalSecondDifferenceMatrix() throws {
        // tridiag(−1, 2, −1) of size n has eigenvalues 2 − 2·cos(kπ/(n + 1)), k = 1 … n.
        let n = 40
        let eigen = try SymmetricEigen(diagonal: [Double](repeating: 2, count: n), offDiagonal: [Double](repeating: -1, count: n - 1))
        let expected = (1...n).map { 2 - 2 * cos(Double($0) * Double.pi / Double(n + 1)) }.sorted(by: >)
        for k in 0..<n { #expect(abs(eigen.values[k] - expected[k]) < 1e-13, "eigenvalue \(k)") }
    }

    @Test func smallAndDegenerateSizes() throws {
        #expect(try SymmetricEigen(symmetric: [3], size: 1, projecting: [[2]]).values == [3])
        let two = try SymmetricEigen(symmetric: [2, 1, 1, 2], size: 2, projecting: [[1, 1]])
        #expect(abs(two.values[0] - 3) < 1e-15 && abs(two.values[1] - 1) < 1e-15)
        #expect(abs(abs(two.projections[0][0]) - 2.0.squareRoot()) < 1e-15 && abs(two.projections[0][1]) < 1e-15)
        // A diagonal matrix is already reduced.
        let diagonal = try SymmetricEigen(symmetric: [1, 0, 0, 0, 5, 0, 0, 0, 3], size: 3)
        #expect(diagonal.values == [5, 3, 1])
        #expect(throws: PowerLawError.shapeMismatch(what: "symmetric matrix of size 3", got: 4, expected: 9)) {
            try SymmetricEigen(symmetric: [1, 2, 3, 4], size: 3)
        }
    }

    @Test func blockDiagonalMatrixSplitsDuringTheReduction() throws {
        // Two dense blocks: the reduction meets an already-reduced row at the block boundary.
        var generator = SeededGenerator(seed: 8, stream: "blocks")
        func block(_ size: Int) -> [Double] {
            var b = [Double](repeating: 0, count: size * size)
            for i in 0..<size { for j in i..<size { b[i * size + j] = generator.normal(); b[j * size + i] = b[i * size + j] } }
            return b
        }
        let first = block(3), second = block(4)
        var matrix = [Double](repeating: 0, count: 49)
        for i in 0..<3 { for j in 0..<3 { matrix[i * 7 + j] = first[i * 3 + j] } }
        for i in 0..<4 { for j in 0..<4 { matrix[(i + 3) * 7 + j + 3] = second[i * 4 + j] } }
        let whole = try SymmetricEigen(symmetric: matrix, size: 7).values
        let parts = (try SymmetricEigen(symmetric: first, size: 3).values + SymmetricEigen(symmetric: second, size: 4).values)
            .sorted(by: >)
        #expect(zip(whole, parts).allSatisfy { abs($0 - $1) < 1e-13 }, "\(whole) against \(parts)")
        let (values, vectors) = try SymmetricEigen.eigenvectors(symmetric: matrix, size: 7)
        #expect(values == whole && orthogonalityError(vectors, 7) < 1e-14)
    }

    @Test func nonFiniteEntriesAreAnErrorNotAHang() {
        #expect(throws: PowerLawError.self) {
            try SymmetricEigen(symmetric: [1, .nan, .nan, 1], size: 2)
        }
    }

    @Test func randomBasisIsOrthogonalAndSeeded() {
        for n in [1, 2, 33, 100] {
            var a = SeededGenerator(seed: 5, stream: "basis"), b = SeededGenerator(seed: 5, stream: "basis")
            let u = OrthonormalBasis.random(size: n, generator: &a)
            #expect(orthogonalityError(u, n) < 1e-13, "size \(n)")
            #expect(u == OrthonormalBasis.random(size: n, generator: &b), "size \(n): same seed, same basis")
        }
        var a = SeededGenerator(seed: 5, stream: "basis"), c = SeededGenerator(seed: 6, stream: "basis")
        #expect(OrthonormalBasis.random(size: 8, generator: &a) != OrthonormalBasis.random(size: 8, generator: &c))
    }

    @Test func randomBasisIsHaarOnAverage() {
        // Under Haar measure each entry has mean 0 and variance 1/n, and the signs of the diagonal carry no
        // bias (an unfixed QR factor would have a positive-biased diagonal).
        let n = 6, draws = 4000
        var generator = SeededGenerator(seed: 11, stream: "haar")
        var diagonalSum = 0.0, squareSum = 0.0
        for _ in 0..<draws {
            let u = OrthonormalBasis.random(size: n, generator: &generator)
            for i in 0..<n {
                diagonalSum += u[i * n + i]
                squareSum += u[i * n + i] * u[i * n + i]
            }
        }
        let samples = Double(draws * n)
        // Standard error of the mean of entries with variance 1/n: √(1/(n·samples)) ≈ 0.0026.
        #expect(abs(diagonalSum / samples) < 0.012, "mean diagonal entry \(diagonalSum / samples)")
        #expect(abs(squareSum / samples - 1 / Double(n)) < 0.01, "mean squared diagonal entry \(squareSum / samples)")
    }

    @Test func hadamardBasis() throws {
        let n = 16
        let u = try OrthonormalBasis.hadamard(size: n)
        #expect(orthogonalityError(u, n) < 1e-15)
        #expect(u.allSatisfy { abs(abs($0) - 0.25) == 0 })
        #expect(throws: PowerLawError.hadamardSize(12)) { try OrthonormalBasis.hadamard(size: 12) }
        #expect(PowerLawError.hadamardSize(12).description.contains("nearest: 8 or 16"))
    }

    @Test func resultsDoNotDependOnTheThreadCount() throws {
        // Sizes at which the parallel loops split into several chunks.
        let n = 200
        var a = SeededGenerator(seed: 3, stream: "threads"), b = a
        let one = OrthonormalBasis.random(size: n, generator: &a, threads: 1)
        #expect(one == OrthonormalBasis.random(size: n, generator: &b, threads: 2))
        let matrix = construct((1...n).map { pow(Double($0), -1.2) }, basis: one)
        let serial = try SymmetricEigen.eigenvectors(symmetric: matrix, size: n, threads: 1)
        let parallel = try SymmetricEigen.eigenvectors(symmetric: matrix, size: n, threads: 2)
        #expect(serial.values == parallel.values && serial.vectors == parallel.vectors)
        let m = 800
        var generator = SeededGenerator(seed: 4, stream: "threads")
        var symmetric = [Float](repeating: 0, count: m * m)
        for i in 0..<m {
            for j in i..<m {
                symmetric[i * m + j] = Float(generator.normal())
                symmetric[j * m + i] = symmetric[i * m + j]
            }
        }
        let largest = try symmetric.withUnsafeBufferPointer { p in
            try [1, 2].map { try largestEigenvalue(of: p.baseAddress!, size: m, threads: $0) }
        }
        #expect(largest[0] == largest[1])
    }

    @Test(arguments: [5, 64, 301])
    func lanczosFindsTheLargestEigenvalue(_ n: Int) throws {
        // A power-law spectrum (the hard case: a slowly decaying top) plus negative values.
        var generator = SeededGenerator(seed: UInt64(n), stream: "lanczos-test")
        let u = OrthonormalBasis.random(size: n, generator: &generator)
        let lambda: [Double] = (1...n).map { k in
            let x = Double(k)
            return k % 7 == 3 ? -0.5 / x : 3 * pow(x, -0.3)
        }
        let a = construct(lambda, basis: u).map { Float($0) }
        let largest = try a.withUnsafeBufferPointer { try largestEigenvalue(of: $0.baseAddress!, size: n) }
        // The reference: the full eigensolver on the same single-precision matrix.
        let exact = try SymmetricEigen(symmetric: a.map { Double($0) }, size: n).values[0]
        #expect(abs(largest - exact) <= 1e-10 * exact, "λ_max \(largest), eigensolver \(exact)")
        #expect(abs(largest - 3) < 1e-5, "λ_max \(largest), constructed 3")
    }
}
