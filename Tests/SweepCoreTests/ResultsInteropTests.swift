import Testing
import Foundation
@testable import SweepCore

/// The shards are plain JSON lines that common tools load as they are: jq, pandas
/// `read_json(lines=True)` and DuckDB `read_json_auto`, without extra arguments, one row per record
/// with the documented columns. Needs jq, and python3 with pandas and duckdb (`scripts/setup`
/// installs them).
@Suite struct ResultsInteropTests {
    static let script = #"""
    import glob, json, os, sys
    import duckdb
    import pandas as pd
    folder = sys.argv[1]
    paths = sorted(glob.glob(os.path.join(folder, "*.jsonl")))
    frame = pd.concat([pd.read_json(path, lines=True) for path in paths], ignore_index=True)
    connection = duckdb.connect()
    connection.execute("SET enable_progress_bar = false")
    columns = connection.sql(f"SELECT * FROM read_json_auto('{folder}/*.jsonl')").columns
    rows = connection.sql(f"SELECT count(*) FROM read_json_auto('{folder}/*.jsonl')").fetchall()[0][0]
    accuracy = connection.sql(f"SELECT metrics.valid_accuracy FROM read_json_auto('{folder}/*.jsonl') "
                              "WHERE event = 'epoch' AND \"index\" = 4 AND epoch = 2").fetchall()
    ends = frame[frame["event"] == "end"]
    print(json.dumps({
        "pandas_rows": len(frame), "pandas_columns": list(frame.columns),
        "pandas_statuses": {str(k): int(v) for k, v in ends["status"].value_counts().items()},
        "pandas_message": [m for m in ends["message"].dropna()],
        "pandas_first_metrics": json.dumps(frame[frame["event"] == "epoch"]["metrics"].iloc[0], sort_keys=True),
        "duckdb_rows": rows, "duckdb_columns": columns, "duckdb_accuracy": [a[0] for a in accuracy],
    }))
    """#

    @Test func jqPandasAndDuckDBReadOneRowPerRecord() throws {
        let sweep = try StatusTests.everyState()
        // A metric that went non-finite is written as null; a message with quotes and non-ASCII text.
        try sweep.write(.epoch, 7, shard: "odd", epoch: 1, metrics: [("train_loss", .nan), ("valid_accuracy", 0.25)])
        try sweep.write(.end, 7, shard: "odd", status: .failed, epoch: 1, details: [("message", .string("données \"manquantes\""))])
        let lines = try ShardReader(folder: sweep.folder.shards).shardPaths().reduce(0) { total, path in
            total + (try String(contentsOfFile: path, encoding: .utf8)).split(separator: "\n").count
        }

        let shards = ShardReader(folder: sweep.folder.shards).shardPaths()
        let jq = try run(["jq", "-c", "[.event, .id, .status]"] + shards)
        #expect(jq.split(separator: "\n").count == lines)
        #expect(jq.contains(#"["end","\#(sweep.ids[7])","failed"]"#))

        let output = try run(["python3", "-c", Self.script, sweep.folder.shards])
        let result = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])

        let documented = ["event", "id", "index", "status", "sweep", "epoch", "metrics", "elapsed_s", "time", "host", "task",
                          "tasks", "attempt", "slurm_job_id", "slurm_array_job_id", "slurm_array_task_id", "config"]
        #expect(result["pandas_rows"] as? Int == lines)
        #expect(result["duckdb_rows"] as? Int == lines)
        let pandasColumns = Set(result["pandas_columns"] as? [String] ?? [])
        let duckColumns = Set(result["duckdb_columns"] as? [String] ?? [])
        #expect(Set(documented).isSubset(of: pandasColumns), "pandas columns: \(pandasColumns.sorted())")
        #expect(Set(documented).isSubset(of: duckColumns), "DuckDB columns: \(duckColumns.sorted())")
        #expect(Set(["message", "best", "step", "last_finite_loss", "checkpoint"]).isSubset(of: duckColumns))
        #expect(result["pandas_statuses"] as? [String: Int] == ["ok": 2, "failed": 3, "preempted": 2, "diverged": 1])
        #expect((result["pandas_message"] as? [String])?.contains("données \"manquantes\"") == true)
        // Shards in name order: "odd" comes first, with its null (non-finite) loss.
        #expect(result["pandas_first_metrics"] as? String == #"{"train_loss": null, "valid_accuracy": 0.25}"#)
        #expect(result["duckdb_accuracy"] as? [Double] == [0.7])
    }

    /// Runs a program found on PATH and returns its standard output; fails with its standard error.
    private func run(_ command: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "\(command[0]) failed (scripts/setup installs jq, pandas and duckdb): \(errors)")
        return String(decoding: output, as: UTF8.self)
    }
}
