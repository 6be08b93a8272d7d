// The configuration ids of a grid, kept as one block of hex digits. An id is hashed the first time it is
// asked for, so reading the results of a million-configuration sweep that has run a few of them hashes
// those few; callers that need every id hash them all at once on several threads. Result readers match a
// record to its configuration by comparing 64 bytes at the record's index, and fall back to a search by
// id only for ids the grid does not have at that index (an edited grid).
import Dispatch
import Foundation

/// The ids of all configurations of a grid, by index. Not for sharing between threads: asking for an id
/// may write it.
public final class ConfigurationIDs {
    /// Hex characters in an id (SHA-256).
    public static let length = 64
    public let count: Int
    private let grid: Grid
    /// `count` ids of `length` bytes each, back to back, each written when first hashed. The block is
    /// allocated whole but untouched, so the pages of ids never hashed take no memory.
    private let hex: UnsafeMutablePointer<UInt8>
    /// Whether id `i` is in `hex` yet; nil once every id is.
    private var hashed: [Bool]?
    /// Every index, ordered by id: built (with every id) on the first search by id.
    private var byID: [Int32]?

    /// The ids of `grid`, none hashed yet.
    public init(_ grid: Grid) {
        self.grid = grid
        count = grid.count
        hex = .allocate(capacity: max(1, count * Self.length))
        hashed = [Bool](repeating: false, count: count)
    }

    /// The ids of `grid`, every one hashed now on up to `threads` threads.
    public convenience init(_ grid: Grid, threads: Int) {
        self.init(grid)
        hashAll(threads: threads)
    }

    /// The ids of `grid` read back from its frozen expansion (`configurations.jsonl` as `writeJSONLines`
    /// writes it) instead of hashed again. Nil unless the file holds one line per index, in order, each
    /// with its index and a 64-digit id where the writer puts them (its checksum is not recomputed: that
    /// would cost as much as hashing).
    public convenience init?(_ grid: Grid, expansion path: String) {
        self.init(grid)
        guard readIDs(expansion: path) else { return nil }
        hashed = nil
    }

    deinit { hex.deallocate() }

