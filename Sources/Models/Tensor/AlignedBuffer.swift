// Owned, aligned, zero-filled memory for numeric arrays that live as long as a network: parameters,
// gradients, activations, caches. Allocated once; kernels take its pointer once per call.

/// `count` elements of `Element`, 64-byte aligned (one AVX-512 register, one cache line), zero-filled.
///
/// A class, so networks can hand the same memory to kernels, optimizers and checkpoints without
/// copies; unlike `[Float]`, taking its pointer costs nothing and never triggers copy-on-write.
public final class AlignedBuffer<Element: Numeric> {
    /// The first element.
    public let pointer: UnsafeMutablePointer<Element>
    /// Number of elements.
    public let count: Int

    /// Zero-filled memory for `count` elements (`count` may be 0).
    public init(count: Int) {
        precondition(count >= 0, "AlignedBuffer: negative count \(count)")
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Element>.stride,
                                                   alignment: 64)
        pointer = raw.bindMemory(to: Element.self, capacity: max(count, 1))
        pointer.initialize(repeating: .zero, count: max(count, 1))
    }

    /// A copy of `values`.
    public convenience init(_ values: [Element]) {
        self.init(count: values.count)
        values.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { pointer.update(from: base, count: values.count) }
        }
    }

    deinit { pointer.deallocate() }

    /// Sets every element to zero (in parallel blocks when large: a gradient block is megabytes).
    public func zero() { zeroElements(pointer, count) }

    /// The elements in `range` as an array.
    public func array(_ range: Range<Int>? = nil) -> [Element] {
        let range = range ?? 0..<count
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "AlignedBuffer: range \(range) outside 0..<\(count)")
        return Array(UnsafeBufferPointer(start: pointer + range.lowerBound, count: range.count))
    }

    /// Copies `values` to the elements starting at `offset`.
    public func copy(from values: [Element], at offset: Int = 0) {
        precondition(offset >= 0 && offset + values.count <= count,
                     "AlignedBuffer: \(values.count) values at \(offset) overrun \(count)")
        values.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { (pointer + offset).update(from: base, count: values.count) }
        }
    }
}

/// Zeroes `count` elements from `start`, spread over `Compute.threads` in blocks of 256 Ki elements.
func zeroElements<Element: Numeric>(_ start: UnsafeMutablePointer<Element>, _ count: Int) {
    parallelRanges(count, grain: 1 << 18) { range in
        (start + range.lowerBound).update(repeating: .zero, count: range.count)
    }
}
