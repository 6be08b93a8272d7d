// The LSTM language model across windows: the hidden state carried (and detached) from window to
// window, reset, separate evaluation state, dropout, and the whole step against finite differences.
import Testing
import Models

/// A window of `steps` × `streams` tokens from seed `seed`, targets the next tokens of the same draw.
private func tokenWindow(steps: Int, streams: Int, vocabulary: Int, seed: UInt64) -> TokenBatch {
    var generator = SeededGenerator(seed: seed, stream: "tokens")
    let stream = (0..<((steps + 1) * streams)).map { _ in Int32(generator.below(vocabulary)) }
    return TokenBatch(inputs: Array(stream[..<(steps * streams)]), targets: Array(stream[streams...]), steps: steps, streams: streams)
}

/// Rows `from..<to` of a window (time steps), as their own window.
private func slice(_ window: TokenBatch, _ from: Int, _ to: Int) -> TokenBatch {
    let s = window.streams
    return TokenBatch(inputs: Array(window.inputs[(from * s)..<(to * s)]), targets: Array(window.targets[(from * s)..<(to * s)]),
                      steps: to - from, streams: s)
}

private func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
    zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

@Suite struct LanguageModelTests {
    let vocabulary = 13

    func model(layers: Int = 2, dropout: Float = 0, seed: UInt64 = 3) throws -> LanguageModel {
        try LanguageModel(vocabulary: vocabulary, embeddingSize: 5, hiddenSize: 6, layers: layers, dropout: dropout, bptt: 4, seed: seed)
    }

    @Test func stateCarriesAcrossWindows() throws {
        let long = tokenWindow(steps: 6, streams: 3, vocabulary: vocabulary, seed: 1)
        let split = try model(), whole = try model()
        let first = try split.evaluate(.tokens(slice(long, 0, 3)))
        let second = try split.evaluate(.tokens(slice(long, 3, 6)))
        let all = try whole.evaluate(.tokens(long))
        #expect(abs((first.loss + second.loss) / 2 - all.loss) < 1e-5)
        #expect(maxDifference(split.state(.evaluation).h, whole.state(.evaluation).h) < 1e-6)
        #expect(maxDifference(split.state(.evaluation).c, whole.state(.evaluation).c) < 1e-6)
        #expect(split.state(.training).h.isEmpty, "evaluation leaves the training state alone")
    }

    /// The second window's gradients are those of a fresh model started from the carried state: nothing
    /// flows back into the first window (truncated BPTT).
    @Test func carriedStateIsDetached() throws {
        let long = tokenWindow(steps: 6, streams: 2, vocabulary: vocabulary, seed: 2)
        let carried = try model()
        _ = try carried.trainStep(.tokens(slice(long, 0, 3)))
        let state = carried.state(.training)
        let second = try carried.trainStep(.tokens(slice(long, 3, 6)))

        let fresh = try model()
        try fresh.setState(h: state.h, c: state.c, streams: 2, phase: .training)
        #expect(try fresh.trainStep(.tokens(slice(long, 3, 6))) == second)
        #expect(fresh.parameters.gradArray() == carried.parameters.gradArray())
    }

