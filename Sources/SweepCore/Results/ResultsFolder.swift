// Where one sweep's results live (SPEC §3): `<parent>/<name>/` with the JSONL shards, the frozen manifest,
// checkpoints and SLURM logs. The parent is `results/` under the current directory unless `--results` or
// `SWEEP_RESULTS` names another.
import Foundation

/// The folder of one sweep's results and the paths inside it.
public struct ResultsFolder: Sendable, Equatable {
    /// `<parent>/<sweep name>`.
    public let root: String

    public init(root: String) { self.root = root }

    /// The folder for `sweepName` under `parent` (from `--results`), else `SWEEP_RESULTS`, else `results`.
    public init(sweepName: String, parent: String?, environment: [String: String]) {
        let base = parent ?? environment["SWEEP_RESULTS"].flatMap { $0.isEmpty ? nil : $0 } ?? "results"
        root = (base as NSString).appendingPathComponent(sweepName)
    }

    public var shards: String { path("shards") }
    public var checkpoints: String { path("checkpoints") }
    public var logs: String { path("logs") }
    public var manifest: String { path("manifest.json") }
    /// The grid file as it was when the sweep was frozen.
    public var frozenGrid: String { path("grid.json") }
    /// The expanded grid, one JSON line per configuration (the output of `sweep expand --format jsonl`).
    public var configurations: String { path("configurations.jsonl") }

    public func path(_ relative: String) -> String { (root as NSString).appendingPathComponent(relative) }

    /// Creates the folder and its sub-folders. A folder that cannot be made is named with the system's
    /// reason (read-only file system, permission denied, a file in the way), not Foundation's generic words.
    public func create() throws {
        for folder in [root, shards, checkpoints, logs] { try Self.makeFolder(folder) }
    }

    /// `mkdir -p`: each missing ancestor in turn, so the error names the one that failed.
    private static func makeFolder(_ folder: String) throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue { return }
        // Not NSString's deletingLastPathComponent: Foundation on Linux traps on a one-character path
        // (`--results R`).
        let parent = folder.lastIndex(of: "/").map { String(folder[..<$0]) } ?? ""
        if !parent.isEmpty, parent != folder { try makeFolder(parent) }
        guard mkdir(folder, 0o777) == 0 || errno == EEXIST else {
            let reason = String(cString: strerror(errno))
            throw ResultsError.cannotWrite(path: folder, reason: "cannot create this folder (\(reason)); "
                + "give --results or SWEEP_RESULTS a folder this user can write, on a file system with space")
        }
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw ResultsError.cannotWrite(path: folder, reason: "a file of this name is in the way of the results folder; "
                + "move it, or give --results or SWEEP_RESULTS another folder")
        }
    }

    /// A shard name unique to one writing process: task, job, attempt, host and process id. The job id
    /// and host come from the environment, so anything but letters, digits, `.`, `_` and `-` becomes `_`
    /// (a `/` in SLURM_JOB_ID would otherwise name a folder that does not exist).
    public func shardPath(origin: RecordOrigin, processID: Int32) -> String {
        func safe(_ text: String) -> String {
            String(text.unicodeScalars.map { scalar -> Character in
                scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "._-".unicodeScalars.contains(scalar))
                    ? Character(scalar) : "_"
            })
        }
        let job = origin.slurmJobID.map { "job" + safe($0) } ?? "local"
        let host = safe(origin.host.split(separator: ".").first.map(String.init) ?? "host")
        return (shards as NSString).appendingPathComponent(
            "task\(origin.task)-of\(origin.tasks)_\(job)_a\(origin.attempt)_\(host)_p\(processID).jsonl")
    }

    /// The checkpoint of configuration `id`.
    public func checkpointPath(id: String) -> String {
        (checkpoints as NSString).appendingPathComponent("\(id).ckpt")
    }
}
