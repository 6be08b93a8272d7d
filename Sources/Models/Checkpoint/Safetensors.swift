// The safetensors format (huggingface/safetensors): an 8-byte little-endian header length N, N bytes of
// JSON `{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {string: string}}`,
// then the raw little-endian tensor bytes, offsets relative to the end of the header. Read and written
// here without any library; floating types are converted to Float on read.
import Foundation

/// A parsed safetensors file: its tensors' names, types, shapes and bytes.
public struct SafetensorsFile {
    /// One tensor of the file.
    public struct Entry: Equatable, Sendable {
        public var name: String
        /// "F32", "F16", "BF16", "F64", "I64", "I32", "I16", "I8", "U8", "BOOL".
        public var dtype: String
        public var shape: [Int]
        /// Byte range within the data section.
        public var bytes: Range<Int>
        public var count: Int { shape.reduce(1, *) }
    }

    /// Bytes per element of each supported dtype.
    static let elementSizes: [String: Int] = ["F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2,
                                              "I8": 1, "U8": 1, "BOOL": 1]

    /// The tensors in file order (by offset).
    public let entries: [Entry]
    /// `__metadata__`, or empty.
    public let metadata: [String: String]
    /// The file's name, for messages.
    public let file: String
    private let data: Data
    private let dataStart: Int

