// `sweep-bench models`: training throughput of the seed models, samples per second, at batch 64 and 128
// on 1 and 2 threads. A step is what a training loop does per batch minus the data loading: forward,
// backward and a plain SGD update (θ ← θ − lr·g over the flat parameter buffer). With `--torch PYTHON`
// the same configurations are measured with PyTorch (scripts/bench-torch-models.py) in the same run,
// alternating with ours, and the table shows the ratio. The machine may be shared: besides wall-clock
// rates the table gives the ratio of samples per CPU-second (process CPU time), which other processes
// disturb far less on 1 thread (on 2, idle workers that spin count as busy, for both libraries).
//
//     sweep-bench models [--seconds 1.5] [--repeats 3] [--threads 1,2] [--batches 64,128]
//                        [--models logreg,fc,mnist,cifar10,resnet20,lstm,transformer,nli_lstm,nli_convnet,nli_infersent] [--torch PYTHON]
// The transformers run at their own batch, whatever --batches says: `transformer` (transformer_lm
// 4×256, 4 heads, context 128, vocabulary 10,000, 8 sequences) and `roberta` (roberta_lm at
// RoBERTa-base size, 1 block of 128 tokens, measured only when named in --models), both with the
// catalog's training dropout of 0.1. The alternating-SG study's QRNN language model (`qrnn`:
// grids/altsg-small.json's 2×128 with V 2k; `qrnn1550`: the README's 400/1550×4 with PTB's V 10k) is
// measured only when named in --models, at the study's batch 20 unless --batches says otherwise; its
// torch twin runs the forget-mult as a Python loop over time steps, as the original does on CPU
// (alt_sg.md §2.2).
// The SNLI NLINet entries (`nli_*`, pairs/s) run the study's step: the SGD update on the mean gradient,
// then the gradient ÷ batch, the lr shrunk so that its norm is at most 5, and a second update.
import Foundation
import Models
import Vocabulary

/// One benchmarked model: how to build it and what a step consumes.
private struct BenchModel {
    var key: String
    var title: String
    /// Samples (or token positions) one step trains on, for a batch size.
    var samplesPerStep: (Int) -> Int
    /// The batch sizes measured: `--batches` overrides them unless they are fixed (the transformers').
    var batches = [64, 128]
    var batchesAreFixed = false
    var make: () throws -> any Network
    var batch: (Int) -> Batch
    /// Whether a step is the SNLI study's two updates rather than one.
    var studyStep = false
}

/// The language models' window length and the LSTM's vocabulary (PTB's 10,000 words).
private let bptt = 35, vocabulary = 10_000

private func randomSamples(_ n: Int, shape: [Int], classes: Int) -> Batch {
    var generator = SeededGenerator(seed: 1, stream: "bench")
    let features = (0..<(n * shape.reduce(1, *))).map { _ in generator.uniform(-1, 1) }
    let labels = (0..<n).map { _ in Int32(generator.below(classes)) }
    return .samples(SampleBatch(features: features, labels: labels, count: n))
}

private func randomWindow(_ streams: Int, steps: Int = bptt, vocabulary: Int = vocabulary) -> Batch {
    var generator = SeededGenerator(seed: 1, stream: "bench")
    let tokens = (0..<((steps + 1) * streams)).map { _ in Int32(generator.below(vocabulary)) }
    return .tokens(TokenBatch(inputs: Array(tokens[..<(steps * streams)]), targets: Array(tokens[streams...]),
                              steps: steps, streams: streams))
}

private func catalogModel(_ key: String, _ title: String, _ name: String, _ settings: [String: KeyValue] = [:],
                          shape: [Int], classes: Int = 10) -> BenchModel {
    BenchModel(key: key, title: title, samplesPerStep: { $0 },
               make: { try ModelCatalog.make(name: name, settings: Settings(settings), inputShape: shape, classes: classes,
                                             vocabulary: nil, seed: 1) },
               batch: { randomSamples($0, shape: shape, classes: classes) })
}

