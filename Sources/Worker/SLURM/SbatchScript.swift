// The batch script `sweep submit` writes: the sweep's resources as #SBATCH lines, then a hand-over to
// `scripts/array.sh`, which holds the job logic (build, logs, signal forwarding) in one place. A pure
// function of its inputs, so it is tested as text.

/// The text of a sweep's sbatch script.
public struct SbatchScript: Equatable, Sendable {
    public var sweep: String
    /// The repository's top folder (absolute).
    public var repository: String
    /// The grid file as `sweep run` will be given it.
    public var grid: String
    /// The sweep's results folder (absolute); logs go to its `logs/`.
    public var results: String
    public var settings: SlurmSettings
    /// Tasks the configurations are spread over (`SWEEP_TASKS`).
    public var tasks: Int
    /// Options passed on to `sweep run` (e.g. `--retry failed`).
    public var runOptions: [String]

    public init(sweep: String, repository: String, grid: String, results: String, settings: SlurmSettings, tasks: Int,
                runOptions: [String] = []) {
        self.sweep = sweep
        self.repository = repository
        self.grid = grid
        self.results = results
        self.settings = settings
        self.tasks = tasks
        self.runOptions = runOptions
    }

    /// The script. `--array` is given on the sbatch command line, once per array of the plan.
    public var text: String {
        // sbatch reads directives up to the first shell line and splits them at blanks, so no directive
        // value may hold a blank or a line break (the grid parser and SlurmSettings refuse such values).
        let directives = [sweep, results, settings.partition, settings.account, settings.qos, settings.time, settings.mem,
                          settings.constraint, settings.gres].compactMap { $0 } + settings.extra
        for value in directives {
            precondition(Self.isDirectiveWord(value), "sbatch directive value \(value.debugDescription) is not one word")
        }
        var lines = ["#!/bin/bash", "# Written by `sweep submit` for the sweep \(sweep): \(tasks) tasks.",
                     "# Submitted with --array and SWEEP_TASK_OFFSET on the sbatch command line; see scripts/array.sh.",
                     "#SBATCH --job-name=\(sweep)"]
        if let partition = settings.partition { lines.append("#SBATCH --partition=\(partition)") }
        if let account = settings.account { lines.append("#SBATCH --account=\(account)") }
        if let qos = settings.qos { lines.append("#SBATCH --qos=\(qos)") }
        lines.append("#SBATCH --time=\(settings.time ?? "24:00:00")")
        lines.append("#SBATCH --cpus-per-task=\(settings.cpusPerTask ?? 1)")
        lines.append("#SBATCH --mem=\(settings.mem ?? "4G")")
        if let constraint = settings.constraint { lines.append("#SBATCH --constraint=\(constraint)") }
        if let gres = settings.gres { lines.append("#SBATCH --gres=\(gres)") }
        lines += ["#SBATCH --requeue", "#SBATCH --open-mode=append", "#SBATCH --signal=B:USR1@120",
                  "#SBATCH --output=\(results)/logs/task-%A_%a.out"]
        lines += settings.extra.map { "#SBATCH \($0)" }
        lines += ["", "export SWEEP_HOME=\(Self.quoted(repository))", "export SWEEP_TASKS=\(tasks)",
                  "exec \(Self.quoted(repository + "/scripts/array.sh")) " + ([grid, "--results", parent(results)] + runOptions).map(Self.quoted).joined(separator: " "),
                  ""]
        return lines.joined(separator: "\n")
    }

    /// The `--array` value for one array of the plan, with the throttle.
    public func arrayOption(_ array: ArraySubmission) -> String {
        let throttle = settings.maxConcurrent.map { min($0, array.count) }
        return "--array=" + array.indices + (throttle.map { "%\($0)" } ?? "")
    }

    private func parent(_ folder: String) -> String {
        guard let slash = folder.lastIndex(of: "/"), slash != folder.startIndex else { return "/" }
        return String(folder[..<slash])
    }

    /// Whether `value` can stand in an `#SBATCH` line: no blanks, control characters, quotes or
    /// backslashes (which sbatch would split at or interpret).
    public static func isDirectiveWord(_ value: String) -> Bool {
        !value.isEmpty && value.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value != 0x7F && !"\"'\\".unicodeScalars.contains($0)
            && !($0.properties.isWhitespace) }
    }

    /// A shell word: bare when plainly safe, else single-quoted; a word with control characters is
    /// written as bash's `$'…'` with escapes, so that no value ever spans lines of the script.
    static func quoted(_ word: String) -> String {
        if !word.isEmpty, word.utf8.allSatisfy({ byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || "/._-=:,+@%".utf8.contains(byte)
        }) { return word }
        guard word.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else {
            return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }
        var escaped = "$'"
        for scalar in word.unicodeScalars {
            switch scalar.value {
            case 0x5C: escaped += "\\\\"
            case 0x27: escaped += "\\'"
            case 0..<0x20, 0x7F: escaped += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped + "'"
    }
}
