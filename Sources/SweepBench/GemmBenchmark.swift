// `sweep-bench gemm`: the machine's multiply-add peak, then gemm and convolution throughput at the shapes
// the seed models train with, on 1 and 2 threads, as GFLOP/s and percent of the measured peak; with
// `--numpy PYTHON`, numpy's OpenBLAS at the same shapes in the same run, and our share of it.
import Foundation
import Models

/// Runs the gemm benchmark. Options: `--quick` (fewer samples), `--threads N` (the second thread
/// count, default 2; with 1, only the 1-thread columns), `--kernels SET` (avx512, avx2 or portable;
/// default the fastest this CPU runs, or `SWEEP_KERNELS`), `--numpy PYTHON` (also time numpy's matmul, scripts/bench-numpy-gemm.py),
/// `--skip-conv`, `--skip-gemm` (the peak is always measured), `--cpu-time` (time 1-thread runs by the
/// thread's CPU time: on a machine shared with other jobs, what a dedicated core would give; wall time
/// otherwise and always for more threads).
func gemmBenchmark(_ arguments: [String]) throws {
    var samples = 7, otherThreads = 2, runGemm = true, runConv = true
    var python: String?
    var rest = arguments[...]
    while let option = rest.popFirst() {
        switch option {
        case "--quick": samples = 3
        case "--cpu-time": oneThreadCPUTime = true
        case "--skip-conv": runConv = false
        case "--skip-gemm": runGemm = false
        case "--threads":
            guard let text = rest.popFirst(), let value = Int(text), value >= 1 else {
                throw BenchmarkError("--threads needs a count ≥ 1")
            }
            otherThreads = value
        case "--kernels":
            guard let name = rest.popFirst() else { throw BenchmarkError("--kernels needs a set (\(Kernels.names.joined(separator: ", ")))") }
            try Kernels.select(name)
        case "--numpy":
            guard let path = rest.popFirst() else { throw BenchmarkError("--numpy needs a Python interpreter") }
            python = path
        default:
            throw BenchmarkError("unknown option \(option) (valid: --quick, --threads N, --kernels SET, --numpy PYTHON, " +
                                 "--skip-conv, --skip-gemm, --cpu-time)")
        }
    }
    let threadCounts = otherThreads == 1 ? [1] : [1, otherThreads]
    let kernels = Kernels.selected
    print("gemm benchmark: median of \(samples) samples (best in brackets); GFLOP/s = 2·m·n·k / time" +
          (oneThreadCPUTime ? "; 1-thread times are thread CPU time" : ""))
    print("machine: \(ProcessInfo.processInfo.activeProcessorCount) active processors; kernels: \(kernels.name) " +
          "(\(kernels.tileRows)×\(kernels.tileColumns) tile; this CPU runs \(Kernels.runnable.map(\.name).joined(separator: ", ")))")
    if python != nil { print(referenceCapsLine()) }
    print()

    var peak: [Int: Double] = [:]
    print("| multiply-add peak (12 independent \(kernels.lanes)-float chains) | GFLOP/s |")
    print("|---|---|")
    for threads in threadCounts {
        let iterations = 20_000_000
        let time = timePerCall(samples: samples, threads: threads) { _ = multiplyAddThroughput(iterations: iterations, threads: threads) }
        let flops = Double(iterations * 12 * kernels.lanes * 2 * threads)
        peak[threads] = flops / time.best / 1e9
        print("| \(threads) thread\(threads == 1 ? "" : "s") | \(format(flops / time.median / 1e9)) [\(format(peak[threads]!))] |")
    }

    if runGemm { try printGemmTable(threadCounts: threadCounts, peak: peak, python: python, samples: samples) }
    if runConv { printConvTable(threadCounts: threadCounts, samples: samples) }
}

