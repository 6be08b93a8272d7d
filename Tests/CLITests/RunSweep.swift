import Foundation
import TestSupport

/// What one run of the built `sweep` binary printed and returned.
struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// The `sweep` binary built next to the test bundle.
let sweepBinary: URL = {
    let productsFolder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let candidates = [productsFolder, productsFolder.deletingLastPathComponent()]
    return candidates.map { $0.appendingPathComponent("sweep") }
        .first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0].appendingPathComponent("sweep")
}()

/// Runs `sweep` with the arguments, in `directory` (the repository by default), and waits for it.
func runSweep(_ arguments: [String], in directory: String = Repository.root.path,
              environment: [String: String] = [:]) throws -> ProcessResult {
    let process = Process()
    process.executableURL = sweepBinary
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Read both pipes before waiting, so a large output cannot fill a pipe and block the child.
    final class Collected: @unchecked Sendable { var data = Data() }
    let errors = Collected()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async { errors.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    let output = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return ProcessResult(status: process.terminationStatus, stdout: String(decoding: output, as: UTF8.self),
                         stderr: String(decoding: errors.data, as: UTF8.self))
}
