// `sweep-bench`: the project's benchmarks, run from a release build (`scripts/bench NAME`).
// Each benchmark prints a table of figures measured in one run, so ratios are comparable.
import Foundation
import Models

/// Name → (what it measures, entry point taking the remaining arguments).
let benchmarks: [(name: String, abstract: String, run: ([String]) throws -> Void)] = [
    ("grid", "sweep expand: JSON lines of 10⁶ configurations, --count and --task on 10⁷", gridBenchmark),
    ("local", "sweep local: 2 workers against 1 on 8 equal configurations", localBenchmark),
    ("data", "load Fashion-MNIST from gzip into normalised floats (read, inflate, convert, split)", dataBenchmark),
    ("optim", "one optimizer step on 1.8 M parameters (6 tensors), ns per parameter", benchmarkOptimizerStep),
    ("gemm", "FMA peak; gemm and conv2d GFLOP/s at the seed models' shapes, 1 and 2 threads", gemmBenchmark),
    ("models", "training samples/s of the seed models and transformers (1/2 threads); --torch PYTHON compares", modelsBenchmark),
    ("status", "`sweep status` on 1,000,000 synthetic records; status and changed-grid check on a real 10⁶-configuration sweep", statusBenchmark),
    ("report", "`sweep report` with every view (budgets, targets, comparison, maps) on the same 1,000,000 records", reportBenchmark),
    ("powerlaw", "steps/s of the four power-law regimes at N = 1,000 and 10,000, set-up timed apart", powerLawBenchmark),
    ("vectors", "read a 400k-word × 300-d vector text file keeping 36k words: seconds and peak memory", vectorsBenchmark),
    ("sentences", "training pairs/s of the SNLI encoders and turns/s of the MultiWoZ seq2seq at the study's sizes", sentencesBenchmark),
]

let arguments = Array(CommandLine.arguments.dropFirst())
guard let name = arguments.first, let benchmark = benchmarks.first(where: { $0.name == name }) else {
    print("usage: sweep-bench <benchmark> [options]   (build with -c release)\n\nbenchmarks:")
    for benchmark in benchmarks { print("  \(benchmark.name.padding(toLength: 10, withPad: " ", startingAt: 0))\(benchmark.abstract)") }
    exit(arguments.isEmpty ? 0 : 2)
}
do {
    // As the worker does: a forced kernel set for the whole run.
    if let kernels = ProcessInfo.processInfo.environment["SWEEP_KERNELS"], !kernels.isEmpty { try Kernels.select(kernels) }
    try benchmark.run(Array(arguments.dropFirst()))
} catch {
    fputs("sweep-bench \(name): \(error)\n", stderr)
    exit(1)
}
