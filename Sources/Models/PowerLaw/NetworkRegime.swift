// The real-network regime (seeds.md §3.1(a), PLO `training/train_nn.py` and the network runs of
// `train_4_regimes_serial.py`): the one-hidden-layer network itself, trained by SGD with momentum on
// batches of its N points, with the full training loss as the curve.

/// Runs `plan.runs` trainings of `problem.network`, each from the same initial parameters and with its
/// own batches, and returns their mean curve.
///
/// Step n: a batch of B distinct points, the gradient of ½·mean over the batch of (f(x) − y)², then the
/// heavy ball in torch.optim.SGD's form (its momentum buffer starts as the first gradient, which equals
/// p starting at 0), any βₙ, negative included:
///
///     p ← g + βₙ·p,   θ ← θ − (scale·αₙ)·p
///
/// `scale` is N/λ_max(K_emp) under `lr_norm` kernel (so that the network and the rescaled kernel of the
/// other regimes take the same steps at initialisation), 1 under raw. The curve is ½·mean(d²) over all N
/// points at every logged step; between logged steps the batch loss is watched, and a batch loss that
/// fails the divergence check triggers a full evaluation there.
func runNetwork(_ problem: NetworkProblem, learningRateScale scale: Double, plan: RunPlan) throws -> PowerLawOutcome {
    let network = problem.network
    let parameters = network.parameters
    let count = parameters.count
    let momentum = AlignedBuffer<Float>(count: count)
    var batch = SampleBatch()
    var statistics = CurveStatistics(steps: plan.steps)
    for run in 0..<plan.runs {
        try parameters.load(problem.initialParameters)
        momentum.zero()
        var sampler = BatchSampler(size: problem.size, batchSize: plan.batchSize, seed: plan.seed, run: run)
        var recorder = RunRecorder(plan: plan, initialLoss: try network.evaluate(problem.fullBatch).loss)
        let last = statistics.lastUsefulStep
        if last >= 1 {
            for step in 1...last {
                if plan.shouldStop() {
                    recorder.interrupt(at: step)
                    break
                }
                sampler.draw()
                batch.gather(from: problem.samples, indices: sampler.batch)
                let batchLoss = try network.trainStep(.samples(batch)).loss
                heavyBall(values: parameters.values, grads: parameters.grads, momentum: momentum.pointer, count: count,
                          lr: Float(scale * plan.schedule.rate(step)), beta: Float(plan.schedule.momentum(step)))
                if plan.isLogged(step) || !recorder.accepts(batchLoss) {
                    let loss = try network.evaluate(problem.fullBatch).loss
                    if !recorder.record(step: step, loss: loss) { break }
                }
            }
        }
        statistics.add(recorder)
        if case .interrupted = recorder.end { break }
    }
    return statistics.outcome(regime: PowerLawCatalog.network, plan: plan)
}

/// p ← g + β·p, θ ← θ − lr·p over `count` parameters (torch's `buf.mul_(β).add_(g)`, `θ.add_(buf, alpha=−lr)`).
private func heavyBall(values: UnsafeMutablePointer<Float>, grads: UnsafePointer<Float>, momentum: UnsafeMutablePointer<Float>,
                       count: Int, lr: Float, beta: Float) {
    for i in 0..<count {
        let buffer = beta * momentum[i] + grads[i]
        momentum[i] = buffer
        values[i] -= lr * buffer
    }
}