private let benchModels: [BenchModel] = [
    catalogModel("logreg", "logreg 784→10", "logreg", shape: [1, 28, 28]),
    catalogModel("fc", "fc 784→1000→1000→10", "fc", ["hidden": .numbers([1000, 1000])], shape: [1, 28, 28]),
    catalogModel("mnist", "ConvNet MNIST", "convnet", shape: [1, 28, 28]),
    catalogModel("cifar10", "ConvNet CIFAR-10", "convnet", shape: [3, 32, 32]),
    catalogModel("resnet20", "ResNet-20 CIFAR", "resnet", ["depth": .number(20)], shape: [3, 32, 32]),
    BenchModel(key: "lstm", title: "LSTM LM 64/128, V 10k, bptt 35 (tokens/s)", samplesPerStep: { $0 * bptt },
               make: { try ModelCatalog.make(name: "lstm", settings: Settings(), inputShape: [], classes: 0,
                                             vocabulary: vocabulary, seed: 1) },
               batch: { randomWindow($0) }),
    transformerModel("transformer", "transformer_lm 4×256, 4 heads, V 10k, context 128, dropout 0.1 (tokens/s)", "transformer_lm",
                     ["layers": .number(4), "width": .number(256), "heads": .number(4)], vocabulary: vocabulary, batch: 8),
    transformerModel("roberta", "roberta_lm 12×768, FFN 3072, V 50,265, block 128, dropout 0.1 (tokens/s)", "roberta_lm",
                     ["layers": .number(12), "width": .number(768), "heads": .number(12)], vocabulary: 50_265, batch: 1),
    nliModel(.lstm),
    nliModel(.convnet),
    nliModel(.infersent),
    qrnnModel("qrnn", "QRNN LM 128/128×2, V 2k, bptt 35, AWD (tokens/s)", vocabulary: 2_000, emsize: 128, nhid: 128, nlayers: 2),
    qrnnModel("qrnn1550", "QRNN LM 400/1550×4, V 10k, bptt 35, AWD (tokens/s)", vocabulary: 10_000, emsize: 400, nhid: 1550, nlayers: 4),
]

/// The tied QRNN language model of the alternating-SG study, with the README commands' dropouts and
/// the default AR/TAR (α 2, β 1), at their batch size 20.
private func qrnnModel(_ key: String, _ title: String, vocabulary: Int, emsize: Int, nhid: Int, nlayers: Int) -> BenchModel {
    let settings: [String: KeyValue] = ["emsize": .number(Double(emsize)), "nhid": .number(Double(nhid)), "nlayers": .number(Double(nlayers)),
                                        "dropouti": .number(0.4), "dropouth": .number(0.3), "dropout": .number(0.4),
                                        "dropoute": .number(0.1), "wdrop": .number(0.1)]
    return BenchModel(key: key, title: title, samplesPerStep: { $0 * bptt }, batches: [20],
                      make: { try ModelCatalog.make(name: "qrnn_lm", settings: Settings(settings), inputShape: [], classes: 0,
                                                    vocabulary: vocabulary, seed: 1) },
                      batch: { randomWindow($0, vocabulary: vocabulary) })
}

/// A transformer language model of the catalog at context 128, trained on `batch` random sequences.
private func transformerModel(_ key: String, _ title: String, _ name: String, _ settings: [String: KeyValue], vocabulary: Int,
                              batch: Int) -> BenchModel {
    let context = 128
    return BenchModel(key: key, title: title, samplesPerStep: { $0 * context }, batches: [batch], batchesAreFixed: true,
                      make: { try ModelCatalog.make(name: name, settings: Settings(settings.merging(["context": .number(Double(context)),
                                                                                                      "dropout": .number(0.1)]) { $1 }),
                                                    inputShape: [], classes: 0, vocabulary: vocabulary, seed: 1) },
                      batch: { randomWindow($0, steps: context, vocabulary: vocabulary) })
}

/// SNLI's vocabulary with GloVe (about 36,000 words) and the study's 300-d frozen vectors.
private let nliVocabulary = 36_000, nliVectorSize = 300

/// NLINet at the catalog's defaults (the study's: enc_lstm_dim 200, fc_dim 200, dpout_fc 0.2, 3 classes).
private func nliModel(_ encoder: NLINet.Encoder) -> BenchModel {
    BenchModel(key: "nli_\(encoder.rawValue)", title: "NLINet \(encoder.rawValue), 300-d frozen, H 200, fc 200, study step (pairs/s)",
               samplesPerStep: { $0 },
               make: {
                   var generator = SeededGenerator(seed: 1, stream: "vectors")
                   let vectors = (0..<(nliVocabulary * nliVectorSize)).map { _ in generator.uniform(-0.5, 0.5) }
                   return try NLINet(encoder: encoder, vectors: vectors, vocabulary: nliVocabulary, embeddingSize: nliVectorSize,
                                     hiddenSize: 200, fcSize: 200, classes: 3, dropout: 0.2, seed: 1)
               },
               batch: sentencePairs, studyStep: true)
}