/// With `python`, each thread count also gets numpy's rate, measured just before ours at each shape
/// (so both see the same machine state), and our share of it (median against median).
func printGemmTable(threadCounts: [Int], peak: [Int: Double], python: String?, samples: Int) throws {
    let numpyHeader = python == nil ? "" : " | numpy | share"
    print("\n| gemm shape | op | " + threadCounts.map { "\($0) thr GFLOP/s | % peak\(numpyHeader)" }.joined(separator: " | ") + " |")
    print("|---|---|" + threadCounts.map { _ in python == nil ? "---|---" : "---|---|---|---" }.joined(separator: "|") + "|")
    for shape in benchmarkShapes {
        var cells: [String] = []
        for threads in threadCounts {
            let theirs = try python.map { try numpyRate(shape, python: $0, threads: threads, samples: samples) }
            let rate = gemmRate(shape, threads: threads, samples: samples)
            var cell = "\(format(rate.median)) [\(format(rate.best))] | \(format(100 * rate.median / peak[threads]!))%"
            if let theirs { cell += " | \(format(theirs)) | \(format(100 * rate.median / theirs))%" }
            cells.append(cell)
        }
        print("| \(shape.label) | \(shape.op) | " + cells.joined(separator: " | ") + " |")
    }
}

/// numpy's median GFLOP/s at `shape` on `threads` OpenBLAS threads (scripts/bench-numpy-gemm.py).
func numpyRate(_ shape: GemmShape, python: String, threads: Int, samples: Int) throws -> Double {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/bench-numpy-gemm.py").path
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    let cpuTime = oneThreadCPUTime && threads == 1 ? ["--cpu-time"] : []
    process.arguments = [script, "--samples", String(samples)] + cpuTime +
        ["\(shape.transA ? 1 : 0),\(shape.transB ? 1 : 0),\(shape.m),\(shape.n),\(shape.k)"]
    var environment = referenceEnvironment()
    environment["OPENBLAS_NUM_THREADS"] = String(threads)
    process.environment = environment
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let fields = String(decoding: output, as: UTF8.self).split(whereSeparator: \.isWhitespace)
    guard process.terminationStatus == 0, let rate = fields.first.flatMap({ Double($0) }) else {
        throw BenchmarkError("bench-numpy-gemm.py with \(python) failed (status \(process.terminationStatus))")
    }
    return rate
}

func printConvTable(threadCounts: [Int], samples: Int) {
    print("\n| conv (batch 64) | fwd ms | bwd ms | fwd+bwd GFLOP/s | samples/s |" +
          threadCounts.dropFirst().map { " \($0) thr fwd+bwd GFLOP/s | samples/s |" }.joined())
    print("|---|---|---|---|---|" + threadCounts.dropFirst().map { _ in "---|---|" }.joined())
    for layer in convLayers {
        var cells: [String] = []
        for (index, threads) in threadCounts.enumerated() {
            let t = convTimes(layer, threads: threads, samples: samples)
            let flops = layer.forwardFlops * (layer.needsInputGradient ? 3 : 2)
            let rate = flops / (t.forward + t.backward) / 1e9
            let perSecond = Double(layer.n) / (t.forward + t.backward)
            if index == 0 {
                cells.append("\(format(t.forward * 1e3, 3)) | \(format(t.backward * 1e3, 3)) | \(format(rate)) | \(Int(perSecond))")
            } else {
                cells.append("\(format(rate)) | \(Int(perSecond))")
            }
        }
        print("| \(layer.label) | " + cells.joined(separator: " | ") + " |")
    }
}

// MARK: - Peak

/// The selected kernel set's multiply-add chains on every thread: their throughput, not latency.
@inline(never)
func multiplyAddThroughput(iterations: Int, threads: Int) -> Float {
    let chains = Kernels.selected.multiplyAddChains
    var results = [Float](repeating: 0, count: threads)
    results.withUnsafeMutableBufferPointer { out in
        let out = out.baseAddress!
        DispatchQueue.concurrentPerform(iterations: threads) { worker in
            out[worker] = chains(iterations, Float(worker + 1))
        }
    }
    return results.reduce(0, +)
}

// MARK: - gemm

