// The training recipe of the alternating synthetic-gradient study for `qrnn_lm`, `awd_lstm` and `awd_gru` (alt_sg.md §1, §3–§5):
// AWD's variable BPTT windows with the lr scaled by seq_len/bptt, the epoch schedule (restarts, cosine,
// SG switch), the DNI synthesizer with its own Adam, the evaluation batch sizes, and what a checkpoint
// must hold to resume bit for bit (synthesizer, its optimizer, schedule, window generator, position).
// `Trainer` hands its epoch to `trainEpoch` when a run has a recipe; the rest of the run (records, best
// epoch, checkpoints of parameters and base optimizer) is the common one.
import Foundation
import Models
import Optim
import SweepCore
import Vocabulary

/// alternate_sg's per-run state beyond the network and its optimizer.
final class AltSGRecipe {
    let model: QRNNLanguageModel
    let bptt: Int
    let validStreams: Int, testStreams: Int
    /// The synthesizer and its optimizer (`use_sg`), else nil.
    let synthesizer: Synthesizer?
    let synthesizerOptimizer: (any Optimizer)?
    let fixSG: Bool
    let combinedPass: Bool
    private(set) var schedule: AltSGSchedule
    /// The current epoch's plan (lr, SG switch), set when the epoch begins.
    private(set) var plan: AltSGSchedule.Epoch?
    /// Draws the windows' lengths (numpy's RNG in the reference; only the distribution matters, §9.1).
    private var windows: SeededGenerator
    /// The row where the next training window starts.
    private var position = 0

    init(_ model: QRNNLanguageModel, values: ConfigurationValues, lr: Double) throws {
        let settings = values.settings(.model)
        guard values.schedule == ScheduleCatalog.names[0] else {
            throw OptimizerError.conflict("model \(values.model) runs alternate_sg's own epoch schedule (restart_base, restart_lr, mixture, "
                + "whenswitch); leave schedule unset instead of \(values.schedule)")
        }
        self.model = model
        bptt = try settings.integer(AltSGKeys.bptt)
        validStreams = try settings.integer(AltSGKeys.validBatch)
        testStreams = try settings.integer(AltSGKeys.testBatch)
        fixSG = try settings.bool(AltSGKeys.fixSG)
        combinedPass = try settings.bool(AltSGKeys.sgCombinedPass)
        let useSG = try settings.bool(AltSGKeys.useSG)
        let scheduleSettings = AltSGSchedule.Settings(
            lr: lr, restartBase: try AltSGKeys.integers(AltSGKeys.restartBase, settings), restartLR: try settings.bool(AltSGKeys.restartLR),
            useSG: useSG, mixture: try settings.bool(AltSGKeys.mixture),
            // alternate_sg's default [−1] never matches an epoch; our empty list says the same.
            whenSwitch: try AltSGKeys.integers(AltSGKeys.whenSwitch, settings))
        try AltSGSchedule.validate(scheduleSettings, epochs: values.epochs)
        schedule = try AltSGSchedule(scheduleSettings)
        windows = SeededGenerator(seed: values.seed, stream: "bptt")
        if useSG {
            // Q12 fixed by construction: the synthesizer has its own seeded streams, so use_sg does not
            // change the base model's initial weights (alternate_sg builds the synthesizer first from the
            // shared torch RNG).
            let synthesizer = try AltSGKeys.synthesizer(settings, seed: values.seed)
            self.synthesizer = synthesizer
            // QUIRK (Q15, reproduce): Adam with coupled L2 weight decay; lr fixed (never scheduled or scaled).
            synthesizerOptimizer = try OptimizerCatalog.make(
                name: "adam", hyperparameters: ["lr": .number(try settings.number(AltSGKeys.sgLR)),
                                                "weight_decay": .number(try settings.number(AltSGKeys.sgWeightDecay))],
                tensors: synthesizer.parameters.ranges)
        } else {
            synthesizer = nil
            synthesizerOptimizer = nil
        }
    }

    /// The streams an evaluation split is cut into (alternate_sg: validation 10, test 1).
    func evaluationStreams(_ split: String) -> Int { split == "test" ? testStreams : validStreams }

