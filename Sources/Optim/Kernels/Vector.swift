// The SIMD vocabulary every optimizer kernel uses: 16-lane Float vectors loaded from and stored to flat
// buffers, with a partial form for the last few elements of a tensor, and the optimizers' own storage.
//
// Every kernel loops the same way (the body is a local `@inline(__always)` function: a closure passed to a
// generic loop helper is not inlined, which costs a call per vector):
//
//     var i = 0
//     while i + Vector.scalarCount <= count { update(i, Vector.scalarCount); i += Vector.scalarCount }
//     if i < count { update(i, count - i) }
//
// In the main loop `lanes` is the constant 16, so loads and stores are single unaligned zmm moves; the
// tail fills the unused lanes with zeros and stores back only the used ones. Lanes are independent, so
// the tail computes exactly what a scalar loop would. Accumulators are passed to the body `inout`, never
// captured: a captured `var` is boxed on the heap, an allocation per call.

/// The vector the kernels work in: 16 floats, one AVX-512 register.
typealias Vector = SIMD16<Float>

extension SIMD16 where Scalar == Float {
    /// Elements `i ..< i + lanes` of `p` (lanes ≤ 16); the other lanes are zero.
    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, _ i: Int, _ lanes: Int) -> Self {
        lanes == scalarCount ? UnsafeRawPointer(p + i).loadUnaligned(as: Self.self) : loadPartial(p + i, lanes)
    }

    /// Writes the first `lanes` lanes to elements `i ..< i + lanes` of `p`.
    @inline(__always)
    func store(_ p: UnsafeMutablePointer<Float>, _ i: Int, _ lanes: Int) {
        if lanes == scalarCount {
            UnsafeMutableRawPointer(p + i).storeBytes(of: self, as: Self.self)
        } else {
            storePartial(p + i, lanes)
        }
    }

    // The partial forms run once per tensor; kept out of line so that the inlined loop bodies stay small
    // enough for the optimizer to inline everything else into them.
    @inline(never)
    static func loadPartial(_ p: UnsafePointer<Float>, _ lanes: Int) -> Self {
        var v = Self()
        for l in 0..<lanes { v[l] = p[l] }
        return v
    }

    @inline(never)
    func storePartial(_ p: UnsafeMutablePointer<Float>, _ lanes: Int) {
        for l in 0..<lanes { p[l] = self[l] }
    }
}

/// Σ x² over `count` floats: squares rounded to float32 (as `torch.square`), summed in double, 8 lanes
/// in a fixed order (deterministic, and close to exact for any length).
func sumOfSquares(_ x: UnsafePointer<Float>, count: Int) -> Double {
    var total = SIMD8<Double>()
    // The accumulator is passed in, not captured: a captured var would be boxed on the heap.
    @inline(__always) func accumulate(_ i: Int, _ lanes: Int, _ total: inout SIMD8<Double>) {
        let v = Vector.load(x, i, lanes)
        let square = v * v
        total += SIMD8<Double>(square.lowHalf) + SIMD8<Double>(square.highHalf)
    }
    var i = 0
    while i + Vector.scalarCount <= count { accumulate(i, Vector.scalarCount, &total); i += Vector.scalarCount }
    if i < count { accumulate(i, count - i, &total) }
    return total.sum()
}

/// ‖x‖₂ of one tensor as float32: the sum of squares rounded to float32, then a float32 square root
/// (`torch.sqrt(torch.sum(torch.square(g)))` returns a float32 tensor).
func l2Norm(_ x: UnsafePointer<Float>, count: Int) -> Float {
    Float(sumOfSquares(x, count: count)).squareRoot()
}

/// A zero-filled float array owned by an optimizer: one 64-byte-aligned allocation, never resized, so
/// steps never allocate once it exists.
final class FloatStorage {
    let count: Int
    let pointer: UnsafeMutablePointer<Float>

    init(count: Int) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    /// A copy of `values`.
    convenience init(_ values: [Float]) {
        self.init(count: values.count)
        for (i, value) in values.enumerated() { pointer[i] = value }
    }

    deinit { pointer.deallocate() }
}
