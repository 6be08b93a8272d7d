// `sweep-bench data --formats`: load times of the other readers on generated files the size of the real
// datasets (CIFAR-10, PTB, SGEMM, covtype), written to a temporary folder and removed afterwards.
import Foundation
import Models
import Vocabulary

/// Writes full-size stand-ins for CIFAR-10, PTB, `sgemm_product.csv` and covtype, and times
/// `DatasetCatalog.load` on each (median and minimum of `repeats`).
func dataFormatsBenchmark(repeats: Int) throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-bench-data-\(getpid())").path
    defer { try? FileManager.default.removeItem(atPath: root) }
    func write(_ name: String, _ bytes: [UInt8]) throws {
        let url = URL(fileURLWithPath: root + "/" + name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }
    var generator = SeededGenerator(seed: 1)

    // CIFAR-10: 5 × 10,000 training records and 10,000 test records of 3,073 bytes.
    for name in (1...5).map({ "data_batch_\($0).bin" }) + ["test_batch.bin"] {
        var bytes = [UInt8](repeating: 0, count: 10_000 * 3073)
        for r in 0..<10_000 {
            bytes[r * 3073] = UInt8(r % 10)
            for p in 1..<3073 { bytes[r * 3073 + p] = UInt8(truncatingIfNeeded: r &* 31 &+ p &* 7) }
        }
        try write("cifar10/" + name, bytes)
    }
    // PTB: 929k training tokens over a 10k vocabulary (Zipf-like word choice), 21 words a line.
    func corpus(_ tokens: Int) -> [UInt8] {
        var text = ""
        for i in 0..<tokens {
            let u = generator.nextDouble()
            text += "w\(Int(pow(10_000.0, u)) - 1)" + (i % 21 == 20 ? " \n" : " ")
        }
        return Array(text.utf8)
    }
    try write("ptb/train.txt", corpus(929_000))
    try write("ptb/valid.txt", corpus(73_000))
    try write("ptb/test.txt", corpus(82_000))
    // SGEMM: 241,600 rows of 14 small integers and 4 timings.
    var csv = "MWG,NWG,KWG,MDIMC,NDIMC,MDIMA,NDIMB,KWI,VWM,VWN,STRM,STRN,SA,SB,Run1 (ms),Run2 (ms),Run3 (ms),Run4 (ms)\n"
    for r in 0..<241_600 {
        csv += (0..<14).map { String((r >> ($0 % 8)) % 16) }.joined(separator: ",")
        for _ in 0..<4 { csv += "," + String(format: "%.2f", 10 + 1000 * generator.nextDouble()) }
        csv += "\n"
    }
    try write("sgemm/sgemm_product.csv", Array(csv.utf8))
    // covtype: 581,012 rows, 10 real-valued and 2 one-hot features each.
    var svm = ""
    for r in 0..<581_012 {
        svm += "\(r % 7 + 1)"
        for j in 1...10 { svm += " \(j):\(String(format: "%.4g", 3000 * generator.nextDouble()))" }
        svm += " \(11 + r % 4):1 \(15 + r % 40):1\n"
    }
    try write("covtype/covtype", Array(svm.utf8))

    let cases: [(String, Settings)] = [
        ("cifar10", Settings()), ("ptb", Settings()),
        ("sgemm", Settings(["train_size": .number(3000)])), ("covtype", Settings()),
    ]
    print("\nOther readers on generated full-size files (median, min in ms of \(repeats) runs of DatasetCatalog.load)")
    print("dataset   file size  what                                                 median      min")
    let what = ["cifar10": "6 × 30.7 MB binary batches → 45k/5k/10k normalised", "ptb": "929k/73k/82k tokens, 10k words",
                "sgemm": "241,600-row CSV, split 3000 / rest, standardised", "covtype": "581,012 LIBSVM rows, 5000 sampled"]
    let sizes = ["cifar10": 6 * 10_000 * 3073, "ptb": 0, "sgemm": csv.utf8.count, "covtype": svm.utf8.count]
    for (name, settings) in cases {
        var times: [Double] = []
        for _ in 0..<repeats {
            let start = DispatchTime.now()
            _ = try DatasetCatalog.load(name: name, settings: settings, seed: 0, searchPaths: [root])
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9)
        }
        times.sort()
        let size = name == "ptb" ? (try FileManager.default.attributesOfItem(atPath: root + "/ptb/train.txt")[.size] as? Int ?? 0) : sizes[name]!
        print(name.padding(toLength: 10, withPad: " ", startingAt: 0)
              + String(format: "%6.1f MB  ", Double(size) / 1e6)
              + what[name]!.padding(toLength: 50, withPad: " ", startingAt: 0)
              + String(format: "%8.1f %8.1f", 1000 * times[times.count / 2], 1000 * times[0]))
    }
}
