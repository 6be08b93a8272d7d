// Writes configurations as JSON lines, `{"index":i,"id":"…","config":{…}}`, as fast as the machine
// allows: each line is assembled from the expansion plan's fragments, its id hashed in place, and chunks
// of the index range formatted on several threads and written in order.
import Dispatch

extension Grid {
    /// Appends configuration `index` as one JSON line (with its trailing newline) to `out`.
    public func appendJSONLine(_ index: Int, to out: inout [UInt8]) {
        let buffer = ByteBuffer(capacity: 256)
        writeJSONLine(index, to: buffer, plan: plan)
        out.append(contentsOf: buffer.bytes)
    }

    /// Writes the lines of `indices` in order through `write`, formatting on up to `threads` threads.
    /// `write` is called on the calling thread only, with consecutive chunks of the output.
    public func writeJSONLines(_ indices: StrideTo<Int>, threads: Int,
                               write: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        let chunk = 4096
        let workers = max(1, threads)
        let plan = self.plan
        let buffers = (0..<workers).map { _ in ByteBuffer(capacity: chunk * 256) }
        var iterator = indices.makeIterator()
        var chunks = [[Int]](repeating: [], count: workers)
        while true {
            // The next chunks of indices, taken from the stride without materialising it all.
            var filled = 0
            for worker in 0..<workers {
                chunks[worker].removeAll(keepingCapacity: true)
                while chunks[worker].count < chunk, let index = iterator.next() { chunks[worker].append(index) }
                if chunks[worker].isEmpty { break }
                filled += 1
            }
            if filled == 0 { return }
            let format = { (worker: Int) in
                buffers[worker].removeAll()
                for index in chunks[worker] { self.writeJSONLine(index, to: buffers[worker], plan: plan) }
            }
            if filled == 1 { format(0) } else { DispatchQueue.concurrentPerform(iterations: filled, execute: format) }
            for worker in 0..<filled { try write(buffers[worker].bytes) }
        }
    }

    /// One line into `buffer`: the fixed parts, the canonical configuration, then its SHA-256 over it.
    private func writeJSONLine(_ index: Int, to buffer: ByteBuffer, plan: ExpansionPlan) {
        let out = buffer.reserve(JSONLine.fixedLength + 20 + plan.maxCanonicalLength)
        var n = JSONLine.indexPrefix.copy(to: out)
        n += writeDecimal(index, to: out + n)
        n += JSONLine.idPrefix.copy(to: out + n)
        let id = out + n
        n += 64
        n += JSONLine.configPrefix.copy(to: out + n)
        let (leaf, local, seed) = locate(index)
        let length = plan.write(leaf: leaf, local: local, seed: seed, to: out + n)
        SHA256.hex(UnsafePointer(out + n), count: length, into: id)
        n += length
        n += JSONLine.suffix.copy(to: out + n)
        buffer.commit(n)
    }
}

/// The fixed parts of an expansion line.
private enum JSONLine {
    static let indexPrefix = Fragment(#"{"index":"#)
    static let idPrefix = Fragment(#","id":""#)
    static let configPrefix = Fragment(#"","config":"#)
    static let suffix = Fragment("}\n")
    static let fixedLength = indexPrefix.count + idPrefix.count + 64 + configPrefix.count + suffix.count

    /// A constant string's bytes at a stable address.
    struct Fragment {
        let bytes: UnsafeMutablePointer<UInt8>
        let count: Int
        init(_ text: String) {
            let utf8 = Array(text.utf8)
            count = utf8.count
            bytes = .allocate(capacity: count)
            bytes.initialize(from: utf8, count: count)
        }
        @inline(__always) func copy(to out: UnsafeMutablePointer<UInt8>) -> Int {
            out.update(from: bytes, count: count)
            return count
        }
    }
}

/// Writes the decimal digits of a non-negative integer at `out`; returns how many.
@inline(__always) func writeDecimal(_ value: Int, to out: UnsafeMutablePointer<UInt8>) -> Int {
    var digits = 1, bound = 10
    while value >= bound && digits < 19 { digits += 1; bound = bound &* 10 }
    var v = value
    for position in stride(from: digits - 1, through: 0, by: -1) {
        out[position] = UInt8(ascii: "0") + UInt8(v % 10)
        v /= 10
    }
    return digits
}
