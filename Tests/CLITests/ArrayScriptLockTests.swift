// scripts/array.sh's build lock: a lock left by a task that died on this host is taken over at once,
// not waited on for an hour. A fake `swift` on PATH "builds" by linking the tested binary into place.
import Foundation
import Testing
import TestSupport

@Suite struct ArrayScriptLockTests {
    @Test func aLockLeftByADeadTaskOnThisHostIsTakenOverAtOnce() throws {
        let folder = try TemporaryFolder("buildlock")
        try folder.write("Package.swift", "// stands for the repository\n")
        try folder.write("bin/swift", """
            #!/bin/sh
            # swift build … --scratch-path DIR …: put a sweep binary where the release build would go.
            while [ $# -gt 0 ]; do [ "$1" = --scratch-path ] && dir=$2; shift; done
            mkdir -p "$dir/release" && ln -sf \(sweepBinary.path) "$dir/release/sweep"

            """)
        chmod(folder.path + "/bin/swift", 0o755)
        let grid = try folder.write("g.json", #"""
            {"name": "lockgrid", "fixed": {"dataset": "blobs", "model": "logreg", "optimizer": "sgd", "lr": 0.1, "epochs": 1}}
            """#)
        // The lock of a task on this host whose process is gone.
        let lock = folder.path + "/.build.lock"
        try FileManager.default.createDirectory(atPath: lock, withIntermediateDirectories: true)
        let hostname = try String(contentsOfFile: "/proc/sys/kernel/hostname", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        try "\(hostname) 999999999\n".write(toFile: lock + "/holder", atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Repository.path("scripts/array.sh"), grid, "--results", folder.path + "/results"]
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SLURM_") && $0.key != "SWEEP_BINARY" }
        environment["SWEEP_HOME"] = folder.path
        environment["PATH"] = folder.path + "/bin:" + (environment["PATH"] ?? "/usr/bin:/bin")
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let finished = waitUntil(seconds: 60) { !process.isRunning }
        if !finished { process.terminate() }
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(finished, "array.sh waited on the dead task's lock")
        #expect(process.terminationStatus == 0, "\(stderr)")
        #expect(stderr.contains("taking over the build lock .build.lock left by \(hostname) 999999999"), "\(stderr)")
        #expect(!FileManager.default.fileExists(atPath: lock))
    }
}
