// A growable byte buffer written through a raw pointer, for output paths that append millions of small
// pieces: space is reserved once per record instead of being checked on every append.

/// Bytes in one heap block that grows by doubling.
final class ByteBuffer {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 1 << 16) {
        self.capacity = max(16, capacity)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// Makes room for `extra` more bytes and returns where they go; `commit` records how many were written.
    func reserve(_ extra: Int) -> UnsafeMutablePointer<UInt8> {
        if count + extra > capacity {
            var grown = capacity * 2
            while count + extra > grown { grown *= 2 }
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
            bigger.moveInitialize(from: base, count: count)
            base.deallocate()
            base = bigger
            capacity = grown
        }
        return base + count
    }

    func commit(_ written: Int) { count += written }

    func append(_ bytes: [UInt8]) {
        let out = reserve(bytes.count)
        bytes.withUnsafeBufferPointer { out.update(from: $0.baseAddress!, count: $0.count) }
        commit(bytes.count)
    }

    func removeAll() { count = 0 }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
}
