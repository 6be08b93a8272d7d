// Options and timing shared by the benchmarks that time a phase in process and the `sweep` command end to end.
import Foundation

/// One table row: a label and its median [best] seconds.
func row(_ label: String, _ time: (median: Double, best: Double)) {
    print("| \(label) | " + String(format: "%.3f [%.3f]", time.median, time.best) + " |")
}

/// The median and best wall-clock seconds of `samples` runs of `body`.
func measure(_ samples: Int, _ body: () throws -> Void) rethrows -> (median: Double, best: Double) {
    var times: [Double] = []
    for _ in 0..<samples {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    times.sort()
    return (times[times.count / 2], times[0])
}

/// Runs `command` (an executable's path and its arguments) with its output discarded; throws unless it exits 0.
func runQuietly(_ command: [String]) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: command[0])
    process.arguments = Array(command.dropFirst())
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw BenchmarkError("\(command.joined(separator: " ")) exited \(process.terminationStatus)") }
}

/// `--records N` (default 10⁶), `--samples N` and `--keep DIR` (the synthetic results folder, kept).
func recordsOptions(_ arguments: [String], samples defaultSamples: Int) throws -> (records: Int, samples: Int, keep: String?) {
    var records = 1_000_000, samples = defaultSamples
    var keep: String?
    var rest = arguments[...]
    while let option = rest.popFirst() {
        switch option {
        case "--records":
            guard let text = rest.popFirst(), let value = Int(text), value >= 1 else { throw BenchmarkError("--records needs a count ≥ 1") }
            records = value
        case "--samples":
            guard let text = rest.popFirst(), let value = Int(text), value >= 1 else { throw BenchmarkError("--samples needs a count ≥ 1") }
            samples = value
        case "--keep":
            guard let text = rest.popFirst() else { throw BenchmarkError("--keep needs a folder") }
            keep = text
        default:
            throw BenchmarkError("unknown option \(option) (valid: --records N, --samples N, --keep DIR)")
        }
    }
    return (records, samples, keep)
}
