// `sweep-bench grid`: how fast `sweep expand` turns a grid into configurations, as a user's process sees
// it (start-up included): JSON lines of a 1,000,000-configuration grid, and --count and --task on
// 10,000,000-configuration grids of two shapes, whose answers must not depend on the grid's size, and
// how soon the table form of a 10,000,000-configuration grid starts printing; and validation of grids with
// 300 values on each of three keys that a schedule or an optimizer checks together.
import Foundation

func gridBenchmark(_ arguments: [String]) throws {
    var samples = 5
    var rest = arguments[...]
    while let option = rest.popFirst() {
        switch option {
        case "--samples":
            guard let text = rest.popFirst(), let value = Int(text), value >= 1 else { throw BenchmarkError("--samples needs a count ≥ 1") }
            samples = value
        default: throw BenchmarkError("unknown option \(option) (valid: --samples N)")
        }
    }
    let folder = try benchmarkFolder("grid")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    // Realistic configurations: the mnist grid's keys, with axes long enough for 10⁶ and 10⁷.
    func grid(_ name: String, lrs: Int) -> String {
        let rates = (1...lrs).map { String(format: "%.6g", 1e-5 * Double($0)) }.joined(separator: ", ")
        return """
            {"name": "\(name)", "fixed": {"dataset": "mnist", "optimizer": "sgd_c", "aggr": "sum", "kappa": 1.0, "epochs": 10,
             "batch_size": 64, "clip": 10},
             "grid": {"model": ["logreg", "fc"], "lr": [\(rates)], "decay": [0.7, 0.9, 0.99, 0.5, 0.8], "topC": [5, 10, 20, 40, 80]},
             "seed": [100, 101, 102, 103, 104, 105, 106, 107, 108, 109]}
            """
    }
    let million = folder + "/million.json", tenMillion = folder + "/ten-million.json", deep = folder + "/deep.json"
    try grid("million", lrs: 2_000).write(toFile: million, atomically: true, encoding: .utf8)
    // Two shapes of 10⁷: one long list (20,000 learning rates), and seven axes of ten values.
    try grid("ten-million", lrs: 20_000).write(toFile: tenMillion, atomically: true, encoding: .utf8)
    func ten(_ values: (Int) -> String) -> String { "[" + (1...10).map(values).joined(separator: ", ") + "]" }
    try """
        {"name": "deep", "fixed": {"dataset": "mnist", "model": "fc", "optimizer": "sgd_c", "epochs": 10},
         "grid": {"lr": \(ten { "\(Double($0) * 0.01)" }), "momentum": \(ten { "\(Double($0) * 0.09)" }),
                  "dampening": \(ten { "\(Double($0) * 0.05)" }), "weight_decay": \(ten { "\(Double($0) * 1e-4)" }),
                  "decay": \(ten { "\(Double($0) * 0.09)" }), "topC": \(ten { "\($0 * 5)" })},
         "seed": \(ten { "\($0)" })}
        """.write(toFile: deep, atomically: true, encoding: .utf8)

    // 300 values on each of three interacting keys: 2.7·10⁷ configurations whose checks must stay
    // proportional to the distinct values of the keys each check sees together.
    func hundreds(_ value: (Int) -> String) -> String { "[" + (0..<300).map(value).joined(separator: ", ") + "]" }
    let interacting = [
        ("step schedule: lr × epochs × gamma", #""schedule": "step", "milestones": [5]"#,
         #""lr": \#(hundreds { "\(Double($0 + 1) * 1e-3)" }), "epochs": \#(hundreds { "\($0 + 10)" }), "gamma": \#(hundreds { "\(Double($0 + 1) * 1e-2)" })"#),
        ("cosine_restarts: lr × restart_base × eta_min", #""schedule": "cosine_restarts""#,
         #""lr": \#(hundreds { "\(Double($0 + 1) * 1e-3)" }), "restart_base": \#(hundreds { "[\($0 + 1)]" }), "eta_min": \#(hundreds { "\(Double($0) * 1e-6)" })"#),
        ("sgd: lr × momentum × dampening", #""nesterov": false"#,
         #""lr": \#(hundreds { "\(Double($0 + 1) * 1e-3)" }), "momentum": \#(hundreds { "\(Double($0) * 3e-3)" }), "dampening": \#(hundreds { "\(Double($0) * 3e-3)" })"#),
    ]
    for (index, grid) in interacting.enumerated() {
        try #"{"name": "interacting", "fixed": {"model": "logreg", "dataset": "blobs", "optimizer": "sgd", \#(grid.1)}, "grid": {\#(grid.2)}}"#
            .write(toFile: folder + "/interacting-\(index).json", atomically: true, encoding: .utf8)
    }

    func median(_ run: () throws -> Double) rethrows -> (median: Double, best: Double) {
        let times = try (0..<samples).map { _ in try run() }.sorted()
        return (times[times.count / 2], times[0])
    }
    print("sweep expand, wall clock per process (median of \(samples), best in brackets), \(ProcessInfo.processInfo.activeProcessorCount) cores")
    print("| command | configurations | time | configurations/s |")
    print("|---|---|---|---|")
    let jsonl = try median { try timeSweep(["expand", million, "--format", "jsonl"]) }
    print("| expand --format jsonl > /dev/null | 1,000,000 | \(String(format: "%.3f s [%.3f]", jsonl.median, jsonl.best)) | "
          + "\(String(format: "%.2f M [%.2f M]", 1e6 / jsonl.median / 1e6, 1e6 / jsonl.best / 1e6)) |")
    let count = try median { try timeSweep(["expand", tenMillion, "--count"]) }
    print("| expand --count | 10,000,000 | \(String(format: "%.1f ms [%.1f]", count.median * 1000, count.best * 1000)) | |")
    let task = try median { try timeSweep(["expand", tenMillion, "--task", "12345", "--tasks", "100000", "--format", "jsonl"]) }
    print("| expand --task 12345 --tasks 100000 --format jsonl (100 lines) | 10,000,000 | "
          + "\(String(format: "%.1f ms [%.1f]", task.median * 1000, task.best * 1000)) | |")
    let validate = try median { try timeSweep(["validate", tenMillion]) }
    print("| validate | 10,000,000 | \(String(format: "%.1f ms [%.1f]", validate.median * 1000, validate.best * 1000)) | |")
    let deepCount = try median { try timeSweep(["expand", deep, "--count"]) }
    print("| expand --count, seven axes of ten | 10,000,000 | \(String(format: "%.1f ms [%.1f]", deepCount.median * 1000, deepCount.best * 1000)) | |")
    let deepTask = try median { try timeSweep(["expand", deep, "--task", "12345", "--tasks", "100000", "--format", "jsonl"]) }
    print("| expand --task 12345 --tasks 100000, seven axes of ten | 10,000,000 | "
          + "\(String(format: "%.1f ms [%.1f]", deepTask.median * 1000, deepTask.best * 1000)) | |")
    // The table form streams page by page: the first 64 KB (about 700 rows) come at once, not after 10⁷ rows.
    let table = try median { try timeToFirstOutput(["expand", deep], bytes: 65_536) }
    print("| expand (table), first 64 KB of output, seven axes of ten | 10,000,000 | "
          + "\(String(format: "%.1f ms [%.1f]", table.median * 1000, table.best * 1000)) | |")
    for (index, grid) in interacting.enumerated() {
        let time = try median { try timeSweep(["validate", folder + "/interacting-\(index).json"]) }
        print("| validate, 300 values each, \(grid.0) | 27,000,000 | \(String(format: "%.1f ms [%.1f]", time.median * 1000, time.best * 1000)) | |")
    }
    print("\ntargets: ≥ 1,000,000 configurations/s written; --count and --task under 20 ms; the table's first rows at once; "
          + "validation of 300 values on three interacting keys under 1 s")
}
