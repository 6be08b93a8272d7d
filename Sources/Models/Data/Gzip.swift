// gzip decompression through the system zlib (the `CZlib` module map). One `inflate` call over the whole
// file into a buffer sized from the gzip trailer, so loading a compressed dataset costs the inflation and
// almost nothing else.
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
        // The trailer's ISIZE is the uncompressed size mod 2³² (of the last member): exact for every
        // dataset file, and only a first guess otherwise, since the buffer grows when it is too small. The
        // buffer is malloc'd and not zero-filled, so a bogus guess from a damaged trailer costs address
        // space only; deflate never expands more than 1032-fold, which bounds the guess.
        var capacity = 1 << 16
        if input.count >= 18 {
            let n = input.count
            let isize = Int(input[n - 4]) | Int(input[n - 3]) << 8 | Int(input[n - 2]) << 16 | Int(input[n - 1]) << 24
            capacity = max(capacity, min(isize, 1032 * input.count))
        }
        guard var output = malloc(capacity)?.assumingMemoryBound(to: UInt8.self) else {
            throw DataError(.gzip("cannot allocate \(capacity) bytes"), file: file)
        }
        defer { free(output) }
        var produced = 0

        var stream = z_stream()
        // windowBits 16 + MAX_WBITS: a gzip wrapper (header and CRC-32 trailer), not zlib's own.
        let initStatus = inflateInit2_(&stream, 16 + MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard initStatus == Z_OK else { throw DataError(.gzip("zlib could not start (status \(initStatus))"), file: file) }
        defer { inflateEnd(&stream) }

        try input.withUnsafeBufferPointer { source in
            var consumed = 0  // input bytes handed to zlib so far
            while true {
                if stream.avail_in == 0 && consumed < source.count {
                    let chunk = min(source.count - consumed, Int(UInt32.max))
                    stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress! + consumed)
                    stream.avail_in = UInt32(chunk)
                    consumed += chunk
                }
                if produced == capacity {
                    guard let grown = realloc(output, 2 * capacity) else {
                        throw DataError(.gzip("cannot allocate \(2 * capacity) bytes"), file: file)
                    }
                    output = grown.assumingMemoryBound(to: UInt8.self)
                    capacity *= 2
                }
                let room = min(capacity - produced, Int(UInt32.max))
                stream.next_out = output + produced
                stream.avail_out = UInt32(room)
                let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                produced += room - Int(stream.avail_out)
                switch status {
                case Z_STREAM_END:
                    let left = Int(stream.avail_in) + (source.count - consumed)
                    if left == 0 { return }
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
        return [UInt8](UnsafeBufferPointer(start: output, count: produced))
    }
}
