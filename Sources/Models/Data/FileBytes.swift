// Reading a data file into memory in one piece, gzip or not. Every reader parses from the bytes this
// returns, so compression is decided here once, by the file's first two bytes and not by its name.
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Whole-file reads with transparent gzip decompression.
public enum FileBytes {
    /// The contents of `path`, inflated when the file is gzip-compressed (it starts with `1f 8b`).
    /// - Throws: `DataError` `.unreadable` (with the system's reason) or `.gzip` (corrupt or truncated).
    public static func read(_ path: String) throws -> [UInt8] {
        let raw = try readRaw(path)
        return Gzip.isCompressed(raw) ? try Gzip.inflate(raw, file: path) : raw
    }

    /// The file's bytes as stored.
    public static func readRaw(_ path: String) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw DataError(.unreadable(reason: systemReason()), file: path) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw DataError(.unreadable(reason: systemReason()), file: path) }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw DataError(.unreadable(reason: "not a regular file"), file: path)
        }
        let size = Int(status.st_size)
        var failure: String?
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var done = 0
            while done < size {
                let got = systemRead(descriptor, buffer.baseAddress! + done, size - done)
                if got < 0 && errno == EINTR { continue }
                if got <= 0 {
                    failure = got == 0 ? "the file shrank while being read" : systemReason()
                    break
                }
                done += got
            }
            initialized = done
        }
        if let failure { throw DataError(.unreadable(reason: failure), file: path) }
        return bytes
    }

    private static func systemReason() -> String { String(cString: strerror(errno)) }
}

// `read` is also the name of the static method above; this function reaches the system call.
@inline(__always) private func systemRead(_ fd: Int32, _ buffer: UnsafeMutablePointer<UInt8>, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.read(fd, buffer, count)
    #else
    return Darwin.read(fd, buffer, count)
    #endif
}
