// Writes configurations as JSON lines, `{"index":i,"id":"…","config":{…}}`, as fast as the machine
// allows: lines are assembled from pre-encoded fragments, ids hashed in place, and chunks of the index
// range formatted on several threads and written in order.
import Dispatch

extension Grid {
    /// Appends configuration `index` as one JSON line (with its trailing newline) to `out`.
    public func appendJSONLine(_ index: Int, to out: inout [UInt8]) {
        out.append(contentsOf: GridLine.indexPrefix)
        appendDecimal(index, to: &out)
        out.append(contentsOf: GridLine.idPrefix)
        let idStart = out.count
        out.append(contentsOf: GridLine.placeholderID)
        out.append(contentsOf: GridLine.configPrefix)
        let configStart = out.count
        appendCanonical(index, to: &out)
        let configEnd = out.count
        out.withUnsafeMutableBufferPointer { buffer in
            SHA256.hex(UnsafePointer(buffer.baseAddress! + configStart), count: configEnd - configStart,
                       into: buffer.baseAddress! + idStart)
        }
        out.append(contentsOf: GridLine.suffix)
    }

    /// Writes the lines of `indices` in order through `write`, formatting on up to `threads` threads.
    /// `write` receives consecutive byte chunks; it is called on the calling thread only.
    public func writeJSONLines(_ indices: StrideTo<Int>, threads: Int, write: ([UInt8]) throws -> Void) rethrows {
        let chunk = 2048
        let workers = max(1, threads)
        var iterator = indices.makeIterator()
        var buffers = [[UInt8]](repeating: [], count: workers)
        while true {
            // The next `workers` chunks of indices, taken from the stride without materialising it all.
            var chunks: [[Int]] = []
            for _ in 0..<workers {
                var part: [Int] = []
                part.reserveCapacity(chunk)
                while part.count < chunk, let index = iterator.next() { part.append(index) }
                if part.isEmpty { break }
                chunks.append(part)
            }
            if chunks.isEmpty { return }
            if chunks.count == 1 || workers == 1 {
                for part in chunks {
                    buffers[0].removeAll(keepingCapacity: true)
                    for index in part { appendJSONLine(index, to: &buffers[0]) }
                    try write(buffers[0])
                }
                continue
            }
            buffers.withUnsafeMutableBufferPointer { slots in
                let slotPointer = slots.baseAddress!
                DispatchQueue.concurrentPerform(iterations: chunks.count) { worker in
                    slotPointer[worker].removeAll(keepingCapacity: true)
                    for index in chunks[worker] { appendJSONLine(index, to: &slotPointer[worker]) }
                }
            }
            for worker in 0..<chunks.count { try write(buffers[worker]) }
        }
    }
}

/// The fixed parts of an expansion line.
private enum GridLine {
    static let indexPrefix = Array(#"{"index":"#.utf8)
    static let idPrefix = Array(#","id":""#.utf8)
    static let placeholderID = [UInt8](repeating: UInt8(ascii: "0"), count: 64)
    static let configPrefix = Array(#"","config":"#.utf8)
    static let suffix = Array("}\n".utf8)
}

/// Appends the decimal digits of a non-negative integer.
@inline(__always) func appendDecimal(_ value: Int, to out: inout [UInt8]) {
    if value < 10 { out.append(UInt8(ascii: "0") + UInt8(value)); return }
    var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                 UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    withUnsafeMutableBytes(of: &digits) { raw in
        var v = value, n = 0
        while v > 0 { raw[19 - n] = UInt8(ascii: "0") + UInt8(v % 10); v /= 10; n += 1 }
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[(20 - n)...]))
    }
}