    /// The metrics the recipe adds to an epoch record: whether synthetic gradients were injected.
    var epochMetrics: [(name: String, value: Double)] { [("sg_on", plan?.sgOn == true ? 1 : 0)] }

    // MARK: - One epoch

    /// Trains one epoch (or its rest, after a resume) over `train` cut into `streams` streams.
    func trainEpoch(_ progress: inout RunProgress, train: [Int32], streams: Int, optimizer: any Optimizer, clip: Double?,
                    dataset: String) throws -> EpochOutcome {
        let rows = train.count / streams
        guard rows >= 3 else { throw DataError(.tooFewTokens(split: "train", tokens: train.count, streams: streams), dataset: dataset) }
        if progress.stepInEpoch == 0 {
            plan = try schedule.beginEpoch(progress.epoch + 1)
            position = 0
            // alternate_sg resets the hidden state and the QRNN's stored inputs at every epoch start.
            model.resetState(.training)
        }
        guard let plan else { preconditionFailure("AltSGRecipe: an epoch resumed without its plan") }
        optimizer.lr = plan.lr
        var batch = TokenBatch()
        // AWD's loop: windows while i < rows − 2; the last may be shortened to the data.
        while position < rows - 2 {
            let seqLen = drawLength()
            let length = min(seqLen, rows - 1 - position)
            cut(&batch, train, streams: streams, rows: rows, start: position, length: length)
            let metrics: StepMetrics
            if let synthesizer {
                metrics = try syntheticGradientStep(model: model, synthesizer: synthesizer, batch: .tokens(batch),
                                                    switcher: plan.sgOn, combinedPass: combinedPass).metrics
            } else {
                metrics = try model.trainStep(.tokens(batch))
            }
            guard metrics.loss.isFinite, model.lastLoss.total.isFinite else {
                return .diverged(step: progress.globalStep + 1, loss: metrics.loss.isFinite ? model.lastLoss.total : metrics.loss)
            }
            progress.lastFiniteLoss = metrics.loss
            let parameters = model.parameters
            // QUIRK (Q14, reproduce): only the base parameters are clipped, with the injected part included.
            if let clip { clipGradientNorm(parameters.grads, count: parameters.count, maxNorm: clip) }
            // QUIRK (Q13, reproduce): lr × seq_len/bptt with the drawn seq_len, also under Adam and for a
            // window shortened at the end of the data.
            optimizer.lr = plan.lr * Double(seqLen) / Double(bptt)
            optimizer.step(parameters: parameters.values, gradients: parameters.grads)
            optimizer.lr = plan.lr
            if let synthesizer, let synthesizerOptimizer, !fixSG {
                synthesizerOptimizer.step(parameters: synthesizer.parameters.values, gradients: synthesizer.parameters.grads)
            }
            position += seqLen
            progress.totals.add(metrics)
            progress.stepInEpoch += 1
            progress.globalStep += 1
            if position < rows - 2, let signo = Interruption.received { return .stopped(signo) }
        }
        // QUIRK (Q7, reproduce): the synthesizer's state lives through the epoch and is cleared at its end.
        synthesizer?.resetState()
        return .completed
    }

    /// AWD's window length: base bptt (probability 0.95) or bptt/2, then max(5, trunc(Normal(base, 5))).
    private func drawLength() -> Int {
        let base = windows.nextDouble() < 0.95 ? Double(bptt) : Double(bptt) / 2
        return max(5, Int(base + 5 * windows.normal()))
    }

    /// Rows [start, start + length) of the stream cut into columns as inputs, one row later as targets.
    private func cut(_ batch: inout TokenBatch, _ tokens: [Int32], streams: Int, rows: Int, start: Int, length: Int) {
        var inputs: [Int32] = [], targets: [Int32] = []
        inputs.reserveCapacity(length * streams)
        targets.reserveCapacity(length * streams)
        for t in 0..<length { for s in 0..<streams { inputs.append(tokens[s * rows + start + t]) } }
        for t in 0..<length { for s in 0..<streams { targets.append(tokens[s * rows + start + t + 1]) } }
        batch = TokenBatch(inputs: inputs, targets: targets, steps: length, streams: streams)
    }

    // MARK: - Checkpoint

