import Testing
import Foundation

/// The sentence tasks through the real worker: `sweep run` trains nli (each encoder) on synthetic_nli and
/// seq2seq (both encoder forms) on synthetic_dialogue, and the records carry each task's metrics.
@Suite struct SentenceSweepTests {
    static let grid = """
        {"name": "sentences", "fixed": {"epochs": 2, "batch_size": 16},
         "grid": [
           {"dataset": "synthetic_nli", "pairs": 120, "model": "nli", "enc_lstm_dim": 8, "fc_dim": 8,
            "encoder": ["lstm", "convnet", "infersent"], "step": ["study", "plain"], "optimizer": "sgd_c", "lr": 0.1},
           {"dataset": "synthetic_dialogue", "dialogues": 30, "model": "seq2seq", "emb_size": 8, "hid_size": 8, "max_len": 6,
            "bidirectional": [false, true], "optimizer": "adam_c", "lr": 0.01, "clip": 5}
         ]}
        """

    @Test func recordsCarryTheTasksMetrics() throws {
        let folder = try TemporaryFolder("sentence-sweep")
        let gridPath = try folder.write("sentences.json", Self.grid)
        let run = try runSweep(["run", gridPath, "--results", folder.path])
        #expect(run.status == 0, "\(run.stderr)")
        var ends = 0
        let shards = folder.path + "/sentences/shards"
        for name in try FileManager.default.contentsOfDirectory(atPath: shards) where name.hasSuffix(".jsonl") {
            for line in try String(contentsOfFile: shards + "/" + name, encoding: .utf8).split(separator: "\n") {
                let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                let config = try #require(record["config"] as? [String: Any])
                switch record["event"] as? String {
                case "epoch":
                    let metrics = try #require(record["metrics"] as? [String: Double])
                    let expected = config["model"] as? String == "nli"
                        ? ["train_loss", "train_accuracy", "valid_loss", "valid_accuracy", "test_loss", "test_accuracy"]
                        : ["train_loss", "train_perplexity", "valid_loss", "valid_perplexity", "valid_bleu", "test_loss", "test_perplexity", "test_bleu"]
                    for key in expected { #expect(metrics[key]?.isFinite == true, "\(key) missing in \(metrics)") }
                    if let bleu = metrics["valid_bleu"] { #expect((0...100).contains(bleu)) }
                case "end":
                    ends += 1
                    #expect(record["status"] as? String == "ok", "\(record)")
                default: break
                }
            }
        }
        #expect(ends == 8)
    }

    /// Killed at random moments and resumed from its checkpoints, a sentence run ends with the numbers
    /// of an uninterrupted one: the pairs' shuffle, the classifier's dropout stream, the study's plateau
    /// state and the optimizers' buffers all come back.
    static let resumable = """
        {"name": "resumed", "fixed": {"epochs": 5, "batch_size": 16},
         "grid": [
           {"dataset": "synthetic_nli", "pairs": 5000, "model": "nli", "enc_lstm_dim": 16, "fc_dim": 16, "dpout_fc": 0.2,
            "encoder": "infersent", "optimizer": "sgd_c", "lr": 0.5, "momentum": 0.9},
           {"dataset": "synthetic_dialogue", "dialogues": 800, "model": "seq2seq", "emb_size": 12, "hid_size": 16, "max_len": 8,
            "bidirectional": true, "optimizer": "adam_c", "lr": 0.01, "clip": 5}
         ]}
        """

    @Test func killedAndResumedItMatchesAnUninterruptedRun() throws {
        let folder = try TemporaryFolder("sentence-kill")
        let path = try folder.write("resumed.json", Self.resumable)
        let reference = try runSweep(["run", path, "--results", folder.path + "/reference"])
        #expect(reference.status == 0, "\(reference.stderr)")
        let expected = try SweepResults(folder.path + "/reference/resumed")
        let arguments = ["run", path, "--results", folder.path + "/killed", "--checkpoint-every", "0"]
        var generator = SystemRandomNumberGenerator()
        var kills = 0
        for attempt in 0..<8 {
            let process = try startSweep(arguments, log: folder.path + "/log-\(attempt).txt")
            usleep(UInt32.random(in: 100_000...900_000, using: &generator))
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                kills += 1
            }
            process.waitUntilExit()
        }
        let finish = try runSweep(arguments)
        #expect(finish.status == 0, "\(finish.stderr)")
        #expect(kills >= 4, "only \(kills) of 8 attempts were still running when killed")
        let results = try SweepResults(folder.path + "/killed/resumed")
        #expect(results.finalRecords.count == 2)
        #expect(results.finalMetrics == expected.finalMetrics)
        #expect(results.curves == expected.curves)
    }
}