    @Test func resetStartsFromZeroAndStreamsMustNotChangeWithoutIt() throws {
        let window = tokenWindow(steps: 4, streams: 3, vocabulary: vocabulary, seed: 3)
        let used = try model(), fresh = try model()
        _ = try used.trainStep(.tokens(window))
        #expect(throws: NetworkError.streamCountChanged(network: "lstm", got: 2, expected: 3)) {
            try used.trainStep(.tokens(tokenWindow(steps: 4, streams: 2, vocabulary: vocabulary, seed: 4)))
        }
        used.resetState(.training)
        #expect(used.state(.training).h.isEmpty)
        // Same parameters, zero state: the same step as a fresh model.
        #expect(try used.trainStep(.tokens(window)) == fresh.trainStep(.tokens(window)))
        #expect(used.parameters.gradArray() == fresh.parameters.gradArray())
        // Another stream count is fine after a reset.
        used.resetState(.training)
        _ = try used.trainStep(.tokens(tokenWindow(steps: 2, streams: 5, vocabulary: vocabulary, seed: 5)))
    }

    /// With dropout, two layers and a carried state, the whole step (masks replayed through the saved
    /// state) against central differences.
    @Test func stepWithDropoutMatchesFiniteDifferences() throws {
        let network = try model(layers: 2, dropout: 0.3)
        _ = try network.trainStep(.tokens(tokenWindow(steps: 3, streams: 2, vocabulary: vocabulary, seed: 6)))
        let window = Batch.tokens(tokenWindow(steps: 4, streams: 2, vocabulary: vocabulary, seed: 7))
        let saved = network.saveState()
        _ = try network.trainStep(window)
        let analytic = network.parameters.gradArray()
        func loss() throws -> Double {
            try network.restoreState(saved)
            return try network.trainStep(window).loss
        }
        let h: Float = 1e-2
        for slot in network.parameters.slots {
            let scale = max(slot.range.map { abs(Double(analytic[$0])) }.max()!, 1e-3)
            for i in stride(from: slot.offset, to: slot.range.upperBound, by: max(1, slot.count / 6)) {
                let original = network.parameters.values[i]
                network.parameters.values[i] = original + h
                let plus = try loss()
                network.parameters.values[i] = original - h
                let minus = try loss()
                network.parameters.values[i] = original
                let numeric = (plus - minus) / Double(2 * h)
                #expect(abs(numeric - Double(analytic[i])) < 5e-3 * scale + 1e-5,
                        "\(slot.name)[\(i - slot.offset)]: analytic \(analytic[i]), numeric \(numeric)")
            }
        }
    }

    @Test func dropoutOnlyInTrainingAndDeterministicPerSeed() throws {
        let window = Batch.tokens(tokenWindow(steps: 4, streams: 2, vocabulary: vocabulary, seed: 8))
        let a = try model(dropout: 0.5), b = try model(dropout: 0.5), plain = try model(dropout: 0)
        #expect(try a.trainStep(window) == b.trainStep(window))
        #expect(a.parameters.gradArray() == b.parameters.gradArray())
        #expect(try a.evaluate(window) == plain.evaluate(window), "no dropout in evaluation")
    }

    @Test func savedStateRoundTrips() throws {
        let network = try model(dropout: 0.2)
        _ = try network.trainStep(.tokens(tokenWindow(steps: 3, streams: 2, vocabulary: vocabulary, seed: 9)))
        _ = try network.evaluate(.tokens(tokenWindow(steps: 2, streams: 4, vocabulary: vocabulary, seed: 10)))
        let saved = network.saveState()
        let next = Batch.tokens(tokenWindow(steps: 3, streams: 2, vocabulary: vocabulary, seed: 11))
        let expected = try network.trainStep(next)
        let copy = try model(dropout: 0.2, seed: 77)
        // A training step leaves the parameters alone (no optimizer here): these are the saved moment's.
        try copy.parameters.load(network.parameters.valueArray())
        try copy.restoreState(saved)
        #expect(copy.state(.evaluation).h.count == 2 * 4 * 6)
        #expect(try copy.trainStep(next) == expected)
    }

    @Test func tokensOutsideTheVocabularyAreTypedErrors() throws {
        let network = try model()
        #expect(throws: NetworkError.tokenOutOfRange(network: "lstm", index: 1, token: 13, vocabulary: 13)) {
            try network.trainStep(.tokens(TokenBatch(inputs: [0, 13], targets: [1, 2], steps: 1, streams: 2)))
        }
        #expect(throws: NetworkError.wrongBatchKind(network: "lstm", expected: "tokens")) {
            try network.evaluate(.samples(SampleBatch(features: [0], count: 1)))
        }
    }
}