struct GemmShape {
    var label: String, op: String
    var transA: Bool, transB: Bool, m: Int, n: Int, k: Int
}

/// 1024³, then each Linear layer's three training products at batch 128 (forward x·Wᵀ, dW = dOutᵀ·x,
/// dX = dOut·W) for the MLP 784→1000→1000→10, then the seed FC net 784→32→10 at batch 64.
let benchmarkShapes: [GemmShape] = [
    GemmShape(label: "1024³", op: "A·B", transA: false, transB: false, m: 1024, n: 1024, k: 1024),
    GemmShape(label: "128×784 · (1000×784)ᵀ", op: "fwd x·Wᵀ", transA: false, transB: true, m: 128, n: 1000, k: 784),
    GemmShape(label: "(128×1000)ᵀ · 128×784", op: "dW dOutᵀ·x", transA: true, transB: false, m: 1000, n: 784, k: 128),
    GemmShape(label: "128×1000 · 1000×784", op: "dX dOut·W", transA: false, transB: false, m: 128, n: 784, k: 1000),
    GemmShape(label: "128×1000 · (1000×1000)ᵀ", op: "fwd x·Wᵀ", transA: false, transB: true, m: 128, n: 1000, k: 1000),
    GemmShape(label: "(128×1000)ᵀ · 128×1000", op: "dW dOutᵀ·x", transA: true, transB: false, m: 1000, n: 1000, k: 128),
    GemmShape(label: "128×1000 · 1000×1000", op: "dX dOut·W", transA: false, transB: false, m: 128, n: 1000, k: 1000),
    GemmShape(label: "128×1000 · (10×1000)ᵀ", op: "fwd x·Wᵀ", transA: false, transB: true, m: 128, n: 10, k: 1000),
    GemmShape(label: "(128×10)ᵀ · 128×1000", op: "dW dOutᵀ·x", transA: true, transB: false, m: 10, n: 1000, k: 128),
    GemmShape(label: "128×10 · 10×1000", op: "dX dOut·W", transA: false, transB: false, m: 128, n: 1000, k: 10),
    GemmShape(label: "64×784 · (32×784)ᵀ", op: "fwd x·Wᵀ", transA: false, transB: true, m: 64, n: 32, k: 784),
    GemmShape(label: "(64×32)ᵀ · 64×784", op: "dW dOutᵀ·x", transA: true, transB: false, m: 32, n: 784, k: 64),
    GemmShape(label: "64×32 · (10×32)ᵀ", op: "fwd x·Wᵀ", transA: false, transB: true, m: 64, n: 10, k: 32),
    GemmShape(label: "64×10 · 10×32", op: "dX dOut·W", transA: false, transB: false, m: 64, n: 32, k: 10),
]

func gemmRate(_ s: GemmShape, threads: Int, samples: Int) -> (median: Double, best: Double) {
    let a = benchmarkValues(s.m * s.k, seed: 1), b = benchmarkValues(s.k * s.n, seed: 2)
    var c = [Float](repeating: 0, count: s.m * s.n)
    let lda = s.transA ? s.m : s.k, ldb = s.transB ? s.k : s.n
    let time = c.withUnsafeMutableBufferPointer { c in
        timePerCall(samples: samples, threads: threads) {
            gemm(transA: s.transA, transB: s.transB, m: s.m, n: s.n, k: s.k, alpha: 1, a: a, lda: lda, b: b, ldb: ldb,
                 beta: 0, c: c.baseAddress!, ldc: s.n, threads: threads)
        }
    }
    let flops = 2 * Double(s.m * s.n * s.k)
    return (flops / time.median / 1e9, flops / time.best / 1e9)
}

// MARK: - Convolution

struct ConvLayer {
    var label: String
    var n: Int, c: Int, h: Int, w: Int, oc: Int, k: Int
    /// The network's first layer needs no input gradient.
    var needsInputGradient: Bool
    var out: Int { h - k + 1 }
    var forwardFlops: Double { 2 * Double(n * oc * out * out * c * k * k) }
}

