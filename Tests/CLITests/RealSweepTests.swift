import Testing
import Foundation

/// `sweep status` and `sweep report` on the results of a real small sweep (`sweep run` trains every
/// configuration): counts and numbers checked against values this test computes from the shards
/// itself, with Foundation's JSON reader.
@Suite struct RealSweepTests {
    /// A fully connected net on Gaussian blobs: sgd and sgd_c at three learning rates (1e6 diverges),
    /// adam at two, three seeds each; and a CIFAR-10 setting whose data folder is empty, so it fails.
    static func grid(emptyData: String) -> String {
        """
        {"name": "real", "fixed": {"epochs": 3, "batch_size": 32, "model": "fc"},
         "grid": [
           {"fixed": {"dataset": "blobs", "features": 16, "classes": 3, "samples": 600, "separation": 2},
            "grid": [{"optimizer": ["sgd", "sgd_c"], "lr": [0.1, 0.01, 1e6]}, {"optimizer": "adam", "lr": [0.01, 0.001]}]},
           {"dataset": "cifar10", "data_path": "\(emptyData)", "optimizer": "sgd", "lr": 0.05}
         ],
         "seed": [0, 1, 2]}
        """
    }

    /// One configuration's records, as read here.
    struct Run {
        var config: [String: Any] = [:]
        var status: String?
        /// (epoch, valid_accuracy, test_accuracy) in file order.
        var epochs: [(Int, Double, Double)] = []
    }

    /// What one setting's seeds give, computed here: the selection metric at each ok run's first best
    /// epoch, the test metric there, the last epoch's value; counts by status.
    struct Expected {
        var seeds = 0, ok = 0, diverged = 0, failed = 0
        var best: [Double] = [], testAtBest: [Double] = [], final: [Double] = []
    }

    static func mean(_ x: [Double]) -> Double { x.reduce(0, +) / Double(x.count) }
    /// Sample standard deviation from Σx² − n·mean² (the report sums squared deviations instead).
    static func std(_ x: [Double]) -> Double {
        let n = Double(x.count), m = mean(x)
        return ((x.map { $0 * $0 }.reduce(0, +) - n * m * m) / (n - 1)).squareRoot()
    }

