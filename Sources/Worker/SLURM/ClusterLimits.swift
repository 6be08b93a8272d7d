// The cluster's limits that shape submissions, read once from `scontrol show config`.
import Foundation

public enum ClusterLimits {
    /// SLURM's default MaxArraySize.
    public static let defaultMaxArraySize = 1001

    /// MaxArraySize from `scontrol show config` text, or nil if it is not there.
    public static func maxArraySize(fromConfig text: String) -> Int? {
        for line in text.split(separator: "\n") where line.hasPrefix("MaxArraySize") {
            if let value = line.split(separator: "=").last?.trimmingCharacters(in: .whitespaces), let size = Int(value), size >= 1 {
                return size
            }
        }
        return nil
    }

    /// The running cluster's MaxArraySize (SLURM's default when scontrol cannot say).
    public static func maxArraySize() -> Int {
        guard let output = try? run(["scontrol", "show", "config"]) else { return defaultMaxArraySize }
        return maxArraySize(fromConfig: output) ?? defaultMaxArraySize
    }

    /// Runs a command given as an argument vector (never through a shell) and returns its standard output.
    static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw SubmitError.commandFailed(arguments.joined(separator: " "), process.terminationStatus, "")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
