// `sweep-bench vectors`: reading a GloVe-sized word-vector text file (400,000 words × 300 values, made
// once under /tmp) while keeping only a corpus's words (SNLI's vocabulary is about 36,000): seconds and
// the process's peak resident memory before and after.
// `sweep-bench sentences`: training pairs per second of the SNLI encoders at the study's sizes
// (300-d vectors, enc_lstm_dim 200, fc_dim 200, batch 128, premises of 14 and hypotheses of 9 tokens
// with <s> and </s>, lengths varying), and turns per second of the MultiWoZ seq2seq (emb 50, hidden 150,
// 64 turns of 12 input and 14 output tokens); a step is forward, backward and a plain SGD update.
//
//     sweep-bench vectors [--words 400000] [--dim 300] [--keep 36000] [--file PATH]
//     sweep-bench sentences [--seconds 2] [--threads 1]
import Foundation
import Models

/// Peak resident set size of this process so far, in MiB.
private func peakMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

private func option(_ arguments: [String], _ name: String, _ fallback: String) -> String {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return fallback }
    return arguments[i + 1]
}

func vectorsBenchmark(_ arguments: [String]) throws {
    let words = Int(option(arguments, "--words", "400000")) ?? 400_000
    let dim = Int(option(arguments, "--dim", "300")) ?? 300
    let keep = Int(option(arguments, "--keep", "36000")) ?? 36_000
    let path = option(arguments, "--file", "/tmp/sweep-bench-vectors-\(words)x\(dim).txt")
    if !FileManager.default.fileExists(atPath: path) {
        let start = Date()
        guard let file = fopen(path + ".part", "wb") else { throw BenchmarkError("cannot write \(path)") }
        var generator = SeededGenerator(seed: 7, stream: "vectors")
        var line: [UInt8] = []
        for w in 0..<words {
            line.removeAll(keepingCapacity: true)
            line.append(contentsOf: Array("word\(w)".utf8))
            for _ in 0..<dim {
                // ±0.dddddd, as GloVe writes its values.
                let x = generator.below(2_000_000) - 1_000_000
                line.append(0x20)
                if x < 0 { line.append(UInt8(ascii: "-")) }
                line.append(contentsOf: [UInt8(ascii: "0"), UInt8(ascii: ".")])
                var digits = abs(x) % 1_000_000, buffer = [UInt8](repeating: 0, count: 6)
                for k in stride(from: 5, through: 0, by: -1) { buffer[k] = UInt8(48 + digits % 10); digits /= 10 }
                line.append(contentsOf: buffer)
            }
            line.append(0x0A)
            _ = line.withUnsafeBytes { fwrite($0.baseAddress!, 1, $0.count, file) }
        }
        fclose(file)
        rename(path + ".part", path)
        print("wrote \(path) in \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
    }
    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    // The corpus's words: every 11th word of the file, so they are spread through it.
    var wanted = Set<String>()
    var k = 0
    while wanted.count < keep && k < words { wanted.insert("word\(k)"); k += 11 }
    let before = peakMiB()
    let start = Date()
    let vectors = try WordVectors.read(path, wanted: wanted)
    let seconds = Date().timeIntervalSince(start)
    let after = peakMiB()
    print("file: \(words) words × \(dim) values, \(String(format: "%.0f", Double(size) / 1_048_576)) MiB")
    print("kept: \(vectors.rows.count) words × \(vectors.dimension) = \(String(format: "%.1f", Double(vectors.values.count * 4) / 1_048_576)) MiB of floats")
    print("read: \(String(format: "%.2f", seconds)) s (\(String(format: "%.0f", Double(size) / 1_048_576 / seconds)) MiB/s)")
    print("peak resident memory: \(String(format: "%.1f", before)) MiB before, \(String(format: "%.1f", after)) MiB after")
}

func sentencesBenchmark(_ arguments: [String]) throws {
    let seconds = Double(option(arguments, "--seconds", "2")) ?? 2
    Compute.threads = Int(option(arguments, "--threads", "1")) ?? 1
    var generator = SeededGenerator(seed: 3, stream: "bench")
    let vocabulary = 20_000, dim = 300, batch = 128
    let vectors = (0..<(vocabulary * dim)).map { _ in generator.uniform(-0.5, 0.5) }
    func sentences(_ typical: Int) -> (tokens: [Int32], lengths: [Int32]) {
        let lengths = (0..<batch).map { _ in Int32(max(3, typical - 4 + generator.below(9))) }
        let steps = Int(lengths.max()!)
        var tokens = [Int32](repeating: 1, count: steps * batch)
        for b in 0..<batch {
            tokens[b] = 2
            for t in 1..<Int(lengths[b]) - 1 { tokens[t * batch + b] = Int32(4 + generator.below(vocabulary - 4)) }
            tokens[(Int(lengths[b]) - 1) * batch + b] = 3
        }
        return (tokens, lengths)
    }
    let (premise, premiseLengths) = sentences(14), (hypothesis, hypothesisLengths) = sentences(9)
    let labels = (0..<batch).map { _ in Int32(generator.below(3)) }
    let pairs = Batch.sentencePairs(SentencePairBatch(premise: premise, premiseLengths: premiseLengths, hypothesis: hypothesis,
                                                      hypothesisLengths: hypothesisLengths, labels: labels, count: batch))
    /// Items per wall-clock second and per CPU-second of this process (the machine may be shared).
    func measure(_ network: any Network, _ input: Batch, per step: Int) throws -> String {
        let parameters = network.parameters
        _ = try network.trainStep(input)
        let start = Date(), cpuStart = clock()
        var steps = 0
        while Date().timeIntervalSince(start) < seconds {
            _ = try network.trainStep(input)
            for i in 0..<parameters.count { parameters.values[i] -= 1e-3 * parameters.grads[i] }
            steps += 1
        }
        let wall = Date().timeIntervalSince(start), cpu = Double(clock() - cpuStart) / Double(CLOCKS_PER_SEC)
        return String(format: "%.0f/s wall, %.0f per CPU-second", Double(steps * step) / wall, Double(steps * step) / cpu)
    }
    print("threads: \(Compute.threads)")
    for encoder in NLINet.Encoder.allCases {
        let network = try NLINet(encoder: encoder, vectors: vectors, vocabulary: vocabulary, embeddingSize: dim, hiddenSize: 200, fcSize: 200,
                                 classes: 3, dropout: 0.2, seed: 1)
        print("nli \(encoder.rawValue), pairs: \(try measure(network, pairs, per: batch))")
    }
    let turns = 64, inputSteps = 12, targetSteps = 14
    var inputs = [Int32](), targets = [Int32]()
    for _ in 0..<turns {
        inputs += (0..<(inputSteps - 1)).map { _ in Int32(4 + generator.below(396)) } + [1]
        targets += (0..<(targetSteps - 1)).map { _ in Int32(4 + generator.below(396)) } + [1]
    }
    let dialogue = Batch.dialogues(DialogueBatch(inputs: inputs, inputLengths: Array(repeating: Int32(inputSteps), count: turns),
                                                 targets: targets, targetLengths: Array(repeating: Int32(targetSteps), count: turns),
                                                 db: Array(repeating: 0, count: turns * 30), bs: Array(repeating: 1, count: turns * 94),
                                                 count: turns))
    for bidirectional in [false, true] {
        let network = try Seq2Seq(inputVocabulary: 400, outputVocabulary: 400, embeddingSize: 50, hiddenSize: 150, dbSize: 30, bsSize: 94,
                                  bidirectional: bidirectional, seed: 1)
        print("seq2seq\(bidirectional ? " bidirectional" : ""), turns: \(try measure(network, dialogue, per: turns))")
    }
}
