// What a run's checkpoint holds and how it maps onto the run: parameters, the network's own state
// (buffers, carried LSTM state, dropout generator), the optimizer's state, and the run's progress.
import Foundation
import Models
import Optim

/// The checkpoint of one configuration.
struct RunCheckpoint {
    let path: String
    let configurationID: String

    /// Writes the run's state atomically.
    func save(_ progress: RunProgress, setup: RunSetup, secondsNow: Double) throws {
        var file = CheckpointFile()
        file.texts["configuration"] = configurationID
        let parameters = setup.network.parameters
        file.floats["parameters"] = Array(UnsafeBufferPointer(start: parameters.values, count: parameters.count))

        let network = setup.network.saveState()
        file.texts["network"] = network.network
        file.texts["network.tensors"] = network.tensors.map(\.name).joined(separator: "\n")
        for tensor in network.tensors { file.floats["network.tensor.\(tensor.name)"] = tensor.values }
        file.texts["network.generators"] = network.generators.map(\.name).joined(separator: "\n")
        for generator in network.generators { file.words["network.generator.\(generator.name)"] = words(generator.generator) }

        let optimizer = setup.optimizer.saveState()
        file.texts["optimizer"] = optimizer.kind
        for (name, values) in optimizer.floats { file.floats["optimizer.\(name)"] = values }
        for (name, values) in optimizer.doubles { file.doubles["optimizer.\(name)"] = values }
        for (name, values) in optimizer.ints { file.integers["optimizer.\(name)"] = values.map(Int64.init) }

        var admissions = setup.optimizer.admissions
        admissions.admitted += progress.admissionsBefore.admitted
        admissions.rejected += progress.admissionsBefore.rejected
        let totals = progress.totals
        file.integers["progress"] = [progress.epoch, progress.stepInEpoch, progress.globalStep, totals.count, totals.correct,
                                     totals.batches, admissions.admitted, admissions.rejected].map(Int64.init)
        file.doubles["progress"] = [totals.lossSum, totals.squaredError, totals.batchLossSum, progress.lastFiniteLoss,
                                    progress.secondsBefore + secondsNow]
        file.words["progress.shuffle"] = words(progress.shuffle)
        if let best = progress.best {
            file.texts["best.metric"] = best.metric
            file.texts["best.test"] = best.test.map(\.name).joined(separator: "\n")
            file.integers["best.epoch"] = [Int64(best.epoch)]
            file.doubles["best"] = [best.value] + best.test.map(\.value)
        }
        try setup.altsg?.save(into: &file)
        try file.write(to: path)
    }

    /// The saved progress, with parameters, network and optimizer restored into `setup`; nil when there
    /// is no checkpoint. Throws `CheckpointError` for a checkpoint that cannot be used (damaged, or with
    /// contents no run could have written); `setup` may then be partly restored, and the caller sets the
    /// file aside and starts over from a fresh setup.
    func restore(into setup: RunSetup, epochs: Int) throws -> RunProgress? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let file = try CheckpointFile.read(from: path)
        guard file.texts["configuration"] == configurationID else {
            throw CheckpointError.mismatch(path, "it belongs to configuration \(file.texts["configuration"] ?? "?")")
        }
        guard let parameters = file.floats["parameters"], let counters = file.integers["progress"], counters.count == 8,
              let sums = file.doubles["progress"], sums.count == 5, let shuffle = file.words["progress.shuffle"] else {
            throw CheckpointError.damaged(path, "progress entries missing")
        }
        // Checkpoints are written before the last epoch ends, with counts that only grow.
        guard counters.allSatisfy({ $0 >= 0 }), counters[0] < Int64(epochs) else {
            throw CheckpointError.damaged(path, "impossible progress \(counters) for a run of \(epochs) epochs")
        }
        guard shuffle.count == 4 else { throw CheckpointError.damaged(path, "the data-order generator has \(shuffle.count) words, not 4") }
        try setup.network.parameters.load(parameters)

        let tensorNames = (file.texts["network.tensors"] ?? "").split(separator: "\n").map(String.init)
        let generatorNames = (file.texts["network.generators"] ?? "").split(separator: "\n").map(String.init)
        try setup.network.restoreState(NetworkState(
            network: file.texts["network"] ?? "",
            tensors: try tensorNames.map { NamedTensor($0, try entry(file.floats["network.tensor.\($0)"], $0)) },
            generators: try generatorNames.map { name in
                let words = try entry(file.words["network.generator.\(name)"], name)
                guard words.count == 4 else { throw CheckpointError.damaged(path, "generator \(name) has \(words.count) words, not 4") }
                return NamedGenerator(name, generator(words))
            }))

        var optimizer = OptimizerState(kind: file.texts["optimizer"] ?? "")
        for (name, values) in file.floats where name.hasPrefix("optimizer.") { optimizer.floats[String(name.dropFirst(10))] = values }
        for (name, values) in file.doubles where name.hasPrefix("optimizer.") { optimizer.doubles[String(name.dropFirst(10))] = values }
        for (name, values) in file.integers where name.hasPrefix("optimizer.") { optimizer.ints[String(name.dropFirst(10))] = values.map(Int.init) }
        try setup.optimizer.restoreState(optimizer)
        setup.optimizer.resetAdmissions()
        try setup.altsg?.restore(from: file, path: path)

        var progress = RunProgress(seed: 0)
        progress.epoch = Int(counters[0])
        progress.stepInEpoch = Int(counters[1])
        progress.globalStep = Int(counters[2])
        progress.totals.count = Int(counters[3])
        progress.totals.correct = Int(counters[4])
        progress.totals.batches = Int(counters[5])
        progress.admissionsBefore = AdmissionCounts(admitted: Int(counters[6]), rejected: Int(counters[7]))
        progress.totals.lossSum = sums[0]
        progress.totals.squaredError = sums[1]
        progress.totals.batchLossSum = sums[2]
        progress.lastFiniteLoss = sums[3]
        progress.secondsBefore = sums[4]
        progress.shuffle = generator(shuffle)
        if let metric = file.texts["best.metric"], let epoch = file.integers["best.epoch"]?.first, let values = file.doubles["best"] {
            let names = (file.texts["best.test"] ?? "").split(separator: "\n").map(String.init)
            guard values.count == names.count + 1, (1...max(1, progress.epoch)).contains(Int(epoch)) else {
                throw CheckpointError.damaged(path, "best-epoch entries disagree")
            }
            progress.best = BestSoFar(metric: metric, epoch: Int(epoch), value: values[0], test: Array(zip(names, values.dropFirst())))
        }
        return progress
    }

    /// Moves a checkpoint that cannot be used to `<path>.damaged`, so that no later attempt trips on it
    /// again; the run starts over, which gives the same numbers (only time is lost).
    func setAside(because error: CheckpointError, log: (String) -> Void) {
        let aside = path + ".damaged"
        try? FileManager.default.removeItem(atPath: aside)
        try? FileManager.default.moveItem(atPath: path, toPath: aside)
        log("\(error); set aside as \(aside), starting this configuration over")
    }

    /// Deletes the checkpoint once the run has its final record.
    func remove() { try? FileManager.default.removeItem(atPath: path) }

    private func entry<T>(_ value: T?, _ name: String) throws -> T {
        guard let value else { throw CheckpointError.damaged(path, "no entry for \(name)") }
        return value
    }

    private func words(_ generator: SeededGenerator) -> [UInt64] {
        [generator.state.0, generator.state.1, generator.state.2, generator.state.3]
    }

    private func generator(_ words: [UInt64]) -> SeededGenerator {
        SeededGenerator(state: (words[0], words[1], words[2], words[3]))
    }
}
