// Long outputs (generated scripts, reports) compared with files under `Tests/Fixtures/snapshots/`, as
// swift-argument-parser's assertSnapshot does: a missing file is recorded and the check fails
// ("recorded a new baseline"); `RECORD_SNAPSHOTS=1` records every snapshot anew.
import Foundation

public enum Snapshot {
    public static let folder = Fixtures.root.appendingPathComponent("snapshots")

    /// Nil when `text` equals the snapshot `name`; otherwise what differs (the first differing line of
    /// each), or that a baseline was recorded.
    public static func mismatch(_ text: String, named name: String) -> String? {
        let url = folder.appendingPathComponent(name)
        let record = ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] != nil
        guard !record, let expected = try? String(contentsOf: url, encoding: .utf8) else {
            try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try? text.write(to: url, atomically: true, encoding: .utf8)
            return "recorded a new baseline in \(url.path): check it and run again"
        }
        guard text != expected else { return nil }
        let actualLines = text.components(separatedBy: "\n"), expectedLines = expected.components(separatedBy: "\n")
        let line = (0..<min(actualLines.count, expectedLines.count)).first { actualLines[$0] != expectedLines[$0] }
            ?? min(actualLines.count, expectedLines.count)
        let actual = line < actualLines.count ? actualLines[line] : "(end)"
        let wanted = line < expectedLines.count ? expectedLines[line] : "(end)"
        return "differs from \(url.path) at line \(line + 1):\n  expected: \(wanted)\n  actual:   \(actual)\n"
            + "(if the change is intended, run with RECORD_SNAPSHOTS=1)"
    }
}
