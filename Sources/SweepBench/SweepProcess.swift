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
/// exit; throws unless it exits 0.
func timeSweep(_ arguments: [String]) throws -> Double { try runSweep(arguments).seconds }

/// Runs `sweep` with `arguments`, output discarded: the wall-clock seconds from spawn to exit and the
/// process's peak resident memory (MiB). Throws unless it exits with `exitStatus`. posix_spawn and
/// wait4, not Foundation's Process, whose wait polls and rounds short runs up to tens of milliseconds
/// and which does not report the child's memory.
func runSweep(_ arguments: [String], exitStatus: Int32 = 0) throws -> (seconds: Double, peakMiB: Double) {
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
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    // A normal exit's code is in bits 8-15 of the wait status; a signal leaves them 0 and sets the low bits.
    guard status & 0x7f == 0, (status >> 8) & 0xff == exitStatus else {
        throw BenchmarkError("sweep \(arguments.joined(separator: " ")) ended with wait status \(status), not exit \(exitStatus)")
    }
    return (seconds, Double(usage.ru_maxrss) / 1024)
}

/// A fresh temporary folder for a benchmark's files.
func benchmarkFolder(_ label: String) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-bench-\(label)-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Runs `sweep` with `arguments` and returns the seconds from spawn until its standard output has given
/// `bytes` bytes (or ended); the process is then killed. How long a user of `| head` waits.
func timeToFirstOutput(_ arguments: [String], bytes: Int) throws -> Double {
    let executable = try sweepExecutable()
    var pipe: [Int32] = [0, 0]
    guard Glibc.pipe(&pipe) == 0 else { throw BenchmarkError("pipe: \(String(cString: strerror(errno)))") }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, pipe[1], 1)
    posix_spawn_file_actions_addclose(&actions, pipe[0])
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let start = DispatchTime.now().uptimeNanoseconds
    guard posix_spawn(&pid, executable, &actions, nil, argv, environ) == 0 else {
        throw BenchmarkError("cannot start \(executable)")
    }
    close(pipe[1])
    var buffer = [UInt8](repeating: 0, count: 65536)
    var received = 0
    while received < bytes {
        let n = read(pipe[0], &buffer, buffer.count)
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { break }
        received += n
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    close(pipe[0])
    kill(pid, SIGKILL)
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    guard received >= bytes else { throw BenchmarkError("sweep \(arguments.joined(separator: " ")) printed only \(received) bytes") }
    return seconds
}
