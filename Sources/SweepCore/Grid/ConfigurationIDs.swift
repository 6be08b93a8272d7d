// The configuration ids of a grid, kept as one block of hex digits. An id is hashed the first time it is
// asked for, so reading the results of a million-configuration sweep that has run a few of them hashes
// those few; callers that need every id hash them all at once on several threads. Result readers match a
// record to its configuration by comparing 64 bytes at the record's index, and fall back to a hash table
// of every id only for ids the grid does not have at that index (an edited grid).
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
    /// Every index in a hash table keyed by id (open addressing, -1 for an empty slot): built, with every
    /// id, on the first search by id.
    private var table: [Int32]?

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
    /// first, then the lowest index with that id. Nil when the grid has no such configuration.
    public func index(of id: UnsafeRawBufferPointer, hint: Int) -> Int? {
        guard id.count == Self.length else { return nil }
        if hint >= 0, hint < count, memcmp(idBytes(hint), id.baseAddress!, Self.length) == 0 { return hint }
        var found: Int?
        forEachIndex(of: id.baseAddress!) { index in
            found = index
            return false
        }
        return found
    }

    /// Calls `visit` with each index whose id is the `length` bytes at `id`, lowest first, until it
    /// returns false. Hashes every id not hashed yet.
    func forEachIndex(of id: UnsafeRawPointer, _ visit: (Int) -> Bool) {
        let table = self.table ?? buildTable()
        table.withUnsafeBufferPointer { slots in
            var slot = Self.slot(id, mask: slots.count - 1)
            while slots[slot] >= 0 {
                let index = Int(slots[slot])
                if memcmp(hex + index * Self.length, id, Self.length) == 0, !visit(index) { return }
                slot = (slot + 1) & (slots.count - 1)
            }
        }
    }

    /// Hashes every id and puts every index in the table, in ascending order (so that with linear probing
    /// the lowest index of an id is met first).
    private func buildTable() -> [Int32] {
        hashAll(threads: ProcessInfo.processInfo.activeProcessorCount)
        var capacity = 16
        while capacity < 2 * count { capacity *= 2 }
        var slots = [Int32](repeating: -1, count: capacity)
        for index in 0..<count {
            var slot = Self.slot(hex + index * Self.length, mask: capacity - 1)
            while slots[slot] >= 0 { slot = (slot + 1) & (capacity - 1) }
            slots[slot] = Int32(index)
        }
        table = slots
        return slots
    }

    /// An id's slot: its first 16 hex digits, mixed by a multiplication (Fibonacci hashing).
    @inline(__always)
    private static func slot(_ id: UnsafeRawPointer, mask: Int) -> Int {
        let key = id.loadUnaligned(as: UInt64.self) &+ 31 &* id.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        return Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
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
