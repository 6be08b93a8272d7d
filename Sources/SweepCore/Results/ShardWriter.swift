// Appends records to this writer's own shard. One shard per writing process, so no two processes ever
// append to one file (O_APPEND is not atomic across NFS clients); each record is one write(2) of a whole
// line, so a reader sees whole lines or, after a crash, one incomplete last line.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An open results shard.
public final class ShardWriter {
    public let path: String
    private let descriptor: Int32

    /// Opens (creating if needed) the shard at `path` for appending.
    public init(path: String) throws {
        self.path = path
        descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw ResultsError.cannotWrite(path: path, reason: String(cString: strerror(errno))) }
    }

    deinit { close(descriptor) }

    /// Appends one record with a single write; `durable` also flushes it to disk (final records).
    public func append(_ record: ResultRecord, durable: Bool = false) throws {
        try append(line: record.line, durable: durable)
    }

    /// Appends one complete line (it must end with a newline).
    public func append(line: [UInt8], durable: Bool = false) throws {
        precondition(line.last == UInt8(ascii: "\n"), "a record line must end with a newline")
        try line.withUnsafeBytes { raw in
            var offset = 0
            // A regular file takes the whole line in one call; the loop only covers a full disk or a
            // signal arriving mid-write, where a short write would otherwise lose the rest.
            while offset < raw.count {
                let written = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw ResultsError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
                }
                offset += written
            }
        }
        if durable, fsync(descriptor) != 0 {
            throw ResultsError.cannotWrite(path: path, reason: "fsync: " + String(cString: strerror(errno)))
        }
    }
}

/// A results folder that cannot be used.
public enum ResultsError: Error, Equatable, CustomStringConvertible {
    case cannotWrite(path: String, reason: String)
    case cannotRead(path: String, reason: String)
    case manifestMismatch(String)

    public var description: String {
        switch self {
        case let .cannotWrite(path, reason): return "cannot write \(path): \(reason)"
        case let .cannotRead(path, reason): return "cannot read \(path): \(reason)"
        case let .manifestMismatch(message): return message
        }
    }
}
