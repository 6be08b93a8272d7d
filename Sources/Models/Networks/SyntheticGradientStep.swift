// One DNI training window of alternate_sg (alt_sg.md §4.2): the synthesizer's two calls, the injection
// and loss passes through the base model, and the synthesizer's training signal. The optimizer steps and
// clipping are the caller's (Worker's recipe).

/// What one DNI step computed (alt_sg.md §4.2), for the caller's two optimizer steps and for tests.
public struct SyntheticGradientStep {
    /// Cross-entropy metrics of the window (the logged training loss).
    public var metrics: StepMetrics
    /// s₀: the synthesizer's output at the joined initial state, (B, S).
    public var prediction: [Float]
    /// 0.1·s_T, the constant gradient injected at the joined final state; nil with the switch off.
    public var injected: [Float]?
    /// g_A: the injection pass's gradient at the joined initial state; nil with the switch off.
    public var injectionGradient: [Float]?
    /// g_B: the loss pass's gradient at the joined initial state.
    public var lossGradient: [Float]
    /// Σ(s₀ − g_A)² + Σ(s₀ − g_B)² (the first term only with the switch on).
    public var synthesizerLoss: Double
}

/// The scale of the injected synthetic gradient, hard-coded in alternate_sg's `model.py` (Q3).
public let syntheticGradientScale: Float = 0.1

/// One training window with the synthesizer (`--use_sg`), in alternate_sg's order: call 1 on the joined
/// initial state (recorded), the base forward, then with `switcher` call 2 on the joined final state and
/// pass A (back-propagating 0.1·s_T from it), then pass B (the loss). Leaves in `model.parameters.grads`
/// the sum of both passes and in `synthesizer.parameters.grads` the gradient of the synthesizer loss.
/// Both gradient blocks are zeroed first; the optimizer steps are the caller's.
///
/// `randomness` gives each call's noise and masks (tests replay recorded ones); by default they are
/// drawn from the synthesizer's generator.
///
/// QUIRK (alt_sg.md Q2, reproduce): the injection and the loss are back-propagated in two separate
/// passes, and each adds 2·(s₀ − g) at s₀, so the synthesizer's target is the average ½(g_A + g_B) with
/// double weight (Q4: a sum, not a mean). QUIRK (Q6, reproduce): with the switch off the synthesizer still
/// runs once, its state advances and it still learns from g_B.
///
/// `combinedPass` is the Q2 fix: one backward of loss + ⟨0.1·s_T, J_T⟩, so the synthesizer's target is
/// g_A + g_B (dni-pytorch's intended use); `lossGradient` is then that sum and `injectionGradient` nil.
public func syntheticGradientStep(model: QRNNLanguageModel, synthesizer: Synthesizer, batch: Batch, switcher: Bool,
                                  combinedPass: Bool = false,
                                  randomness: [SynthesizerRandomness]? = nil) throws -> SyntheticGradientStep {
    guard case let .tokens(window) = batch else { throw NetworkError.wrongBatchKind(network: model.name, expected: "tokens") }
    var calls = 0
    func draw(_ count: Int) -> SynthesizerRandomness {
        defer { calls += 1 }
        if let randomness { return randomness[calls] }
        return synthesizer.drawRandomness(elements: count)
    }
    let initial = model.joinedState(.training, streams: window.streams)
    let first = draw(initial.count)
    let prediction = synthesizer(initial, randomness: first, record: true)
    let metrics = try model.forwardTraining(batch)
    model.parameters.zeroGrads()
    synthesizer.parameters.zeroGrads()
    var injected: [Float]?, injectionGradient: [Float]?
    var dPrediction = [Float](repeating: 0, count: prediction.count)
    var synthesizerLoss = 0.0
    func addTarget(_ target: [Float]) {
        for i in prediction.indices {
            let d = prediction[i] - target[i]
            dPrediction[i] += 2 * d
            synthesizerLoss += Double(d) * Double(d)
        }
    }
    if switcher {
        let final = model.joinedState(.training, streams: window.streams)
        let second = draw(final.count)
        let scaled = synthesizer(final, randomness: second, record: false).map { $0 * syntheticGradientScale }
        injected = scaled
        if !combinedPass {
            model.backward(loss: false, injected: scaled)
            let gA = model.joinedInitialStateGradient()
            addTarget(gA)
            injectionGradient = gA
        }
    }
    model.backward(loss: true, injected: combinedPass ? injected : nil)
    let gB = model.joinedInitialStateGradient()
    addTarget(gB)
    synthesizer.backward(dPrediction)
    return SyntheticGradientStep(metrics: metrics, prediction: prediction, injected: injected, injectionGradient: injectionGradient,
                                 lossGradient: gB, synthesizerLoss: synthesizerLoss)
}
