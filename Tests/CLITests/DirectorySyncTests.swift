// A new shard and a renamed checkpoint are durable only once their directory is flushed: checked on the
// system calls of a real `sweep run` (strace, installed by scripts/setup).
import Foundation
import Testing
import TestSupport

@Suite struct DirectorySyncTests {
    static let strace = "/usr/bin/strace"

    @Test
    func theShardsAndCheckpointsFoldersAreFsyncedAfterNewEntries() throws {
        let folder = try TemporaryFolder("dirsync")
        let grid = try folder.write("g.json", #"""
            {"name": "dirsync", "fixed": {"dataset": "blobs", "model": "logreg", "optimizer": "sgd", "lr": 0.1, "epochs": 2}}
            """#)
        let trace = folder.path + "/trace.txt"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.strace)
        process.arguments = ["-f", "-e", "trace=openat,fsync,close", "-o", trace, sweepBinary.path, "run", grid,
                             "--results", folder.path, "--checkpoint-every", "0"]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let lines = try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n")
        /// Whether `directory` was opened as a directory and that descriptor fsynced before it was closed.
        func synced(_ directory: String) -> Bool {
            lines.indices.contains { i in
                guard lines[i].contains("openat(AT_FDCWD, \"\(directory)\""), lines[i].contains("O_DIRECTORY"),
                      let fd = lines[i].split(separator: "=").last?.trimmingCharacters(in: .whitespaces) else { return false }
                let rest = lines[(i + 1)...]
                let closed = rest.firstIndex { $0.contains("close(\(fd))") } ?? lines.endIndex
                return rest[..<closed].contains { $0.contains("fsync(\(fd))") }
            }
        }
        #expect(synced(folder.path + "/dirsync/shards"), "the shards folder")
        #expect(synced(folder.path + "/dirsync/checkpoints"), "the checkpoints folder")
        #expect(synced(folder.path + "/dirsync"), "the sweep folder (manifest)")
    }
}