/// Sentence `b` of a side whose mean length is `words` words: `<s>`, words ± 4 (spread evenly over the
/// batch), `</s>`; padded with 1 to the batch's longest, sequence-major. scripts/bench-torch-models.py
/// builds the same tokens.
private func sentences(_ batch: Int, words: Int) -> (tokens: [Int32], lengths: [Int32]) {
    let lengths = (0..<batch).map { Int32(words - 4 + ($0 * 5) % 9 + 2) }
    let steps = Int(lengths.max()!)
    var tokens = [Int32](repeating: 1, count: steps * batch)
    for b in 0..<batch {
        let length = Int(lengths[b])
        tokens[b] = 2
        for t in 1..<(length - 1) { tokens[t * batch + b] = Int32(4 + (b * 131 + t * 17) % (nliVocabulary - 4)) }
        tokens[(length - 1) * batch + b] = 3
    }
    return (tokens, lengths)
}

/// SNLI-like pairs: premises of 14 words, hypotheses of 8 on average.
private func sentencePairs(_ batch: Int) -> Batch {
    let (premise, premiseLengths) = sentences(batch, words: 14), (hypothesis, hypothesisLengths) = sentences(batch, words: 8)
    return .sentencePairs(SentencePairBatch(premise: premise, premiseLengths: premiseLengths, hypothesis: hypothesis,
                                            hypothesisLengths: hypothesisLengths, labels: (0..<batch).map { Int32($0 % 3) }, count: batch))
}

/// The models measured when --models is not given.
private let defaultBenchModels = benchModels.map(\.key).filter { !$0.hasPrefix("qrnn") && $0 != "roberta" }

