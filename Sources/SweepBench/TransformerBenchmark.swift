// `sweep-bench transformer`: training tokens per second of transformer_lm (4 layers, width 256, context
// 128, vocabulary 10,000, batch 8) and of one RoBERTa-base-sized step (12 layers, width 768, FFN 3072,
// vocabulary 50,265; batch 1 × 128 tokens), forward + backward, on 1 and 2 threads. No PyTorch
// comparison yet (issue 17).
//
//     sweep-bench transformer [--seconds 2] [--threads 1,2] [--roberta true]
import Foundation
import Models

func transformerBenchmark(_ arguments: [String]) throws {
    var seconds = 2.0, threadCounts = [1, 2], roberta = true
    var rest = arguments[...]
    while let flag = rest.popFirst() {
        guard let value = rest.popFirst() else { throw BenchmarkError("\(flag) needs a value") }
        switch flag {
        case "--seconds": seconds = Double(value) ?? seconds
        case "--threads": threadCounts = value.split(separator: ",").compactMap { Int($0) }
        case "--roberta": roberta = value == "true"
        default: throw BenchmarkError("unknown option \(flag)")
        }
    }
    let cases: [(String, TransformerShape, Int)] = [
        ("transformer_lm 4×256, T 128, B 8",
         TransformerShape(vocabulary: 10_000, width: 256, layers: 4, heads: 4, ffn: 1024, positions: 128, context: 128, layout: .preNorm), 8),
    ] + (roberta ? [("roberta-base size, T 128, B 1",
                     TransformerShape(vocabulary: 50_265, width: 768, layers: 12, heads: 12, ffn: 3072, positions: 514, context: 128,
                                      layout: .postNorm, paddingIndex: 1), 1)] : [])
    print("model".padding(toLength: 36, withPad: " ", startingAt: 0) + "threads  tokens/s  s/step  parameters")
    for (title, shape, batch) in cases {
        let model = try TransformerLanguageModel(name: "bench", shape: shape, seed: 1)
        var generator = SeededGenerator(seed: 2, stream: "bench")
        let tokens = (0..<((shape.context + 1) * batch)).map { _ in Int32(3 + generator.below(shape.vocabulary - 3)) }
        let window = Batch.tokens(TokenBatch(inputs: Array(tokens[..<(shape.context * batch)]), targets: Array(tokens[batch...]),
                                             steps: shape.context, streams: batch))
        for threads in threadCounts {
            Compute.threads = threads
            _ = try model.trainStep(window)
            var steps = 0
            let start = Date()
            while Date().timeIntervalSince(start) < seconds || steps < 2 {
                _ = try model.trainStep(window)
                steps += 1
            }
            let elapsed = Date().timeIntervalSince(start)
            let rate = Double(steps * shape.context * batch) / elapsed
            print(title.padding(toLength: 36, withPad: " ", startingAt: 0)
                  + String(format: "%7d  %8.0f  %6.3f  %d", threads, rate, elapsed / Double(steps), model.parameters.count))
        }
    }
}
