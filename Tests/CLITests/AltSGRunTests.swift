// The alternating synthetic-gradient recipe (`qrnn_lm`, `awd_lstm`, `awd_gru`) run end to end by `sweep run`: a smoke-sized
// block of the study's five arms on synthetic_text, with the SG switch per epoch as the schedule says,
// and a run with the synthesizer stopped mid-epoch by SIGTERM that resumes bit for bit.
import Testing
import Foundation
import TestSupport

@Suite(.serialized) struct AltSGRunTests {
    /// The five arms of alt_sg.md §10.2 at smoke size: BPTT; BPTT with restarts; DNI; alternating (PTB
    /// phase); alternating with whenswitch 2 (WT2 phase); the LSTM form of the recipe; DNI with a
    /// two-layer GRU synthesizer with dropout; and DNI on the LSTM and on the GRU form. Restart base 2 over
    /// 4 epochs: cycles 1–2, 3–4.
    static let grid = #"""
    {
      "name": "altsg-smoke",
      "fixed": { "dataset": "synthetic_text", "vocabulary": 64, "tokens": 20000,
                 "emsize": 16, "nhid": 24, "nlayers": 2, "bptt": 20, "epochs": 4, "batch_size": 8,
                 "optimizer": "adam", "lr": 0.003, "weight_decay": 1.2e-6, "clip": 0.25,
                 "dropouti": 0.1, "dropouth": 0.1, "dropout": 0.1, "dropoute": 0.05, "wdrop": 0.1 },
      "grid": [
        { "model": "qrnn_lm", "use_sg": false },
        { "model": "qrnn_lm", "use_sg": false, "restart_lr": true, "restart_base": [[2]] },
        { "model": "qrnn_lm", "use_sg": true, "sg_hidden_num": 8, "restart_lr": true, "restart_base": [[2]], "whenswitch": [[2]] },
        { "model": "qrnn_lm", "use_sg": true, "sg_hidden_num": 8, "restart_lr": true, "restart_base": [[2]], "mixture": true },
        { "model": "qrnn_lm", "use_sg": true, "sg_hidden_num": 8, "restart_lr": true, "restart_base": [[2]], "mixture": true, "whenswitch": [[2]] },
        { "model": "awd_lstm", "restart_lr": true, "restart_base": [[2]] },
        { "model": "qrnn_lm", "use_sg": true, "sgtype": "gru", "sg_hidden_num": 8, "sg_nlayers": 2, "sg_dropout": 0.1,
          "restart_lr": true, "restart_base": [[2]], "whenswitch": [[2]] },
        { "model": "awd_lstm", "use_sg": true, "sg_hidden_num": 8, "restart_lr": true, "restart_base": [[2]], "whenswitch": [[2]] },
        { "model": "awd_gru", "use_sg": true, "sg_hidden_num": 8, "restart_lr": true, "restart_base": [[2]], "whenswitch": [[2]] }
      ],
      "seed": [0]
    }
    """#

    @Test func theFiveArmsRunAndSwitchSyntheticGradientsAsScheduled() throws {
        let folder = try TemporaryFolder("altsg-smoke")
        let path = try folder.write("grid.json", Self.grid)
        let result = try runSweep(["run", path, "--results", folder.path + "/results"])
        #expect(result.status == 0, "\(result.stderr)")
        let results = try SweepResults(folder.path + "/results/altsg-smoke")
        #expect(results.finalRecords.count == 9)
        #expect(results.finalRecords.values.allSatisfy { $0.count == 1 && $0[0]["status"] as? String == "ok" })
        var sgByIndex: [Int: [Int: Double]] = [:], lrByIndex: [Int: [Int: Double]] = [:]
        for record in results.records where record["event"] as? String == "epoch" {
            let metrics = try #require(record["metrics"] as? [String: Any])
            let index = try #require(record["index"] as? Int), epoch = try #require(record["epoch"] as? Int)
            sgByIndex[index, default: [:]][epoch] = try #require(metrics["sg_on"] as? Double)
            lrByIndex[index, default: [:]][epoch] = try #require(metrics["lr"] as? Double)
            #expect((metrics["train_perplexity"] as? Double ?? .nan).isFinite && (metrics["valid_perplexity"] as? Double ?? .nan).isFinite)
        }
        func series(_ table: [Int: [Int: Double]], _ index: Int) -> [Double] { (1...4).map { table[index]?[$0] ?? .nan } }
        #expect(series(sgByIndex, 0) == [0, 0, 0, 0])
        #expect(series(sgByIndex, 1) == [0, 0, 0, 0])
        #expect(series(sgByIndex, 2) == [0, 1, 1, 1], "DNI: SG from epoch 2")
        #expect(series(sgByIndex, 3) == [0, 0, 1, 1], "alternating: SG after the restart at epoch 3")
        #expect(series(sgByIndex, 4) == [0, 1, 0, 0], "alternating with whenswitch 2: the opposite phase")
        #expect(series(sgByIndex, 5) == [0, 0, 0, 0])
        #expect(series(sgByIndex, 6) == [0, 1, 1, 1], "DNI with the GRU synthesizer: SG from epoch 2")
        #expect(series(sgByIndex, 7) == [0, 1, 1, 1], "DNI on the LSTM base model: SG from epoch 2")
        #expect(series(sgByIndex, 8) == [0, 1, 1, 1], "DNI on the GRU base model: SG from epoch 2")
        #expect(series(lrByIndex, 5) == series(lrByIndex, 1), "the LSTM form follows the same schedule")
        // No restarts: lr₀ throughout; restart base 2 with restart_lr: lr₀, lr₀/2, then lr₀ at the restart.
        #expect(series(lrByIndex, 0) == [0.003, 0.003, 0.003, 0.003])
        let restarted = series(lrByIndex, 1)
        #expect(restarted[0] == 0.003 && abs(restarted[1] - 0.0015) < 1e-15 && restarted[2] == 0.003)
        // The end record names the best validation epoch and carries its test perplexity.
        for records in results.finalRecords.values {
            let best = try #require(records[0]["best"] as? [String: Any])
            #expect(best["metric"] as? String == "valid_perplexity")
            let test = try #require(best["test"] as? [String: Any])
            #expect((test["test_perplexity"] as? Double ?? .nan).isFinite)
        }
    }

    /// QRNN: the README's one-layer synthesizer (carried cell and previous input). LSTM: two layers with
    /// dropout between them, so the resumed run also continues each element's (h, c) and the dropout draws.
    /// And the README's synthesizer on the LSTM and GRU base models, whose carried (h, c) or h feed it.
    @Test(arguments: [#""model": "qrnn_lm", "sgtype": "qrnn""#, #""model": "qrnn_lm", "sgtype": "lstm", "sg_nlayers": 2, "sg_dropout": 0.2"#,
                      #""model": "awd_lstm", "sgtype": "qrnn""#, #""model": "awd_gru", "sgtype": "qrnn""#])
    func stoppedMidEpochWithTheSynthesizerItResumesBitForBit(_ configuration: String) throws {
        let folder = try TemporaryFolder("altsg-term")
        // One alternating configuration (SG on in epoch 2 by whenswitch, off after the restart at 3), with
        // epochs long enough for the signal to land inside epoch 2.
        let single = #"""
        {
          "name": "altsg-resume",
          "fixed": { \#(configuration), "dataset": "synthetic_text", "vocabulary": 64, "tokens": 120000,
                     "emsize": 16, "nhid": 24, "nlayers": 2, "bptt": 20, "epochs": 3, "batch_size": 8,
                     "optimizer": "adam", "lr": 0.003, "clip": 0.25, "dropouti": 0.1, "dropouth": 0.1, "dropout": 0.1,
                     "dropoute": 0.05, "wdrop": 0.1, "sg_hidden_num": 8, "use_sg": true, "restart_lr": true,
                     "restart_base": [2], "mixture": true, "whenswitch": [2] }
        }
        """#
        let path = try folder.write("grid.json", single)
        let reference = try runSweep(["run", path, "--results", folder.path + "/reference"])
        #expect(reference.status == 0, "\(reference.stderr)")
        let expected = try SweepResults(folder.path + "/reference/altsg-resume")

        let results = folder.path + "/stopped/altsg-resume"
        let process = try startSweep(["run", path, "--results", folder.path + "/stopped"], log: folder.path + "/log.txt")
        #expect(waitUntil(seconds: 120) {
            ((try? SweepResults(results))?.records.contains { ($0["event"] as? String) == "epoch" }) ?? false
        })
        usleep(300_000)
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 128 + SIGTERM)
        let stopped = try SweepResults(results)
        let preempted = try #require(stopped.records.first { ($0["status"] as? String) == "preempted" })
        #expect((preempted["step_in_epoch"] as? Int ?? 0) > 0, "not stopped mid-epoch: \(preempted)")
        #expect(preempted["epoch"] as? Int == 1, "not stopped in epoch 2: \(preempted)")

        let resumed = try runSweep(["run", path, "--results", folder.path + "/stopped"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("resuming at epoch 2"))
        let finished = try SweepResults(results)
        #expect(finished.finalMetrics == expected.finalMetrics)
        #expect(finished.curves == expected.curves)
        #expect(expected.curves.values.first?[2]?["sg_on"] == 1.0.bitPattern, "epoch 2 ran with synthetic gradients")
    }

    /// AR's `alpha` is the model's, RMSprop's the optimizer's: unqualified with both chosen it is refused
    /// with both spellings; qualified it is accepted. The recipe's own schedule refuses another schedule,
    /// and a restart list that runs out before the last epoch (the Q17 fix).
    @Test func keysAndScheduleRulesAreCheckedBeforeAnythingRuns() throws {
        let folder = try TemporaryFolder("altsg-keys")
        func validate(_ fixed: String) throws -> (status: Int32, stderr: String) {
            let path = try folder.write("grid.json", #"{"name": "keys", "fixed": {"dataset": "synthetic_text", "model": "qrnn_lm", "lr": 0.001, "#
                                        + fixed + "}}")
            let result = try runSweep(["validate", path])
            return (result.status, result.stderr)
        }
        let clash = try validate(#""optimizer": "rmsprop", "alpha": 2"#)
        #expect(clash.status == 2 && clash.stderr.contains(#"say whose it is: "optimizer.alpha" or "model.alpha""#), "\(clash.stderr)")
        let qualified = try validate(#""optimizer": "rmsprop", "model.alpha": 2, "optimizer.alpha": 0.99"#)
        #expect(qualified.status == 0, "\(qualified.stderr)")
        let schedule = try validate(#""optimizer": "adam", "schedule": "cosine""#)
        #expect(schedule.status == 2 && schedule.stderr.contains("runs alternate_sg's own epoch schedule"), "\(schedule.stderr)")
        let overflow = try validate(#""optimizer": "adam", "epochs": 30, "restart_base": [5, 10]"#)
        #expect(overflow.status == 2 && overflow.stderr.contains("runs out at epoch 11 of 30"), "\(overflow.stderr)")
        // A dropout rate of 1 has no keep-scale 1/(1 − p): refused by validate, not at the run's start.
        let certain = try validate(#""optimizer": "adam", "use_sg": true, "sg_dropout": 1, "dropouth": 0.99"#)
        #expect(certain.status == 2 && certain.stderr.contains("invalid sg_dropout for model qrnn_lm: 1 (expected a number in [0, 1))"),
                "\(certain.stderr)")
        #expect(!certain.stderr.contains("dropouth"), "0.99 is a rate: \(certain.stderr)")
    }
}
