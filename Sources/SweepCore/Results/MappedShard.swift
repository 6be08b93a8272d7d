// One shard file mapped into memory, and its lines found with memchr: a million-record folder is read
// at the speed of the page cache, and a line can be found again later from its offset alone (status
// reads most lines only up to their fourth member and comes back to the few it must read in full).
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A shard's bytes, mapped read-only for as long as the value lives.
public final class MappedShard {
    public let path: String
    /// The file's bytes (empty for an empty file).
    public let bytes: UnsafeRawBufferPointer
    private let mapped: Bool

    /// Maps the file at `path`.
    public init(path: String) throws {
        self.path = path
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw ResultsError.cannotRead(path: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw ResultsError.cannotRead(path: path, reason: String(cString: strerror(errno)))
        }
        let size = Int(info.st_size)
        // mmap refuses a length of 0; an empty shard (a writer that opened and was killed) has no lines.
        guard size > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            mapped = false
            return
        }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), base != MAP_FAILED else {
            throw ResultsError.cannotRead(path: path, reason: "mmap: " + String(cString: strerror(errno)))
        }
        _ = madvise(base, size, MADV_SEQUENTIAL)
        bytes = UnsafeRawBufferPointer(start: base, count: size)
        mapped = true
    }

    deinit {
        if mapped { munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress!), bytes.count) }
    }

    /// Calls `visit` with each complete, non-empty line (without its newline), its byte offset and its
    /// 1-based line number; returns the problem if the last line has no newline (its writer stopped).
    public func forEachLine(_ visit: (_ line: UnsafeRawBufferPointer, _ offset: Int, _ number: Int) throws -> Void) rethrows -> ShardProblem? {
        guard let base = bytes.baseAddress else { return nil }
        let count = bytes.count
        var start = 0, number = 0
        while start < count {
            number += 1
            guard let newline = memchr(base + start, 0x0A, count - start) else {
                return ShardProblem(kind: .incompleteLastLine, file: path, line: number,
                                    detail: "\(count - start) bytes without a newline")
            }
            let end = base.distance(to: UnsafeRawPointer(newline))
            if end > start { try visit(UnsafeRawBufferPointer(start: base + start, count: end - start), start, number) }
            start = end + 1
        }
        return nil
    }

    /// The line that starts at `offset` (without its newline).
    public func line(at offset: Int) -> UnsafeRawBufferPointer {
        precondition(offset >= 0 && offset < bytes.count, "line offset \(offset) outside \(path) (\(bytes.count) bytes)")
        let base = bytes.baseAddress!
        let end = memchr(base + offset, 0x0A, bytes.count - offset).map { base.distance(to: UnsafeRawPointer($0)) } ?? bytes.count
        return UnsafeRawBufferPointer(start: base + offset, count: end - offset)
    }
}