    /// Reads (memory-maps) `url`.
    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw CheckpointError.malformed(file: url.path, "cannot read it: \(error.localizedDescription)")
        }
        try self.init(data: data, file: url.path)
    }

    /// Parses the bytes of a safetensors file; `file` names it in errors. Checks the header length, the
    /// JSON, every dtype, shape and offset, that the byte ranges fit their shapes and the file, and that
    /// no two tensors overlap.
    public init(data: Data, file: String = "safetensors") throws {
        func fail(_ reason: String) -> CheckpointError { .malformed(file: file, reason) }
        guard data.count >= 8 else { throw fail("\(data.count) bytes, shorter than the 8-byte header length") }
        let headerLength: UInt64 = data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> UInt64 in
            var value: UInt64 = 0
            for i in 0..<8 { value |= UInt64(raw[i]) << (8 * UInt64(i)) }
            return value
        }
        guard headerLength <= UInt64(data.count - 8) else {
            throw fail("header length \(headerLength) exceeds the \(data.count - 8) bytes after it")
        }
        let start = data.startIndex
        let header = data[(start + 8)..<(start + 8 + Int(headerLength))]
        guard let object = try? JSONSerialization.jsonObject(with: header), let json = object as? [String: Any] else {
            throw fail("the header is not a JSON object")
        }
        let dataLength = data.count - 8 - Int(headerLength)
        var entries: [Entry] = []
        var metadata: [String: String] = [:]
        for (name, value) in json {
            if name == "__metadata__" {
                guard let table = value as? [String: Any] else { throw fail("__metadata__ is not an object") }
                for (key, item) in table {
                    guard let text = item as? String else { throw fail("__metadata__.\(key) is not a string") }
                    metadata[key] = text
                }
                continue
            }
            guard let info = value as? [String: Any], let dtype = info["dtype"] as? String,
                  let shape = info["shape"] as? [NSNumber], let offsets = info["data_offsets"] as? [NSNumber] else {
                throw fail("tensor \(name) lacks dtype, shape or data_offsets")
            }
            guard let size = Self.elementSizes[dtype] else { throw fail("tensor \(name) has unsupported dtype \(dtype)") }
            let dims = shape.map { $0.intValue }
            guard dims.allSatisfy({ $0 >= 0 }), offsets.count == 2 else { throw fail("tensor \(name) has a bad shape or offsets") }
            let (begin, end) = (offsets[0].intValue, offsets[1].intValue)
            guard 0 <= begin, begin <= end, end <= dataLength else {
                throw fail("tensor \(name) has offsets [\(begin), \(end)] outside the \(dataLength) data bytes")
            }
            guard end - begin == dims.reduce(1, *) * size else {
                throw fail("tensor \(name): \(end - begin) bytes for shape \(dims) of \(dtype)")
            }
            entries.append(Entry(name: name, dtype: dtype, shape: dims, bytes: begin..<end))
        }
        entries.sort { ($0.bytes.lowerBound, $0.name) < ($1.bytes.lowerBound, $1.name) }
        for (a, b) in zip(entries, entries.dropFirst()) where a.bytes.upperBound > b.bytes.lowerBound {
            throw fail("tensors \(a.name) and \(b.name) overlap")
        }
        self.entries = entries
        self.metadata = metadata
        self.file = file
        self.data = data
        dataStart = 8 + Int(headerLength)
    }

    /// The entry named `name`, if any.
    public func entry(_ name: String) -> Entry? { entries.first { $0.name == name } }

    /// The values of floating tensor `name` as Float (F64 rounded; F16 and BF16 exact).
    public func floats(_ name: String) throws -> [Float] {
        guard let entry = entry(name) else { throw CheckpointError.missingTensor(file: file, name: name) }
        return try floats(entry)
    }

    /// The values of floating `entry` as Float.
    public func floats(_ entry: Entry) throws -> [Float] {
        let count = entry.count
        return try data.withUnsafeBytes { raw -> [Float] in
            let base = raw.baseAddress! + dataStart + entry.bytes.lowerBound
            switch entry.dtype {
            case "F32":
                return (0..<count).map { Float(bitPattern: UInt32(littleEndian: (base + 4 * $0).loadUnaligned(as: UInt32.self))) }
            case "F64":
                return (0..<count).map { Float(Double(bitPattern: UInt64(littleEndian: (base + 8 * $0).loadUnaligned(as: UInt64.self)))) }
            case "F16":
                return (0..<count).map { Float(Float16(bitPattern: UInt16(littleEndian: (base + 2 * $0).loadUnaligned(as: UInt16.self)))) }
            case "BF16":
                return (0..<count).map { Float(bitPattern: UInt32(UInt16(littleEndian: (base + 2 * $0).loadUnaligned(as: UInt16.self))) << 16) }
            default:
                throw CheckpointError.malformed(file: file, "tensor \(entry.name) is \(entry.dtype), not a floating type")
            }
        }
    }

    /// The values of integer tensor `name` (I64, I32, I16, I8, U8, BOOL) as Int.
    public func integers(_ name: String) throws -> [Int] {
        guard let entry = entry(name) else { throw CheckpointError.missingTensor(file: file, name: name) }
        let count = entry.count
        return try data.withUnsafeBytes { raw -> [Int] in
            let base = raw.baseAddress! + dataStart + entry.bytes.lowerBound
            switch entry.dtype {
            case "I64": return (0..<count).map { Int(Int64(littleEndian: (base + 8 * $0).loadUnaligned(as: Int64.self))) }
            case "I32": return (0..<count).map { Int(Int32(littleEndian: (base + 4 * $0).loadUnaligned(as: Int32.self))) }
            case "I16": return (0..<count).map { Int(Int16(littleEndian: (base + 2 * $0).loadUnaligned(as: Int16.self))) }
            case "I8": return (0..<count).map { Int((base + $0).load(as: Int8.self)) }
            case "U8", "BOOL": return (0..<count).map { Int((base + $0).load(as: UInt8.self)) }
            default: throw CheckpointError.malformed(file: file, "tensor \(entry.name) is \(entry.dtype), not an integer type")
            }
        }
    }

    // MARK: - Writing

    /// A tensor to write: F32 values, or I64 values (`integers`) for buffers such as position ids.
    public struct Tensor {
        public var name: String
        public var shape: [Int]
        public var floats: [Float]
        public var integers: [Int64]?
        public init(name: String, shape: [Int], floats: [Float]) {
            self.name = name
            self.shape = shape
            self.floats = floats
        }
        public init(name: String, shape: [Int], integers: [Int64]) {
            self.name = name
            self.shape = shape
            self.floats = []
            self.integers = integers
        }
    }

    /// The bytes of a safetensors file holding `tensors` in order (F32, or I64 for integer tensors) and
    /// `metadata`. The header keeps the tensors' order, and is padded with spaces to a multiple of 8 bytes
    /// so the data is aligned, as the reference writer does.
    public static func encode(_ tensors: [Tensor], metadata: [String: String] = [:]) throws -> Data {
        var names = Set<String>()
        var header = "{"
        var offset = 0
        var parts: [String] = []
        if !metadata.isEmpty {
            let items = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }
            parts.append("\"__metadata__\":{\(items.joined(separator: ","))}")
        }
        for tensor in tensors {
            guard names.insert(tensor.name).inserted, tensor.name != "__metadata__" else {
                throw CheckpointError.malformed(file: "output", "two tensors are named \(tensor.name)")
            }
            let count = tensor.shape.reduce(1, *)
            let (dtype, size) = tensor.integers == nil ? ("F32", 4) : ("I64", 8)
            guard count == (tensor.integers?.count ?? tensor.floats.count) else {
                throw CheckpointError.shapeMismatch(name: tensor.name, got: [tensor.integers?.count ?? tensor.floats.count], expected: tensor.shape)
            }
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            parts.append("\(jsonString(tensor.name)):{\"dtype\":\"\(dtype)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + count * size)]}")
            offset += count * size
        }
        header += parts.joined(separator: ",") + "}"
        var headerBytes = Array(header.utf8)
        while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }
        var out = Data(capacity: 8 + headerBytes.count + offset)
        var length = UInt64(headerBytes.count).littleEndian
        withUnsafeBytes(of: &length) { out.append(contentsOf: $0) }
        out.append(contentsOf: headerBytes)
        for tensor in tensors {
            if let integers = tensor.integers {
                integers.map { $0.littleEndian }.withUnsafeBytes { out.append(contentsOf: $0) }
            } else {
                tensor.floats.map { $0.bitPattern.littleEndian }.withUnsafeBytes { out.append(contentsOf: $0) }
            }
        }
        return out
    }

    /// Writes `encode(tensors, metadata)` to `url` (a temporary file, then a rename).
    public static func write(_ tensors: [Tensor], metadata: [String: String] = [:], to url: URL) throws {
        let data = try encode(tensors, metadata: metadata)
        try data.write(to: url, options: .atomic)
    }

    /// `text` as a JSON string literal.
    private static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
