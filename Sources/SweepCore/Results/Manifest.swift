// The frozen manifest: the first run of a sweep stores the grid file, its digest and its expansion next to
// the results. Later runs compare the grid file with it, so that an edited grid never silently changes
// what an index means (pending array tasks read the grid when they start, not when they were submitted).
import Foundation

/// What the results folder records about the grid it belongs to.
public struct Manifest: Codable, Equatable, Sendable {
    public var sweep: String
    /// The grid file's path as given when the sweep was frozen.
    public var grid: String
    /// SHA-256 of the grid file's bytes.
    public var gridSHA256: String
    public var configurations: Int
    /// SHA-256 of `configurations.jsonl` (every index, id and configuration in order).
    public var configurationsSHA256: String
    /// When it was frozen (ISO 8601, UTC).
    public var frozen: String

    enum CodingKeys: String, CodingKey {
        case sweep, grid, configurations, frozen
        case gridSHA256 = "grid_sha256"
        case configurationsSHA256 = "configurations_sha256"
    }
}

/// How the grid file compares with the sweep's manifest.
public enum ManifestCheck: Equatable, Sendable {
    /// No manifest existed; this run froze it.
    case frozen
    /// The grid file is the one frozen.
    case unchanged
    /// The grid file differs; `accepted` says whether this run re-froze it (as told to).
    case changed(summary: String, accepted: Bool)
}

extension ResultsFolder {
    /// Freezes the manifest for `grid` if there is none; otherwise compares. A changed grid is an error
    /// unless `acceptChanges`, in which case the manifest is frozen anew (results stay keyed by id, so
    /// nothing recorded is lost or misattributed).
    public func freezeOrCompare(_ grid: Grid, acceptChanges: Bool) throws -> ManifestCheck {
        try create()
        // One freezer at a time: otherwise two tasks starting a new sweep with different grid files both
        // find no manifest, and each writes its own grid copy and expansion.
        let lock = try FileLock(path: path(".manifest.lock"))
        defer { lock.release() }
        let gridDigest = SHA256.hex(grid.source.bytes)
        if let data = FileManager.default.contents(atPath: manifest) {
            guard let existing = try? JSONDecoder().decode(Manifest.self, from: data) else {
                throw ResultsError.cannotRead(path: manifest, reason: "not a sweep manifest")
            }
            if existing.gridSHA256 == gridDigest { return .unchanged }
            let summary = try describeChange(from: existing, to: grid)
            guard acceptChanges else {
                throw ResultsError.manifestMismatch("""
                    \(grid.source.path) has changed since this sweep was frozen on \(existing.frozen) (\(frozenGrid)):
                    \(summary)
                    Results are keyed by configuration id, so nothing recorded is lost either way. To go on with the
                    edited grid, run again with --accept-grid-change (the manifest is then frozen anew); to keep the
                    old sweep, restore the grid file or give the edited one another name.
                    """)
            }
            try write(grid, digest: gridDigest, replacing: true)
            return .changed(summary: summary, accepted: true)
        }
        try write(grid, digest: gridDigest, replacing: false)
        return .frozen
    }

    /// Writes grid copy, expansion and manifest. The manifest is the commit point: it is linked into place
    /// only after the files it describes, and exclusively, so when several array tasks start a new sweep
    /// at once exactly one freezes it and the others compare with it.
    private func write(_ grid: Grid, digest: String, replacing: Bool) throws {
        // Unique per writer: two freezers of one process (or of two hosts with equal process ids) never share one.
        let suffix = ".tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
        try atomicWrite(frozenGrid, grid.source.bytes, suffix: suffix)

        let expansion = configurations + suffix
        guard FileManager.default.createFile(atPath: expansion, contents: nil),
              let handle = FileHandle(forWritingAtPath: expansion) else {
            throw ResultsError.cannotWrite(path: expansion, reason: "cannot create")
        }
        var stream = SHA256.Stream()
        do {
            try grid.writeJSONLines(grid.indices(task: 0, tasks: 1), threads: ProcessInfo.processInfo.activeProcessorCount) { chunk in
                stream.update(chunk)
                try handle.write(contentsOf: Data(chunk))
            }
            try handle.synchronize()
            try handle.close()
        } catch {
            throw ResultsError.cannotWrite(path: expansion, reason: error.localizedDescription)
        }
        try rename(expansion, to: configurations)

        let record = Manifest(sweep: grid.name, grid: grid.source.path, gridSHA256: digest, configurations: grid.count,
                              configurationsSHA256: stream.finalize(), frozen: isoTimestamp())
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let bytes = [UInt8](try encoder.encode(record)) + [UInt8(ascii: "\n")]
        if replacing {
            try? FileManager.default.copyItem(atPath: manifest, toPath: path("manifest.\(isoTimestamp()).json"))
            try atomicWrite(manifest, bytes, suffix: suffix)
            return
        }
        let temporary = manifest + suffix
        try atomicWrite(temporary, bytes, suffix: ".part")
        defer { unlink(temporary) }
        if link(temporary, manifest) != 0 && errno != EEXIST {
            throw ResultsError.cannotWrite(path: manifest, reason: String(cString: strerror(errno)))
        }
    }

    /// The configurations added and removed between the frozen grid and `grid`, by id. The frozen ids are
    /// read back from the expansion written at freezing, not hashed again (an expansion that does not
    /// match its grid is hashed anew); only the new grid's ids are hashed.
    private func describeChange(from existing: Manifest, to grid: Grid) throws -> String {
        guard let old = try? GridParser.load(path: frozenGrid) else {
            return "the frozen copy \(frozenGrid) cannot be read, so the change cannot be itemised"
        }
        let threads = ProcessInfo.processInfo.activeProcessorCount
        let change = GridChange(from: ConfigurationIDs(old, expansion: configurations) ?? ConfigurationIDs(old, threads: threads),
                                to: ConfigurationIDs(grid, threads: threads))
        let kept = grid.count - change.added.count
        var lines = ["\(existing.configurations) configurations then, \(grid.count) now: \(change.added.count) added, \(change.removed.count) removed, \(kept) kept"]
        for index in change.added.prefix(3) { lines.append("  added: index \(index) \(grid.configuration(index).canonicalJSON)") }
        for index in change.removed.prefix(3) { lines.append("  removed: \(old.configuration(index).canonicalJSON)") }
        return lines.joined(separator: "\n")
    }
}

/// Writes `bytes` to `path` through a temporary file and a rename, so readers see the old or the new file.
func atomicWrite(_ path: String, _ bytes: [UInt8], suffix: String) throws {
    let temporary = path + suffix
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw ResultsError.cannotWrite(path: temporary, reason: String(cString: strerror(errno))) }
    defer { close(descriptor) }
    try bytes.withUnsafeBytes { raw in
        var offset = 0
        while offset < raw.count {
            let written = Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw ResultsError.cannotWrite(path: temporary, reason: String(cString: strerror(errno)))
            }
            offset += written
        }
    }
    guard fsync(descriptor) == 0 else { throw ResultsError.cannotWrite(path: temporary, reason: "fsync failed") }
    try rename(temporary, to: path)
    try syncDirectory(of: path)
}

private func rename(_ from: String, to: String) throws {
    guard Glibc.rename(from, to) == 0 else {
        throw ResultsError.cannotWrite(path: to, reason: String(cString: strerror(errno)))
    }
}
