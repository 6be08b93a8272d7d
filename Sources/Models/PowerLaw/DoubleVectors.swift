// Double-precision vector loops shared by the power-law solvers (eigensolver, orthogonal bases, the
// linearised and spectral regimes), eight lanes at a time. Sums keep eight lane accumulators, folded by a
// fixed tree, and the tail is added last in index order: the result depends on this code alone, never on
// how the compiler chooses to reassociate (IEEE addition may not be reordered, so a plain loop would not
// vectorise at all). Multiply then add, never `addProduct`: Models is built for baseline x86-64, where a
// fused multiply-add is a libm `fma` call per lane.

@inline(__always)
func load8(_ p: UnsafePointer<Double>) -> SIMD8<Double> { UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Double>.self) }

@inline(__always)
func store8(_ v: SIMD8<Double>, _ p: UnsafeMutablePointer<Double>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Double>.self)
}

/// Eight floats widened to doubles.
@inline(__always)
func load8(_ p: UnsafePointer<Float>) -> SIMD8<Double> {
    SIMD8<Double>(UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self))
}

/// The lanes of `v` summed as ((0+4)+(2+6))+((1+5)+(3+7)).
@inline(__always)
func laneSum(_ v: SIMD8<Double>) -> Double {
    let h4 = v.lowHalf + v.highHalf
    let h2 = h4.lowHalf + h4.highHalf
    return h2[0] + h2[1]
}

/// Σ x[i]·y[i] for i < count.
@inline(__always)
func dot(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, _ count: Int) -> Double {
    var acc = SIMD8<Double>(repeating: 0)
    var i = 0
    while i + 8 <= count {
        acc += load8(x + i) * load8(y + i)
        i += 8
    }
    var sum = laneSum(acc)
    while i < count {
        sum += x[i] * y[i]
        i += 1
    }
    return sum
}

/// y[i] += a·x[i] for i < count.
@inline(__always)
func axpy(_ a: Double, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ count: Int) {
    let va = SIMD8<Double>(repeating: a)
    var i = 0
    while i + 8 <= count {
        var v = load8(y + i)
        v += va * load8(x + i)
        store8(v, y + i)
        i += 8
    }
    while i < count {
        y[i] += a * x[i]
        i += 1
    }
}

/// y[i] += a·x[i] for i < count, with x in single precision (a row of a stored kernel).
@inline(__always)
func axpy(_ a: Double, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Double>, _ count: Int) {
    let va = SIMD8<Double>(repeating: a)
    var i = 0
    while i + 8 <= count {
        var v = load8(y + i)
        v += va * load8(x + i)
        store8(v, y + i)
        i += 8
    }
    while i < count {
        y[i] += a * Double(x[i])
        i += 1
    }
}

/// Σ x[i]² for i < count.
@inline(__always)
func sumOfSquares(_ x: UnsafePointer<Double>, _ count: Int) -> Double { dot(x, x, count) }

/// Σ x[i] for i < count.
@inline(__always)
func sum(_ x: UnsafePointer<Double>, _ count: Int) -> Double {
    var acc = SIMD8<Double>(repeating: 0)
    var i = 0
    while i + 8 <= count {
        acc += load8(x + i)
        i += 8
    }
    var total = laneSum(acc)
    while i < count {
        total += x[i]
        i += 1
    }
    return total
}

/// Σ x[i]·y[i] for i < count, with x in single precision (a row of a stored kernel), in double.
@inline(__always)
func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Double>, _ count: Int) -> Double {
    var acc = SIMD8<Double>(repeating: 0)
    var i = 0
    while i + 8 <= count {
        acc += load8(x + i) * load8(y + i)
        i += 8
    }
    var sum = laneSum(acc)
    while i < count {
        sum += Double(x[i]) * y[i]
        i += 1
    }
    return sum
}
