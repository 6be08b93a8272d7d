// `sweep-bench optim`: one optimizer step on the MLP 784→1000→1000→10's 1.8 M parameters in 6 tensors,
// in ns per parameter. Memory bound: a 1.8 M-parameter Adam step streams ~50 MB (g, x, m, v read; x, m, v
// written), so the machine's ~26 GB/s triad rate puts it near 1–2 ns per parameter.
import Foundation
import Models
import Optim
import Vocabulary

/// Times `step` for each optimizer configuration after a warm-up that fills critical buffers.
func benchmarkOptimizerStep(_ arguments: [String]) throws {
    var steps = 30
    var only: String?
    var rest = arguments[...]
    while let flag = rest.popFirst() {
        switch flag {
        case "--steps": steps = Int(rest.popFirst() ?? "") ?? steps
        case "--only": only = rest.popFirst()
        default: throw BenchmarkError("unknown option \(flag) (options: --steps N, --only NAME)")
        }
    }
    let shapes = [(784, 1000), (1000, 1), (1000, 1000), (1000, 1), (1000, 10), (10, 1)]
    var ranges: [Range<Int>] = []
    for (rows, columns) in shapes {
        let start = ranges.last?.upperBound ?? 0
        ranges.append(start..<(start + rows * columns))
    }
    let count = ranges.last!.upperBound

    // A few gradients of different scales, cycled, so that critical-gradient keys vary from step to
    // step as in training (some admitted, some rejected).
    var random = SeededGenerator(seed: 7, stream: "bench-optim")
    let gradients: [[Float]] = [1.0, 0.5, 2.0, 0.8, 1.5].map { scale in
        (0..<count).map { _ in Float(random.normal() * scale) }
    }
    let initial = (0..<count).map { _ in Float(random.normal() * 0.05) }

    let configurations: [(label: String, name: String, hyper: [String: KeyValue])] = [
        ("sgd", "sgd", ["lr": .number(1e-6)]),
        ("sgd momentum 0.9", "sgd", ["lr": .number(1e-6), "momentum": .number(0.9)]),
        ("adam", "adam", ["lr": .number(1e-6)]),
        ("adam amsgrad", "adam", ["lr": .number(1e-6), "amsgrad": .bool(true)]),
        ("adamw", "adamw", ["lr": .number(1e-6)]),
        ("rmsprop", "rmsprop", ["lr": .number(1e-6)]),
        ("adagrad", "adagrad", ["lr": .number(1e-6)]),
        ("aggmo 3 betas", "aggmo", ["lr": .number(1e-6)]),
        ("sgd_c topC 5 sum", "sgd_c", ["lr": .number(1e-6), "topC": .number(5)]),
        ("sgd_c topC 20 sum", "sgd_c", ["lr": .number(1e-6), "topC": .number(20)]),
        ("adam_c topC 5 mean", "adam_c", ["lr": .number(1e-6), "topC": .number(5)]),
        ("adam_c topC 20 mean", "adam_c", ["lr": .number(1e-6), "topC": .number(20)]),
        ("adam_c topC 20 max", "adam_c", ["lr": .number(1e-6), "topC": .number(20), "aggr": .string("max")]),
        ("adam_c topC 20 mean decay 0.99", "adam_c", ["lr": .number(1e-6), "topC": .number(20), "decay": .number(0.99)]),
        ("rmsprop_c topC 20 mean", "rmsprop_c", ["lr": .number(1e-6), "topC": .number(20)]),
        ("aggmo_c topC 20 sum", "aggmo_c", ["lr": .number(1e-6), "topC": .number(20)]),
    ]

    // All optimizers step in turn, round after round: load spikes from other processes hit every one
    // of them alike, and each step starts with the caches holding another optimizer's data, as a step
    // that follows a backward pass would. "× adam" is the median over rounds of per-round ratios; the
    // best times (and their ratio) show the machine undisturbed.
    let selected = configurations.filter { only == nil || $0.label.hasPrefix(only!) || $0.label == "adam" }
    var optimizers: [any Optimizer] = []
    var parameters: [[Float]] = []
    for configuration in selected {
        optimizers.append(try OptimizerCatalog.make(name: configuration.name, hyperparameters: configuration.hyper,
                                                    tensors: ranges))
        parameters.append(initial)
    }
    let warmUp = 25
    var times = Array(repeating: [Double](), count: selected.count)
    for k in times.indices { times[k].reserveCapacity(steps) }
    for round in 0..<(warmUp + steps) {
        for k in selected.indices {
            if round == warmUp { optimizers[k].resetAdmissions() }
            let start = DispatchTime.now().uptimeNanoseconds
            parameters[k].withUnsafeMutableBufferPointer { p in
                gradients[round % gradients.count].withUnsafeBufferPointer { g in
                    optimizers[k].step(parameters: p.baseAddress!, gradients: g.baseAddress!)
                }
            }
            if round >= warmUp { times[k].append(Double(DispatchTime.now().uptimeNanoseconds - start)) }
        }
    }

    func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
    let adam = selected.firstIndex { $0.label == "adam" }!
    print("optimizer step, \(count) parameters in \(ranges.count) tensors; medians over \(steps) rounds "
        + "(each round steps every optimizer once) after \(warmUp) warm-up rounds")
    print("| optimizer | ms/step | ns/param | × adam | best ms | best × adam | admitted |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for k in selected.indices {
        let time = median(times[k]), best = times[k].min()!
        let ratio = median(zip(times[k], times[adam]).map { $0 / $1 })
        let share = optimizers[k].admissions.admittedShare.map { String(format: "%.0f %%", $0 * 100) } ?? "–"
        print("| \(selected[k].label) | \(String(format: "%.3f", time / 1e6)) | "
            + "\(String(format: "%.2f", time / Double(count))) | \(String(format: "%.2f", ratio)) | "
            + "\(String(format: "%.3f", best / 1e6)) | \(String(format: "%.2f", best / times[adam].min()!)) | \(share) |")
    }
}
