// Asks SLURM's queue once about the user's array tasks: one `squeue` process with an argument vector
// (no shell), a time limit, and no complaint when SLURM is not installed. Status calls it at most once
// per invocation, so a user running `watch sweep status` costs the controller one query per refresh.
import Foundation
import SweepCore

/// What one squeue call gave.
enum QueueAnswer {
    /// squeue is not on PATH: nothing to say.
    case unavailable
    case failed(String)
    case listed(QueueSnapshot)
}

/// Runs `squeue` (found on PATH) for the current user's array tasks and keeps those of `sweep`.
func querySqueue(sweep: String, arrayJobIDs: Set<String>, timeout: TimeInterval = 15) -> QueueAnswer {
    let environment = ProcessInfo.processInfo.environment
    let searchPath = environment["PATH"] ?? "/usr/bin:/bin"
    guard let executable = searchPath.split(separator: ":").map({ "\($0)/squeue" })
        .first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return .unavailable }
    let user = environment["USER"].flatMap { $0.isEmpty ? nil : $0 }
        ?? getpwuid(getuid()).flatMap { String(cString: $0.pointee.pw_name) } ?? String(getuid())

    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = QueueSnapshot.arguments(user: user)
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    let finished = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in finished.signal() }
    do {
        try process.run()
    } catch {
        return .failed("cannot start \(executable): \(error.localizedDescription)")
    }
    // Read both pipes while squeue runs, so a long listing cannot fill a pipe and stall it.
    let outData = Collected(), errData = Collected()
    let reading = DispatchGroup()
    for (pipe, collected) in [(out, outData), (err, errData)] {
        reading.enter()
        DispatchQueue.global().async { collected.data = pipe.fileHandleForReading.readDataToEndOfFile(); reading.leave() }
    }
    if finished.wait(timeout: .now() + timeout) == .timedOut {
        process.terminate()
        finished.wait()
        reading.wait()
        return .failed("no answer within \(Int(timeout)) s (slurmctld busy or down?)")
    }
    reading.wait()
    guard process.terminationStatus == 0 else {
        let message = String(decoding: errData.data, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        return .failed("exit \(process.terminationStatus)" + (message.isEmpty ? "" : ": " + message))
    }
    return .listed(QueueSnapshot(squeueOutput: String(decoding: outData.data, as: UTF8.self), sweep: sweep, arrayJobIDs: arrayJobIDs))
}

/// A pipe's bytes, filled by one reader thread and read after `DispatchGroup.wait` (which orders the two).
private final class Collected: @unchecked Sendable {
    var data = Data()
}
