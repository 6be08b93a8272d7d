// Reading data files into memory in one piece, gzip or not. Every reader parses from the bytes this
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

    /// The contents of `paths` back to back (each inflated if compressed), and each one's length. Plain
    /// files are read straight into one buffer, so a multi-file dataset is not copied a second time.
    public static func readConcatenated(_ paths: [String]) throws -> (bytes: [UInt8], lengths: [Int]) {
        let files = try paths.map(OpenFile.init)
        if try files.contains(where: { try $0.isCompressed() }) {
            let contents = try paths.map(read)
            var bytes: [UInt8] = []
            bytes.reserveCapacity(contents.reduce(0) { $0 + $1.count })
            for content in contents { bytes.append(contentsOf: content) }
            return (bytes, contents.map(\.count))
        }
        let lengths = files.map(\.size)
        let total = lengths.reduce(0, +)
        let bytes = try [UInt8](unsafeUninitializedCapacity: total) { buffer, initialized in
            var offset = 0
            for file in files {
                try file.read(into: UnsafeMutableBufferPointer(rebasing: buffer[offset ..< offset + file.size]))
                offset += file.size
            }
            initialized = total
        }
        return (bytes, lengths)
    }

    /// The file's bytes as stored.
    public static func readRaw(_ path: String) throws -> [UInt8] {
        let file = try OpenFile(path)
        return try [UInt8](unsafeUninitializedCapacity: file.size) { buffer, initialized in
            try file.read(into: buffer)
            initialized = file.size
        }
    }
}

/// A regular file opened for reading, closed when released.
private final class OpenFile {
    let path: String
    let descriptor: Int32
    /// The size when opened.
    let size: Int

    init(_ path: String) throws {
        self.path = path
        descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw DataError(.unreadable(reason: systemReason()), file: path) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let reason = systemReason()
            close(descriptor)
            throw DataError(.unreadable(reason: reason), file: path)
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw DataError(.unreadable(reason: "not a regular file"), file: path)
        }
        size = Int(status.st_size)
    }

    deinit { close(descriptor) }

    /// Whether the file starts with the gzip magic number.
    func isCompressed() throws -> Bool {
        var magic: [UInt8] = [0, 0]
        let got = magic.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress!, 2, 0) }
        guard got >= 0 else { throw DataError(.unreadable(reason: systemReason()), file: path) }
        return got == 2 && Gzip.isCompressed(magic)
    }

    /// Reads the whole file (from its start) into `buffer`, which holds exactly `size` bytes.
    func read(into buffer: UnsafeMutableBufferPointer<UInt8>) throws {
        var done = 0
        while done < buffer.count {
            let got = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(done))
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else {
                throw DataError(.unreadable(reason: got == 0 ? "the file shrank while being read" : systemReason()), file: path)
            }
            done += got
        }
    }
}

private func systemReason() -> String { String(cString: strerror(errno)) }
