// Benchmarks of whole commands run the `sweep` binary built next to this one, as a user runs it.
import Foundation

/// The `sweep` binary in the same build folder as `sweep-bench`.
func sweepExecutable() throws -> String {
    let own = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    let path = (own as NSString).deletingLastPathComponent + "/sweep"
    guard FileManager.default.isExecutableFile(atPath: path) else {
        throw BenchmarkError("no sweep binary next to sweep-bench (\(path)): swift build -c release first")
    }
    return path
}

/// Runs `sweep` with `arguments`, output discarded, and returns the wall-clock seconds from spawn to
/// exit. posix_spawn and waitpid, not Foundation's Process, whose wait polls and rounds short runs up to
/// tens of milliseconds.
func timeSweep(_ arguments: [String]) throws -> Double {
    let executable = try sweepExecutable()
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let start = DispatchTime.now().uptimeNanoseconds
    guard posix_spawn(&pid, executable, &actions, nil, argv, environ) == 0 else {
        throw BenchmarkError("cannot start \(executable)")
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    guard status == 0 else { throw BenchmarkError("sweep \(arguments.joined(separator: " ")) exited with status \(status)") }
    return seconds
}

/// A fresh temporary folder for a benchmark's files.
func benchmarkFolder(_ label: String) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-bench-\(label)-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
