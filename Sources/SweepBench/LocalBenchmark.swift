// `sweep-bench local`: `sweep local` with 2 workers against 1 on a grid of 8 equal configurations (they
// differ only by seed, about a second each at 2 cores), wall clock of the whole command. Target on a 2-core
// machine: ≤ 0.6×.
import Foundation

func localBenchmark(_ arguments: [String]) throws {
    var rounds = 3
    var rest = arguments[...]
    while let option = rest.popFirst() {
        switch option {
        case "--rounds":
            guard let text = rest.popFirst(), let value = Int(text), value >= 1 else { throw BenchmarkError("--rounds needs a count ≥ 1") }
            rounds = value
        default: throw BenchmarkError("unknown option \(option) (valid: --rounds N)")
        }
    }
    let folder = try benchmarkFolder("local")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let grid = folder + "/equal.json"
    try """
        {"name": "equal", "fixed": {"dataset": "blobs", "features": 64, "classes": 4, "samples": 12000, "model": "fc",
         "hidden": [256, 128], "optimizer": "adam", "lr": 0.001, "epochs": 30, "batch_size": 32},
         "seed": [0, 1, 2, 3, 4, 5, 6, 7]}
        """.write(toFile: grid, atomically: true, encoding: .utf8)
    print("sweep local on 8 equal configurations, wall clock; workers 1 and 2 alternate each round")
    print("| round | --workers 1 | --workers 2 | ratio |")
    print("|---|---|---|---|")
    var ratios: [Double] = []
    for round in 1...rounds {
        var times: [Int: Double] = [:]
        for workers in [1, 2] {
            let results = folder + "/r\(round)-w\(workers)"
            times[workers] = try timeSweep(["local", grid, "--workers", "\(workers)", "--results", results])
        }
        ratios.append(times[2]! / times[1]!)
        print("| \(round) | \(String(format: "%.2f s", times[1]!)) | \(String(format: "%.2f s", times[2]!)) | \(String(format: "%.2f", ratios.last!)) |")
    }
    print("\nmedian ratio \(String(format: "%.2f", ratios.sorted()[ratios.count / 2])) (target ≤ 0.6 on 2 cores)")
}