    /// The id of configuration `index`.
    public func id(_ index: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: idBytes(index), count: Self.length), as: UTF8.self)
    }

    /// The index of the configuration whose id is `id`: `hint` (the index a record names) is tried
    /// first. Nil when the grid has no such configuration.
    public func index(of id: UnsafeRawBufferPointer, hint: Int) -> Int? {
        guard id.count == Self.length else { return nil }
        if hint >= 0, hint < count, memcmp(idBytes(hint), id.baseAddress!, Self.length) == 0 { return hint }
        let order = sortedByID()
        var low = 0, high = order.count
        while low < high {
            let mid = (low + high) / 2
            if memcmp(hex + Int(order[mid]) * Self.length, id.baseAddress!, Self.length) < 0 { low = mid + 1 } else { high = mid }
        }
        guard low < order.count, memcmp(hex + Int(order[low]) * Self.length, id.baseAddress!, Self.length) == 0 else { return nil }
        return Int(order[low])
    }

    /// Every index, ordered by id (equal ids by index). Hashes every id not hashed yet.
    func sortedByID() -> [Int32] {
        if let byID { return byID }
        hashAll(threads: ProcessInfo.processInfo.activeProcessorCount)
        let hex = self.hex
        // The first 8 bytes, read big-endian, order ids as memcmp does; the rest only breaks ties.
        let keys = (0..<count).map { UInt64(bigEndian: UnsafeRawPointer(hex + $0 * Self.length).loadUnaligned(as: UInt64.self)) }
        let order = (0..<Int32(count)).sorted { a, b in
            let ka = keys[Int(a)], kb = keys[Int(b)]
            if ka != kb { return ka < kb }
            let order = memcmp(hex + Int(a) * Self.length, hex + Int(b) * Self.length, Self.length)
            return order != 0 ? order < 0 : a < b
        }
        byID = order
        return order
    }

    /// The 64 hex bytes of id `index`, hashed now if they were not yet.
    func idBytes(_ index: Int) -> UnsafePointer<UInt8> {
        precondition(index >= 0 && index < count, "configuration \(index) of \(count)")
        let out = hex + index * Self.length
        if hashed != nil, !hashed![index] {
            var canonical: [UInt8] = []
            grid.appendCanonical(index, to: &canonical)
            canonical.withUnsafeBufferPointer { SHA256.hex($0.baseAddress!, count: $0.count, into: out) }
            hashed![index] = true
        }
        return UnsafePointer(out)
    }

    /// Streams the expansion in blocks (it is about 270 bytes a configuration, so it is never held whole),
    /// copying each line's id into place. False at the first line out of place.
    private func readIDs(expansion path: String) -> Bool {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        // Room for several of the longest lines the grid can have, so a complete line always fits.
        let capacity = max(1 << 20, 4 * (grid.plan.maxCanonicalLength + 256))
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        var filled = 0, next = 0
        while true {
            let received = read(descriptor, buffer + filled, capacity - filled)
            if received < 0 {
                if errno == EINTR { continue }
                return false
            }
            if received == 0 { return filled == 0 && next == count }
            filled += received
            var start = 0
            while let newline = memchr(buffer + start, Int32(UInt8(ascii: "\n")), filled - start) {
                let end = UnsafeMutableRawPointer(buffer).distance(to: newline)
                guard next < count, copyID(UnsafeBufferPointer(start: buffer + start, count: end - start), index: next) else { return false }
                next += 1
                start = end + 1
            }
            guard start > 0 || filled < capacity else { return false }
            memmove(buffer, buffer + start, filled - start)
            filled -= start
        }
    }

    private static let indexPrefix = Array(#"{"index":"#.utf8), idPrefix = Array(#","id":""#.utf8)

    /// Copies the id of expansion line `line` (`{"index":N,"id":"…",…`) to its place if N is `index`.
    private func copyID(_ line: UnsafeBufferPointer<UInt8>, index: Int) -> Bool {
        let indexPrefix = Self.indexPrefix, idPrefix = Self.idPrefix
        var position = indexPrefix.count
        guard line.count > position, line.starts(with: indexPrefix) else { return false }
        var number = 0
        while position < line.count, line[position] >= UInt8(ascii: "0"), line[position] <= UInt8(ascii: "9"), number <= index {
            number = number * 10 + Int(line[position] - UInt8(ascii: "0"))
            position += 1
        }
        guard number == index, line.count >= position + idPrefix.count + Self.length,
              line[position..<(position + idPrefix.count)].elementsEqual(idPrefix) else { return false }
        position += idPrefix.count
        let id = line[position..<(position + Self.length)]
        guard id.allSatisfy({ ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f")) })
        else { return false }
        (hex + index * Self.length).update(from: line.baseAddress! + position, count: Self.length)
        return true
    }

    /// Hashes every id not hashed yet, on up to `threads` threads.
    private func hashAll(threads: Int) {
        guard let done = hashed else { return }
        let chunk = 8192
        let chunks = (count + chunk - 1) / chunk
        let out = hex, grid = self.grid
        let hashChunk = { (c: Int) in
            var canonical: [UInt8] = []
            for index in (c * chunk)..<min(grid.count, (c + 1) * chunk) where !done[index] {
                canonical.removeAll(keepingCapacity: true)
                grid.appendCanonical(index, to: &canonical)
                canonical.withUnsafeBufferPointer { SHA256.hex($0.baseAddress!, count: $0.count, into: out + index * Self.length) }
            }
        }
        if threads <= 1 || chunks <= 1 {
            for c in 0..<chunks { hashChunk(c) }
        } else {
            DispatchQueue.concurrentPerform(iterations: chunks, execute: hashChunk)
        }
        hashed = nil
    }
}