let convLayers: [ConvLayer] = [
    ConvLayer(label: "MNIST conv 1→10 k5, 28×28", n: 64, c: 1, h: 28, w: 28, oc: 10, k: 5, needsInputGradient: false),
    ConvLayer(label: "MNIST conv 10→20 k5, 12×12", n: 64, c: 10, h: 12, w: 12, oc: 20, k: 5, needsInputGradient: true),
    ConvLayer(label: "CIFAR conv 3→6 k5, 32×32", n: 64, c: 3, h: 32, w: 32, oc: 6, k: 5, needsInputGradient: false),
    ConvLayer(label: "CIFAR conv 6→16 k5, 14×14", n: 64, c: 6, h: 14, w: 14, oc: 16, k: 5, needsInputGradient: true),
    ConvLayer(label: "ConvNet conv 1→32 k5, 28×28", n: 64, c: 1, h: 28, w: 28, oc: 32, k: 5, needsInputGradient: false),
    ConvLayer(label: "ConvNet conv 32→64 k5, 12×12", n: 64, c: 32, h: 12, w: 12, oc: 64, k: 5, needsInputGradient: true),
]

func convTimes(_ l: ConvLayer, threads: Int, samples: Int) -> (forward: Double, backward: Double) {
    let input = benchmarkValues(l.n * l.c * l.h * l.w, seed: 3)
    let weight = benchmarkValues(l.oc * l.c * l.k * l.k, seed: 4), bias = benchmarkValues(l.oc, seed: 5)
    let outCount = l.n * l.oc * l.out * l.out
    let dOut = benchmarkValues(outCount, seed: 6)
    var out = [Float](repeating: 0, count: outCount)
    var dInput = [Float](repeating: 0, count: input.count), dWeight = [Float](repeating: 0, count: weight.count)
    var dBias = [Float](repeating: 0, count: l.oc)
    let forward = timePerCall(samples: samples, threads: threads) {
        conv2dForward(out: &out, input: input, weight: weight, bias: bias, n: l.n, c: l.c, h: l.h, w: l.w, oc: l.oc,
                      kh: l.k, kw: l.k, stride: 1, padding: 0, threads: threads)
    }
    let backward = dInput.withUnsafeMutableBufferPointer { dx in
        timePerCall(samples: samples, threads: threads) {
            conv2dBackward(dInput: l.needsInputGradient ? dx.baseAddress : nil, dWeight: &dWeight, dBias: &dBias,
                           dOut: dOut, input: input, weight: weight, n: l.n, c: l.c, h: l.h, w: l.w, oc: l.oc,
                           kh: l.k, kw: l.k, stride: 1, padding: 0, threads: threads)
        }
    }
    return (forward.median, backward.median)
}

// MARK: - Timing

/// Set by `--cpu-time`: time 1-thread runs by the calling thread's CPU time.
var oneThreadCPUTime = false

/// Seconds per call of `body` run on `threads` threads: `samples` samples, each of enough calls to last
/// ≥ 20 ms after a warm-up; the median and the best sample.
func timePerCall(samples: Int, threads: Int, _ body: () -> Void) -> (median: Double, best: Double) {
    let cpuTime = oneThreadCPUTime && threads == 1
    func now() -> Double {
        if cpuTime {
            var time = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
            return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
        }
        return Double(DispatchTime.now().uptimeNanoseconds) / 1e9
    }
    body()
    var calls = 1
    while true {
        let start = now()
        for _ in 0..<calls { body() }
        if now() - start >= 0.02 { break }
        calls *= 2
    }
    var times: [Double] = []
    for _ in 0..<samples {
        let start = now()
        for _ in 0..<calls { body() }
        times.append((now() - start) / Double(calls))
    }
    times.sort()
    return (times[times.count / 2], times[0])
}

func benchmarkValues(_ count: Int, seed: UInt64) -> [Float] {
    var generator = SeededGenerator(seed: seed, stream: "bench")
    return (0..<count).map { _ in generator.uniform(-1, 1) }
}

func format(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }
