// A checkpoint on disk: named arrays of floats, doubles, integers and text, checksummed and written
// atomically (temporary file, fsync, rename), so that a run killed at any instant leaves either the old
// checkpoint or the new one, and a damaged file is recognised rather than loaded.
import Foundation
import SweepCore

/// The contents of one checkpoint: everything needed to continue a run bit for bit.
struct CheckpointFile: Equatable {
    var floats: [String: [Float]] = [:]
    var doubles: [String: [Double]] = [:]
    var integers: [String: [Int64]] = [:]
    var words: [String: [UInt64]] = [:]
    var texts: [String: String] = [:]

    private static let magic = Array("SWEEPCK1".utf8)
    private enum Tag: UInt8 { case float = 0, double, integer, word, text }

    /// Writes the file atomically at `path`.
    func write(to path: String) throws {
        var bytes = CheckpointFile.magic
        func header(_ name: String, _ tag: Tag, _ count: Int) {
            let utf8 = Array(name.utf8)
            append(UInt16(utf8.count), to: &bytes)
            bytes += utf8
            bytes.append(tag.rawValue)
            append(UInt64(count), to: &bytes)
        }
        // Sorted names: the same state always gives the same bytes.
        for name in floats.keys.sorted() { header(name, .float, floats[name]!.count); floats[name]!.forEach { append($0.bitPattern, to: &bytes) } }
        for name in doubles.keys.sorted() { header(name, .double, doubles[name]!.count); doubles[name]!.forEach { append($0.bitPattern, to: &bytes) } }
        for name in integers.keys.sorted() { header(name, .integer, integers[name]!.count); integers[name]!.forEach { append(UInt64(bitPattern: $0), to: &bytes) } }
        for name in words.keys.sorted() { header(name, .word, words[name]!.count); words[name]!.forEach { append($0, to: &bytes) } }
        for name in texts.keys.sorted() { let utf8 = Array(texts[name]!.utf8); header(name, .text, utf8.count); bytes += utf8 }
        bytes += Array(SHA256.hex(bytes).utf8)

        let temporary = path + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw CheckpointError.cannotWrite(path, String(cString: strerror(errno))) }
        var failure: String?
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count, failure == nil {
                let written = Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 { if errno != EINTR { failure = String(cString: strerror(errno)) } } else { offset += written }
            }
        }
        if failure == nil, fsync(descriptor) != 0 { failure = "fsync: " + String(cString: strerror(errno)) }
        close(descriptor)
        if failure == nil, rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary)
            throw CheckpointError.cannotWrite(path, failure)
        }
        // The rename is durable only with its directory.
        do { try syncDirectory(of: path) } catch { throw CheckpointError.cannotWrite(path, "\(error)") }
    }

    /// Reads the file at `path`; throws if it is missing, truncated or damaged.
    static func read(from path: String) throws -> CheckpointFile {
        guard let data = FileManager.default.contents(atPath: path) else { throw CheckpointError.missing(path) }
        let bytes = [UInt8](data)
        guard bytes.count >= magic.count + 64, Array(bytes.prefix(magic.count)) == magic else {
            throw CheckpointError.damaged(path, "not a sweep checkpoint")
        }
        let body = bytes.dropLast(64)
        guard SHA256.hex(body) == String(decoding: bytes.suffix(64), as: UTF8.self) else {
            throw CheckpointError.damaged(path, "checksum mismatch")
        }
        var file = CheckpointFile()
        var offset = magic.count
        func take(_ count: Int) throws -> ArraySlice<UInt8> {
            guard count >= 0, offset + count <= body.count else { throw CheckpointError.damaged(path, "truncated entry") }
            defer { offset += count }
            return body[offset..<offset + count]
        }
        func number<T: FixedWidthInteger>(_: T.Type) throws -> T {
            try take(MemoryLayout<T>.size).reversed().reduce(T(0)) { $0 << 8 | T($1) }
        }
        while offset < body.count {
            let name = String(decoding: try take(Int(try number(UInt16.self))), as: UTF8.self)
            guard let tag = Tag(rawValue: try take(1).first!) else { throw CheckpointError.damaged(path, "unknown entry type") }
            // A count is checked against the bytes left before anything is allocated for it.
            let size = tag == .float ? 4 : tag == .text ? 1 : 8
            let stored = try number(UInt64.self)
            guard stored <= UInt64(body.count - offset) / UInt64(size) else {
                throw CheckpointError.damaged(path, "entry \(name) claims \(stored) values, more than the file holds")
            }
            let count = Int(stored)
            switch tag {
            case .float: file.floats[name] = try (0..<count).map { _ in Float(bitPattern: try number(UInt32.self)) }
            case .double: file.doubles[name] = try (0..<count).map { _ in Double(bitPattern: try number(UInt64.self)) }
            case .integer: file.integers[name] = try (0..<count).map { _ in Int64(bitPattern: try number(UInt64.self)) }
            case .word: file.words[name] = try (0..<count).map { _ in try number(UInt64.self) }
            case .text: file.texts[name] = String(decoding: try take(count), as: UTF8.self)
            }
        }
        return file
    }
}

/// Appends an integer's little-endian bytes.
private func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
    var little = value.littleEndian
    withUnsafeBytes(of: &little) { bytes.append(contentsOf: $0) }
}

/// A checkpoint that cannot be written or used.
enum CheckpointError: Error, Equatable, CustomStringConvertible {
    case cannotWrite(String, String)
    case missing(String)
    case damaged(String, String)
    /// The checkpoint exists but does not fit (another configuration, optimizer or model shape).
    case mismatch(String, String)

    var description: String {
        switch self {
        case let .cannotWrite(path, reason): return "cannot write checkpoint \(path): \(reason)"
        case let .missing(path): return "no checkpoint at \(path)"
        case let .damaged(path, reason): return "checkpoint \(path) is damaged (\(reason))"
        case let .mismatch(path, reason): return "checkpoint \(path) does not fit this run: \(reason)"
        }
    }
}
