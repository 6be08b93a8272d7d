import Testing
import Foundation

/// `sweep expand` and `sweep validate` as a user runs them: output, errors and exit codes.
@Suite struct ExpandCommandTests {
    static let grid = #"""
    {
      "name": "cli",
      "fixed": {"epochs": 2, "model": "logreg", "dataset": "blobs", "optimizer": "sgd"},
      "grid": [
        {"batch_size": [16, 32, 64], "clip": [0.5, 1e-5]},
        {"aggregation": "zip", "grid": {"batch_size": [1, 2], "clip": [1.0, 2.0]}}
      ],
      "seed": [0, 1]
    }
    """#

    @Test func jsonLinesAreIdenticalAcrossProcesses() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("cli.json", Self.grid)
        let first = try runSweep(["expand", path, "--format", "jsonl"])
        // A second process has another hash seed; nothing in the output may depend on it.
        let second = try runSweep(["expand", "--format=jsonl", path], environment: ["SWIFT_DETERMINISTIC_HASHING": "1"])
        #expect(first.status == 0 && second.status == 0)
        #expect(first.stdout == second.stdout)
        let lines = first.stdout.split(separator: "\n")
        try #require(lines.count == 16)
        #expect(lines[0].hasPrefix(#"{"index":0,"id":""#))
        #expect(lines[0].hasSuffix(#"","config":{"batch_size":16,"clip":0.5,"dataset":"blobs","epochs":2,"model":"logreg","optimizer":"sgd","seed":0}}"#))
        #expect(lines[15].hasSuffix(#"","config":{"batch_size":2,"clip":2,"dataset":"blobs","epochs":2,"model":"logreg","optimizer":"sgd","seed":1}}"#))
    }

    @Test func countAndTaskShare() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("cli.json", Self.grid)
        #expect(try runSweep(["expand", path, "--count"]).stdout == "16\n")
        #expect(try runSweep(["expand", path, "--count", "--task", "3", "--tasks", "5"]).stdout == "3\n")
        let share = try runSweep(["expand", path, "--format", "jsonl", "--task", "3", "--tasks", "5"]).stdout
        #expect(share.split(separator: "\n").map { $0.prefix(14) } == [#"{"index":3,"id"#, #"{"index":8,"id"#, #"{"index":13,"i"#])
    }

    /// Task counts up to Int.max are valid: the share is computed without overflow.
    @Test func theLargestTaskCountDoesNotOverflow() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("cli.json", Self.grid)
        let most = String(Int.max)
        let count = try runSweep(["expand", path, "--count", "--task", "5", "--tasks", most])
        #expect(count.status == 0 && count.stdout == "1\n", "\(count.stderr)")
        #expect(try runSweep(["expand", path, "--count", "--task", String(Int.max - 1), "--tasks", most]).stdout == "0\n")
        let table = try runSweep(["expand", path, "--task", "5", "--tasks", most])
        #expect(table.status == 0 && table.stdout.contains("\n    5  "), "\(table.stderr)")
    }

    /// The table is printed page by page: the first rows of 10⁷ configurations come at once (before the
    /// fix it was built whole, 700 MB after two minutes, and `| head` printed nothing).
    @Test func aTableOfTenMillionStartsAtOnce() throws {
        let folder = try TemporaryFolder()
        let ten = "[" + (1...10).map(String.init).joined(separator: ", ") + "]"
        let fractions = "[" + (0..<10).map { "0.0\($0)" }.joined(separator: ", ") + "]"
        let path = try folder.write("big.json", #"{"fixed": {"model": "logreg", "dataset": "blobs", "optimizer": "sgd"}, "grid": {"#
            + ["lr", "momentum", "dampening", "weight_decay"].map { #""\#($0)": \#(fractions)"# }.joined(separator: ", ")
            + #", "batch_size": \#(ten), "epochs": \#(ten)}, "seed": \#(ten)}"#)
        let process = Process()
        process.executableURL = sweepBinary
        process.arguments = ["expand", path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Read on another thread for at most 30 s; then SIGKILL (the test runner blocks TERM, and a child
        // inherits that mask), which also ends the read.
        final class Received: @unchecked Sendable { var data = Data() }
        let received = Received()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            while received.data.count < 8192 {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                received.data += chunk
            }
            done.signal()
        }
        let inTime = done.wait(timeout: .now() + 30) == .success
        kill(process.processIdentifier, SIGKILL)
        if !inTime { done.wait() }
        #expect(inTime, "no 8 KB of table within 30 s")
        let text = String(decoding: received.data, as: UTF8.self)
        #expect(received.data.count >= 8192, "\(received.data.count) bytes")
        #expect(text.contains("10,000,000") || text.contains("10000000"), "\(text.prefix(300))")
        #expect(text.contains("\n    0  "), "\(text.prefix(600))")
    }

    @Test func tableFitsEightyColumns() throws {
        let folder = try TemporaryFolder()
        let wide = #"{"fixed": {"epochs": 2, "model": "fc", "dataset": "blobs", "optimizer": "adam_c", "topC": 20, "decay": 0.99}, "grid": {"batch_size": [1, 2], "clip": [0.123456789, 2], "seed": [1, 2], "hidden": [[1000, 1000], [32]], "betas": [[0.9, 0.999]], "lr": [0.001, 0.0001]}}"#
        let path = try folder.write("wide.json", wide)
        let result = try runSweep(["expand", path])
        #expect(result.status == 0)
        #expect(result.stdout.split(separator: "\n").allSatisfy { $0.count <= 80 })
        #expect(result.stdout.contains("all: epochs=2 model=fc dataset=blobs optimizer=adam_c topC=20 decay=0.99"))
        #expect(result.stdout.contains("0.123456789"))
    }

    @Test func validateSaysOkOrListsEveryError() throws {
        let folder = try TemporaryFolder()
        let good = try folder.write("good.json", Self.grid)
        let ok = try runSweep(["validate", good])
        #expect(ok.status == 0 && ok.stdout == "\(good): ok, 16 configurations (2 blocks × 2 seeds)\n")
        let bad = try folder.write("bad.json", "{\"grid\": {\"batch_size\": [16, -1], \"epochs\": []},\n \"seed\": [0, 0.5]}")
        let result = try runSweep(["validate", bad])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == """
            \(bad):1:45: error: "epochs" has an empty list of values
              hint: give at least one value; to fix a list-valued setting such as betas, write [[0.9, 0.999]]
            \(bad):2:14: error: a seed must be an integer ≥ 0, not 0.5
            2 errors; nothing was started

            """)
    }

    @Test func badCommandLinesAreExitCodeTwoWithAHint() throws {
        let missing = try runSweep(["expand", "/nonexistent/grid.json"])
        #expect(missing.status == 2 && missing.stderr.contains("/nonexistent/grid.json: error: the grid file does not exist"))
        let typo = try runSweep(["expand", "grids/mnist.json", "--formt", "jsonl"])
        #expect(typo.status == 2 && typo.stderr.contains("unknown option --formt; did you mean --format?"))
        let noGrid = try runSweep(["expand"])
        #expect(noGrid.status == 2 && noGrid.stderr.contains("missing GRID"))
        let help = try runSweep(["help", "expand"])
        #expect(help.status == 0 && help.stdout.contains("--task N --tasks T"))
    }
}
