// clip_grad_norm_ semantics over a flat gradient buffer.
import Testing
import Optim

@Suite struct GradientClippingTests {
    func clip(_ gradients: [Float], _ maxNorm: Double) -> (norm: Double, clipped: [Float]) {
        var g = gradients
        let norm = g.withUnsafeMutableBufferPointer { clipGradientNorm($0.baseAddress!, count: $0.count, maxNorm: maxNorm) }
        return (norm, g)
    }

    @Test func scalesByMaxNormOverTotalPlusEpsilonWhenAbove() {
        let (norm, clipped) = clip([3, 4], 1)
        #expect(norm == 5)
        let coef = Float(1) / (Float(5) + Float(1e-6))
        #expect(clipped == [coef * 3, coef * 4])
    }

    @Test func leavesGradientsAloneWhenTheNormIsWithinTheLimit() {
        let gradients: [Float] = [0.3, -0.4, 0.1]
        let (norm, clipped) = clip(gradients, 1)
        #expect(abs(norm - 0.5099019513592785) < 1e-7)
        #expect(clipped == gradients)
        // At the limit coef = 5/(5 + 1e-6) is just below 1 in float32 too, so torch (and this) still scale.
        let atLimit = Float(5) / (Float(5) + Float(1e-6))
        #expect(atLimit < 1 && clip([3, 4], 5).clipped == [atLimit * 3, atLimit * 4])
    }

    @Test func normIsGlobalOverEveryTensorAndTailsAreScaledToo() {
        // 37 values (two vectors and a tail): Σ g² = 37·4 = 148.
        let (norm, clipped) = clip(Array(repeating: -2, count: 37), 2)
        #expect(abs(norm - 148.0.squareRoot()) < 1e-5)
        let coef = Float(2) / (Float(148.0.squareRoot()) + Float(1e-6))
        #expect(clipped == Array(repeating: coef * -2, count: 37))
    }

    @Test func nonFiniteNormsPropagateAsInTorch() {
        let (norm, clipped) = clip([1, .infinity, 2], 1)
        #expect(norm == .infinity)
        #expect(clipped[0] == 0 && clipped[1].isNaN && clipped[2] == 0)
        #expect(clip([1, .nan], 1).clipped.allSatisfy { $0.isNaN })
    }
}