    /// Adds the recipe's state to a checkpoint.
    func save(into file: inout CheckpointFile) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        file.texts["altsg.schedule"] = String(decoding: try encoder.encode(schedule), as: UTF8.self)
        if let plan {
            file.doubles["altsg.plan"] = [plan.lr]
            file.integers["altsg.plan"] = [plan.switcher ? 1 : 0, plan.sgOn ? 1 : 0, plan.restart ? 1 : 0, Int64(plan.switchBase)]
        }
        file.integers["altsg.position"] = [Int64(position)]
        file.words["altsg.windows"] = [windows.state.0, windows.state.1, windows.state.2, windows.state.3]
        guard let synthesizer, let synthesizerOptimizer else { return }
        file.floats["altsg.synthesizer.parameters"] = synthesizer.parameters.valueArray()
        let state = synthesizer.saveState()
        file.texts["altsg.synthesizer.tensors"] = state.tensors.map(\.name).joined(separator: "\n")
        for tensor in state.tensors { file.floats["altsg.synthesizer.tensor.\(tensor.name)"] = tensor.values }
        for generator in state.generators {
            let g = generator.generator.state
            file.words["altsg.synthesizer.generator.\(generator.name)"] = [g.0, g.1, g.2, g.3]
        }
        let optimizer = synthesizerOptimizer.saveState()
        file.texts["altsg.optimizer"] = optimizer.kind
        for (name, values) in optimizer.floats { file.floats["altsg.optimizer.\(name)"] = values }
        for (name, values) in optimizer.doubles { file.doubles["altsg.optimizer.\(name)"] = values }
        for (name, values) in optimizer.ints { file.integers["altsg.optimizer.\(name)"] = values.map(Int64.init) }
    }

    /// Restores what `save` wrote.
    func restore(from file: CheckpointFile, path: String) throws {
        func need<T>(_ value: T?, _ name: String) throws -> T {
            guard let value else { throw CheckpointError.damaged(path, "no entry for \(name)") }
            return value
        }
        func generator(_ words: [UInt64]) throws -> SeededGenerator {
            guard words.count == 4 else { throw CheckpointError.damaged(path, "a generator of \(words.count) words") }
            return SeededGenerator(state: (words[0], words[1], words[2], words[3]))
        }
        schedule = try JSONDecoder().decode(AltSGSchedule.self, from: Data(try need(file.texts["altsg.schedule"], "altsg.schedule").utf8))
        if let lr = file.doubles["altsg.plan"]?.first, let flags = file.integers["altsg.plan"], flags.count == 4 {
            plan = AltSGSchedule.Epoch(lr: lr, switcher: flags[0] != 0, sgOn: flags[1] != 0, restart: flags[2] != 0, switchBase: Int(flags[3]))
        } else {
            plan = nil
        }
        position = Int(try need(file.integers["altsg.position"]?.first, "altsg.position"))
        windows = try generator(try need(file.words["altsg.windows"], "altsg.windows"))
        guard let synthesizer, let synthesizerOptimizer else { return }
        try synthesizer.parameters.load(try need(file.floats["altsg.synthesizer.parameters"], "altsg.synthesizer.parameters"))
        let names = (file.texts["altsg.synthesizer.tensors"] ?? "").split(separator: "\n").map(String.init)
        try synthesizer.restoreState(NetworkState(
            network: "synthesizer",
            tensors: try names.map { NamedTensor($0, try need(file.floats["altsg.synthesizer.tensor.\($0)"], $0)) },
            generators: [NamedGenerator("noise", try generator(try need(file.words["altsg.synthesizer.generator.noise"], "synthesizer noise")))]))
        var optimizer = OptimizerState(kind: file.texts["altsg.optimizer"] ?? "")
        let prefix = "altsg.optimizer."
        for (name, values) in file.floats where name.hasPrefix(prefix) { optimizer.floats[String(name.dropFirst(prefix.count))] = values }
        for (name, values) in file.doubles where name.hasPrefix(prefix) { optimizer.doubles[String(name.dropFirst(prefix.count))] = values }
        for (name, values) in file.integers where name.hasPrefix(prefix) { optimizer.ints[String(name.dropFirst(prefix.count))] = values.map(Int.init) }
        try synthesizerOptimizer.restoreState(optimizer)
    }
}