    @Test func statusAndReportAgreeWithTheShards() throws {
        let folder = try TemporaryFolder("real-sweep")
        let emptyData = folder.path + "/no-data"
        try FileManager.default.createDirectory(atPath: emptyData, withIntermediateDirectories: true)
        let gridPath = try folder.write("real.json", Self.grid(emptyData: emptyData))
        let run = try runSweep(["run", gridPath, "--results", folder.path])
        #expect(run.status == 1, "some runs fail, so sweep run exits 1: \(run.stderr)")

        // Read every record independently.
        var runs: [String: Run] = [:]
        let shards = folder.path + "/real/shards"
        for name in try FileManager.default.contentsOfDirectory(atPath: shards) where name.hasSuffix(".jsonl") {
            for line in try String(contentsOfFile: shards + "/" + name, encoding: .utf8).split(separator: "\n") {
                let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                let id = try #require(record["id"] as? String)
                runs[id, default: Run()].config = try #require(record["config"] as? [String: Any])
                switch record["event"] as? String {
                case "epoch":
                    let metrics = try #require(record["metrics"] as? [String: Any])
                    runs[id]!.epochs.append((record["epoch"] as! Int, metrics["valid_accuracy"] as! Double, metrics["test_accuracy"] as! Double))
                case "end": runs[id]!.status = record["status"] as? String
                default: break
                }
            }
        }
        #expect(runs.count == 27)

        // Per setting (configuration without seed), keyed "dataset optimizer lr".
        var expected: [String: Expected] = [:]
        var byOptimizer: [String: [String: Int]] = [:]
        for run in runs.values {
            let key = "\(run.config["dataset"]!) \(run.config["optimizer"]!) \((run.config["lr"] as! NSNumber).doubleValue)"
            var entry = expected[key] ?? Expected()
            entry.seeds += 1
            byOptimizer[run.config["optimizer"] as! String, default: [:]][run.status ?? "none", default: 0] += 1
            switch run.status {
            case "ok":
                entry.ok += 1
                let ordered = run.epochs.sorted { $0.0 < $1.0 }
                let best = ordered.dropFirst().reduce(ordered[0]) { $1.1 > $0.1 ? $1 : $0 }
                entry.best.append(best.1)
                entry.testAtBest.append(best.2)
                entry.final.append(ordered.last!.1)
            case "diverged": entry.diverged += 1
            case "failed": entry.failed += 1
            default: Issue.record("run without an end record: \(run.config)")
            }
            expected[key] = entry
        }
        #expect(expected.values.reduce(0) { $0 + $1.diverged } >= 3, "lr=1e6 is expected to diverge: \(expected)")
        #expect(expected["cifar10 sgd 0.05"]?.failed == 3)

        // sweep status: the counts per optimizer.
        let status = try runSweep(["status", gridPath, "--results", folder.path, "--no-squeue"])
        #expect(status.status == 0)
        for (optimizer, counts) in byOptimizer {
            let row = try #require(status.stdout.split(separator: "\n").first { $0.hasPrefix(optimizer + " ") })
            let numbers = row.split(separator: " ").dropFirst().map { Int($0)! }
            #expect(numbers == [counts["ok", default: 0], 0, counts["failed", default: 0], counts["diverged", default: 0], 0, 0,
                                counts.values.reduce(0, +)], "\(row)")
        }
        #expect(status.stdout.contains("cifar10: missing data_batch_1.bin"))

        // sweep report --format csv: every setting's numbers, in full precision.
        let csv = try runSweep(["report", gridPath, "--results", folder.path, "--format", "csv"])
        #expect(csv.status == 0)
        let table = csv.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = table[0]
        func column(_ name: String) throws -> Int { try #require(header.firstIndex(of: name), "no column \(name) in \(header)") }
        #expect(table.count == 1 + expected.count)
        var bestByOptimizer: [String: (lr: String, mean: Double)] = [:]
        for row in table.dropFirst() {
            let lr = try #require(Double(row[try column("lr")]))
            let key = "\(row[try column("dataset")]) \(row[try column("optimizer")]) \(lr)"
            let entry = try #require(expected[key], "unexpected row \(row)")
            #expect(row[try column("seeds")] == String(entry.seeds))
            #expect(row[try column("ok")] == String(entry.ok))
            #expect(row[try column("diverged")] == String(entry.diverged))
            #expect(row[try column("failed")] == String(entry.failed))
            guard entry.ok > 0 else {
                #expect(row[try column("best_mean")] == "")
                continue
            }
            #expect(row[try column("selection_metric")] == "valid_accuracy")
            #expect(abs(Double(row[try column("best_mean")])! - Self.mean(entry.best)) < 1e-12, "\(key)")
            #expect(abs(Double(row[try column("test_at_best_mean")])! - Self.mean(entry.testAtBest)) < 1e-12, "\(key)")
            #expect(abs(Double(row[try column("final_valid_accuracy_mean")])! - Self.mean(entry.final)) < 1e-12, "\(key)")
            if entry.ok > 1 {
                #expect(abs(Double(row[try column("best_std")])! - Self.std(entry.best)) < 1e-9, "\(key)")
                #expect(abs(Double(row[try column("final_valid_accuracy_std")])! - Self.std(entry.final)) < 1e-9, "\(key)")
            }
            // The best setting per optimizer, chosen here: never diverged, highest mean best accuracy.
            let optimizer = row[try column("optimizer")]
            if entry.diverged == 0, Self.mean(entry.best) > bestByOptimizer[optimizer]?.mean ?? -1 {
                bestByOptimizer[optimizer] = (row[try column("lr")], Self.mean(entry.best))
            }
        }
        for row in table.dropFirst() where row[try column("dataset")] == "blobs" {
            let isBest = bestByOptimizer[row[try column("optimizer")]]?.lr == row[try column("lr")]
            #expect((row[try column("rank")] == "1") == isBest, "\(row)")
        }

        // The Markdown and terminal forms name the same best settings.
        let markdown = try runSweep(["report", gridPath, "--results", folder.path, "--format", "md"]).stdout
        for (optimizer, best) in bestByOptimizer {
            #expect(markdown.contains("\n| \(optimizer) | \(best.lr) | "), "\(optimizer) lr=\(best.lr)")
        }
        let text = try runSweep(["report", gridPath, "--results", folder.path]).stdout
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= 80 })
        #expect(text.contains("== dataset=blobs model=fc ==") && text.contains("== dataset=cifar10 model=fc =="))
    }
}
