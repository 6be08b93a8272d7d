// gzip decompression through the system zlib (the `CZlib` module map). The gzip trailer gives the size of
// the result, so a file is normally inflated straight into the array returned, with one `inflate` call and
// no copy; only when that size is wrong (concatenated members, over 4 GiB, a damaged trailer) does it
// start again into a buffer that grows.
import CZlib
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// gzip (RFC 1952) decompression of whole in-memory files.
public enum Gzip {
    /// Whether `bytes` starts with the gzip magic number `1f 8b`.
    public static func isCompressed(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// The decompressed contents of a gzip file (all members, when several are concatenated).
    /// - Parameter file: the file's name, for error messages.
    /// - Throws: `DataError.Problem.gzip` when the data is corrupt, fails its CRC, or ends early.
    public static func inflate(_ input: [UInt8], file: String) throws -> [UInt8] {
        try input.withUnsafeBufferPointer { source in
            // ISIZE, the trailer's last 4 bytes, is the uncompressed size mod 2³² of the last member: exact
            // for every single-member file under 4 GiB. Deflate never expands more than 1032-fold, which
            // bounds a bogus value; the array's memory is not touched beyond what is written.
            var expected = 0
            if source.count >= 18 {
                let n = source.count
                expected = Int(source[n - 4]) | Int(source[n - 3]) << 8 | Int(source[n - 2]) << 16 | Int(source[n - 1]) << 24
                expected = min(expected, 1032 * n)
            }
            var fitted = true
            let direct = try [UInt8](unsafeUninitializedCapacity: expected) { buffer, initialized in
                var output = buffer.baseAddress
                var capacity = expected
                if let produced = try run(source, file: file, output: &output, capacity: &capacity, grow: nil) {
                    initialized = produced
                } else {
                    initialized = 0
                    fitted = false
                }
            }
            if fitted { return direct }

            var capacity = max(1 << 16, 2 * expected)
            guard var output = malloc(capacity)?.assumingMemoryBound(to: UInt8.self) else {
                throw DataError(.gzip("cannot allocate \(capacity) bytes"), file: file)
            }
            defer { free(output) }
            var optionalOutput: UnsafeMutablePointer<UInt8>? = output
            let produced = try run(source, file: file, output: &optionalOutput, capacity: &capacity) { buffer, size in
                guard let grown = realloc(buffer, 2 * size) else {
                    throw DataError(.gzip("cannot allocate \(2 * size) bytes"), file: file)
                }
                return grown.assumingMemoryBound(to: UInt8.self)
            }
            output = optionalOutput!
            return [UInt8](UnsafeBufferPointer(start: output, count: produced!))
        }
    }

    /// Inflates every member of `source` into `output` (`capacity` bytes). When the output is full, `grow`
    /// moves it into twice the space (and `capacity` doubles); without `grow` the attempt is abandoned and
    /// nil returned. Returns the number of bytes produced.
    private static func run(_ source: UnsafeBufferPointer<UInt8>, file: String, output: inout UnsafeMutablePointer<UInt8>?,
                            capacity: inout Int,
                            grow: ((UnsafeMutablePointer<UInt8>?, Int) throws -> UnsafeMutablePointer<UInt8>)?) throws -> Int? {
        var stream = z_stream()
        // windowBits 16 + MAX_WBITS: a gzip wrapper (header and CRC-32 trailer), not zlib's own.
        let initStatus = inflateInit2_(&stream, 16 + MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard initStatus == Z_OK else { throw DataError(.gzip("zlib could not start (status \(initStatus))"), file: file) }
        defer { inflateEnd(&stream) }
        var consumed = 0  // input bytes handed to zlib so far
        var produced = 0
        while true {
            if stream.avail_in == 0 && consumed < source.count {
                let chunk = min(source.count - consumed, Int(UInt32.max))
                stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress! + consumed)
                stream.avail_in = UInt32(chunk)
                consumed += chunk
            }
            if produced == capacity {
                guard let grow else { return nil }
                output = try grow(output, capacity)
                capacity *= 2
            }
            let room = min(capacity - produced, Int(UInt32.max))
            stream.next_out = output! + produced
            stream.avail_out = UInt32(room)
            let status = CZlib.inflate(&stream, Z_NO_FLUSH)
            produced += room - Int(stream.avail_out)
            switch status {
            case Z_STREAM_END:
                let left = Int(stream.avail_in) + (source.count - consumed)
                if left == 0 { return produced }
                let next = source.count - left
                // Another member follows (as `cat a.gz b.gz` makes); anything else is damage.
                guard left >= 2 && source[next] == 0x1F && source[next + 1] == 0x8B else {
                    throw DataError(.gzip("\(left) stray bytes after the end of the gzip stream"), file: file)
                }
                inflateReset(&stream)
            case Z_OK, Z_BUF_ERROR:
                if stream.avail_out > 0 && stream.avail_in == 0 && consumed == source.count {
                    throw DataError(.gzip("the file ends before the gzip stream does (truncated after "
                                            + "\(produced) decompressed bytes)"), file: file)
                }
            default:
                let reason = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                throw DataError(.gzip(reason + " after \(produced) decompressed bytes"), file: file)
            }
        }
    }
}
