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
    /// The file's length after the last complete line: where a failed write is cut back to.
    private var length: Int
    /// write(2), replaceable by tests that inject short writes and a full disk.
    let writeBytes: (Int32, UnsafeRawPointer, Int) -> Int

    /// Opens (creating if needed) the shard at `path` for appending.
    public convenience init(path: String) throws {
        try self.init(path: path, descriptor: Self.open(path, exclusive: false)!)
    }

    /// Creates a new shard at `path`, or, if that name is taken (a process id reused, say, in a PID
    /// namespace), at `path` with `.2`, `.3`… before `.jsonl`: a writer never appends to a file another
    /// one left, whose last line may be torn. The directory entry is flushed to disk.
    public convenience init(creating path: String) throws {
        let base = path.hasSuffix(".jsonl") ? String(path.dropLast(6)) : path
        var created: (path: String, descriptor: Int32)?
        for attempt in 1...1000 where created == nil {
            let candidate = attempt == 1 ? path : "\(base).\(attempt).jsonl"
            created = try Self.open(candidate, exclusive: true).map { (candidate, $0) }
        }
        guard let created else { throw ResultsError.cannotWrite(path: path, reason: "1000 shards of this name exist already") }
        try self.init(path: created.path, descriptor: created.descriptor)
        try syncDirectory(of: created.path)
    }

    init(path: String, descriptor: Int32, write: @escaping (Int32, UnsafeRawPointer, Int) -> Int = { Glibc.write($0, $1, $2) }) throws {
        self.path = path
        self.descriptor = descriptor
        writeBytes = write
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            close(descriptor)
            throw ResultsError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
        }
        length = Int(info.st_size)
    }

    /// Opens `path` for appending; with `exclusive`, only if it does not exist yet (nil if it does).
    static func open(_ path: String, exclusive: Bool) throws -> Int32? {
        let descriptor = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | (exclusive ? O_EXCL : 0), 0o644)
        if descriptor < 0 && exclusive && errno == EEXIST { return nil }
        guard descriptor >= 0 else { throw ResultsError.cannotWrite(path: path, reason: String(cString: strerror(errno))) }
        return descriptor
    }

    deinit { close(descriptor) }

    /// Appends one record with a single write; `durable` also flushes it to disk (final records).
    public func append(_ record: ResultRecord, durable: Bool = false) throws {
        try append(line: record.line, durable: durable)
    }

    /// Appends one complete line (it must end with a newline). If the write fails part-way (a full
    /// disk, a quota), the partial line is cut off again, so the shard stays whole lines.
    public func append(line: [UInt8], durable: Bool = false) throws {
        precondition(line.last == UInt8(ascii: "\n"), "a record line must end with a newline")
        try line.withUnsafeBytes { raw in
            var offset = 0
            // A regular file takes the whole line in one call; the loop only covers a full disk or a
            // signal arriving mid-write, where a short write would otherwise lose the rest.
            while offset < raw.count {
                let written = writeBytes(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    let reason = errno
                    if reason == EINTR { continue }
                    throw ResultsError.cannotWrite(path: path, reason: String(cString: strerror(reason)) + cutBack(written: offset))
                }
                offset += written
            }
        }
        length += line.count
        if durable, fsync(descriptor) != 0 {
            throw ResultsError.cannotWrite(path: path, reason: "fsync: " + String(cString: strerror(errno)))
        }
    }

    /// Removes the `written` bytes of a line that could not be finished; says what became of them.
    private func cutBack(written: Int) -> String {
        guard written > 0 else { return "" }
        if ftruncate(descriptor, off_t(length)) == 0 { return " (the \(written) bytes written of the line were removed again)" }
        return " (and the \(written) bytes written of the line could not be removed: \(String(cString: strerror(errno))); "
            + "readers will report an incomplete line)"
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