/// This process's CPU time (user + system), in seconds.
private func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// Steps per wall-clock second and per CPU-second of `network` on `batch`, over at least `seconds`
/// (after two warm-up steps). `studyBatch`: the SNLI study's second update, for a batch of that size.
private func measure(_ network: any Network, _ batch: Batch, studyBatch: Int?, seconds: Double) throws -> (wall: Double, cpu: Double) {
    let values = network.parameters.values, grads = network.parameters.grads, count = network.parameters.count
    let lr: Float = 1e-3, maxNorm = 5.0
    func step() throws {
        _ = try network.trainStep(batch)
        guard let k = studyBatch else {
            for i in 0..<count { values[i] -= lr * grads[i] }
            return
        }
        // The study's two updates in two passes over the buffers, not three: the first update, the
        // gradient ÷ k and its squared norm share one. The norm sums in 8 lanes (a single chain of
        // dependent additions took as long as the passes; PyTorch's norm is vectorized too).
        let scale = 1 / Float(k)
        var lanes = SIMD8<Double>(repeating: 0)
        var i = 0
        while i + 8 <= count {
            let g = UnsafeRawPointer(grads + i).loadUnaligned(as: SIMD8<Float>.self)
            let v = UnsafeRawPointer(values + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(values + i).storeBytes(of: v - lr * g, as: SIMD8<Float>.self)
            let scaled = g * scale
            UnsafeMutableRawPointer(grads + i).storeBytes(of: scaled, as: SIMD8<Float>.self)
            let wide = SIMD8<Double>(scaled)
            lanes += wide * wide
            i += 8
        }
        var total = lanes.sum()
        while i < count {
            values[i] -= lr * grads[i]
            grads[i] *= scale
            total += Double(grads[i]) * Double(grads[i])
            i += 1
        }
        let norm = total.squareRoot()
        let shrunk = norm > maxNorm ? lr * Float(maxNorm / norm) : lr
        for i in 0..<count { values[i] -= shrunk * grads[i] }
    }
    try step()
    try step()
    var steps = 0
    let start = DispatchTime.now().uptimeNanoseconds, cpuStart = processCPUSeconds()
    var elapsed = 0.0
    repeat {
        try step()
        steps += 1
        elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    } while elapsed < seconds || steps < 3
    return (Double(steps) / elapsed, Double(steps) / (processCPUSeconds() - cpuStart))
}

/// Runs the PyTorch twin of one configuration; returns its samples per wall-clock and per CPU second.
private func measureTorch(python: String, model: String, batch: Int, threads: Int, seconds: Double) throws -> (wall: Double, cpu: Double) {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/bench-torch-models.py").path
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = [script, "--model", model, "--batch", String(batch), "--threads", String(threads), "--seconds", String(seconds)]
    process.environment = referenceEnvironment()
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let values = String(decoding: output, as: UTF8.self).split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    guard process.terminationStatus == 0, values.count == 2 else {
        throw BenchError("bench-torch-models.py \(model) failed (status \(process.terminationStatus))")
    }
    return (values[0], values[1])
}

private struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

private func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

/// Spread of repeated measurements: (max − min) / median, in percent.
private func spread(_ values: [Double]) -> Double { (values.max()! - values.min()!) / median(values) * 100 }

func modelsBenchmark(_ arguments: [String]) throws {
    var seconds = 1.5, repeats = 3, threadCounts = [1, 2]
    var batches: [Int]?
    var keys = defaultBenchModels
    var python: String?
    var rest = arguments[...]
    func list(_ text: String) throws -> [Int] {
        let values = text.split(separator: ",").compactMap { Int($0) }
        guard !values.isEmpty, values.allSatisfy({ $0 >= 1 }) else { throw BenchError("expected a list of positive integers, got \(text)") }
        return values
    }
    while let flag = rest.popFirst() {
        guard let value = rest.popFirst() else { throw BenchError("\(flag) needs a value") }
        switch flag {
        case "--seconds": seconds = Double(value) ?? seconds
        case "--repeats": repeats = max(1, Int(value) ?? repeats)
        case "--threads": threadCounts = try list(value)
        case "--batches": batches = try list(value)
        case "--models":
            keys = value.split(separator: ",").map(String.init)
            if let unknown = keys.first(where: { key in !benchModels.contains { $0.key == key } }) {
                throw BenchError("unknown model \(unknown) (valid: \(benchModels.map(\.key).joined(separator: ", ")))")
            }
        case "--torch": python = value
        default: throw BenchError("unknown option \(flag) (valid: --seconds, --repeats, --threads, --batches, --models, --torch)")
        }
    }
    print("training throughput, samples/s (language models: tokens/s; NLINet: sentence pairs/s): forward + backward + plain SGD update, synthetic data in memory")
    print("median of \(repeats) runs of ≥ \(seconds) s each; spread = (max − min)/median\(python == nil ? "" : "; torch measured alternately in the same run")")
    print("per CPU-s: the same ratio from samples per second of process CPU time")
    print("kernels: \(Kernels.selected.name) (SWEEP_KERNELS; this CPU runs \(Kernels.runnable.map(\.name).joined(separator: ", ")))")
    if python != nil { print(referenceCapsLine()) }
    var header = "| model | batch | threads | sweep | spread |"
    if python != nil { header += " torch | spread | sweep/torch | per CPU-s |" }
    print(header)
    print(String(repeating: "|---", count: python == nil ? 5 : 9) + "|")
    let savedThreads = Compute.threads
    defer { Compute.threads = savedThreads }
    for model in benchModels where keys.contains(model.key) {
        for batchSize in model.batchesAreFixed ? model.batches : batches ?? model.batches {
            let network = try model.make()
            let batch = model.batch(batchSize)
            for threads in threadCounts {
                Compute.threads = threads
                var ours: [Double] = [], theirs: [Double] = [], oursCPU: [Double] = [], theirsCPU: [Double] = []
                for _ in 0..<repeats {
                    let rate = try measure(network, batch, studyBatch: model.studyStep ? batchSize : nil, seconds: seconds)
                    ours.append(rate.wall * Double(model.samplesPerStep(batchSize)))
                    oursCPU.append(rate.cpu * Double(model.samplesPerStep(batchSize)))
                    if let python {
                        let torch = try measureTorch(python: python, model: model.key, batch: batchSize, threads: threads, seconds: seconds)
                        theirs.append(torch.wall)
                        theirsCPU.append(torch.cpu)
                    }
                }
                var row = "| \(model.title) | \(batchSize) | \(threads) | \(Int(median(ours).rounded())) | \(String(format: "%.0f%%", spread(ours))) |"
                if !theirs.isEmpty {
                    row += " \(Int(median(theirs).rounded())) | \(String(format: "%.0f%%", spread(theirs))) |"
                    row += " \(String(format: "%.2f", median(ours) / median(theirs))) | \(String(format: "%.2f", median(oursCPU) / median(theirsCPU))) |"
                }
                print(row)
                fflush(stdout)
            }
        }
    }
}
