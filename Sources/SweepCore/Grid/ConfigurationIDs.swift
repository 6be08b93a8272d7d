// Every configuration id of a grid, computed once and kept as one block of hex digits: result readers
// match a record to its configuration by comparing 64 bytes at the record's index, and fall back to a
// dictionary only for ids the grid does not have at that index (an edited grid).
import Dispatch
import Foundation

/// The ids of all configurations of a grid, by index.
public final class ConfigurationIDs: @unchecked Sendable {
    /// Hex characters in an id (SHA-256).
    public static let length = 64
    public let count: Int
    /// `count` ids of `length` bytes each, back to back. Written once in `init`, read-only after.
    private let hex: UnsafeMutablePointer<UInt8>
    private var byID: [String: Int]?

    /// Hashes every configuration of `grid`, on up to `threads` threads.
    public init(_ grid: Grid, threads: Int) {
        count = grid.count
        hex = .allocate(capacity: max(1, count * Self.length))
        let chunk = 8192
        let chunks = (count + chunk - 1) / chunk
        let out = hex
        let hashChunk = { (c: Int) in
            var canonical: [UInt8] = []
            for index in (c * chunk)..<min(grid.count, (c + 1) * chunk) {
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
    }

    deinit { hex.deallocate() }

    /// The id of configuration `index`.
    public func id(_ index: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: hex + index * Self.length, count: Self.length), as: UTF8.self)
    }

    /// The index of the configuration whose id is `id`: `hint` (the index a record names) is tried
    /// first. Nil when the grid has no such configuration.
    public func index(of id: UnsafeRawBufferPointer, hint: Int) -> Int? {
        if id.count == Self.length, hint >= 0, hint < count,
           memcmp(hex + hint * Self.length, id.baseAddress!, Self.length) == 0 {
            return hint
        }
        if byID == nil {
            var table: [String: Int] = [:]
            table.reserveCapacity(count)
            for index in 0..<count { table[self.id(index)] = index }
            byID = table
        }
        return byID![String(decoding: id, as: UTF8.self)]
    }
}
