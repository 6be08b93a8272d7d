import Testing
import Foundation
import TestSupport

/// The MultiWoZ task through `sweep run`: a tiny multiwoz_trans_*.csv set in the study's format,
/// tokenised with the tokenizer fixture, a small seeded roberta_lm trained on whole padded
/// conversations; the run ends ok with finite perplexities and the training loss falls.
@Suite struct MultiWozSweepTests {
    static let utterances = ["i would like to book a table for two people at 7pm .", "the restaurant is in the centre of town .",
                             "can you help me find a hotel with free parking ?", "thank you , that's all i need today .",
                             "there are 3 trains leaving cambridge on saturday .", "we've booked it , your reference number is xk42j9 ."]

    static func csv(rows: Int, offset: Int) -> String {
        var lines = ["response,context,context/0"]
        for i in 0..<rows {
            let u = (0..<3).map { utterances[(i + offset + $0) % utterances.count] }
            lines.append("\"\(u[0])\",\"\(u[1])\",\(i % 3 == 0 ? "<pad>" : "\"" + u[2] + "\"")")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func finetunesOnConversations() throws {
        let folder = try TemporaryFolder("multiwoz-smoke")
        let data = folder.path + "/data/multiwoz"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        for (split, rows) in [("train", 24), ("valid", 8), ("test", 8)] {
            try Self.csv(rows: rows, offset: split.count).write(toFile: data + "/multiwoz_trans_\(split).csv", atomically: true, encoding: .utf8)
        }
        let grid = """
            {"name": "multiwoz-smoke",
             "fixed": {"dataset": "multiwoz_roberta", "data_path": "\(folder.path)/data", "tokenizer": "\(Fixtures.folder("tokenizer").path)",
                       "model": "roberta_lm", "layers": 1, "heads": 2, "width": 16, "context": 128, "dropout": 0.0, "save_weights": true,
                       "epochs": 3, "batch_size": 4, "clip": 1.0, "optimizer": "adam", "lr": 0.01, "schedule": "linear"},
             "seed": [0]}
            """
        let gridPath = try folder.write("multiwoz-smoke.json", grid)
        let run = try runSweep(["run", gridPath, "--results", folder.path])
        #expect(run.status == 0, "\(run.stderr)")
        var train: [Double] = [], valid: [Double] = [], status: String?
        let shards = folder.path + "/multiwoz-smoke/shards"
        for name in try FileManager.default.contentsOfDirectory(atPath: shards) where name.hasSuffix(".jsonl") {
            for line in try String(contentsOfFile: shards + "/" + name, encoding: .utf8).split(separator: "\n") {
                let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                if record["event"] as? String == "epoch", let metrics = record["metrics"] as? [String: Any] {
                    train.append(try #require(metrics["train_loss"] as? Double))
                    valid.append(try #require(metrics["valid_perplexity"] as? Double))
                }
                if record["event"] as? String == "end" { status = record["status"] as? String }
            }
        }
        #expect(status == "ok")
        try #require(train.count == 3 && valid.count == 3)
        #expect(valid.allSatisfy { $0.isFinite })
        #expect(train[2] < train[0], "training loss \(train)")
        // save_weights: the fine-tuned model as a transformers folder.
        let models = folder.path + "/multiwoz-smoke/models"
        let ids = try FileManager.default.contentsOfDirectory(atPath: models)
        try #require(ids.count == 1)
        let saved = models + "/" + ids[0]
        let weights = try Data(contentsOf: URL(fileURLWithPath: saved + "/model.safetensors")).count
        #expect(weights > 8)
        let config = try String(contentsOfFile: saved + "/config.json", encoding: .utf8)
        #expect(config.contains("RobertaForCausalLM") && config.contains("\"vocab_size\" : 420"), "\(config)")
    }
}
