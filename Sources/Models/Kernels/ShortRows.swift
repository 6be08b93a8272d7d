// Copy, clear and add rows of a few dozen floats (image rows, packing steps). For rows this short
// libc's memmove/memset calls cost more than the work (they took a third of an im2col convolution's
// time), so these are inline vector loops: 16, then 8, then 4 lanes, then single floats.

/// dst[0..<count] = src[0..<count].
@inline(__always)
func copy(_ src: UnsafePointer<Float>, to dst: UnsafeMutablePointer<Float>, count: Int) {
    var j = 0
    while j + 16 <= count {
        UnsafeMutableRawPointer(dst + j).storeBytes(of: UnsafeRawPointer(src + j).loadUnaligned(as: SIMD16<Float>.self),
                                                    as: SIMD16<Float>.self)
        j += 16
    }
    if j + 8 <= count {
        UnsafeMutableRawPointer(dst + j).storeBytes(of: UnsafeRawPointer(src + j).loadUnaligned(as: SIMD8<Float>.self),
                                                    as: SIMD8<Float>.self)
        j += 8
    }
    if j + 4 <= count {
        UnsafeMutableRawPointer(dst + j).storeBytes(of: UnsafeRawPointer(src + j).loadUnaligned(as: SIMD4<Float>.self),
                                                    as: SIMD4<Float>.self)
        j += 4
    }
    if j < count { dst[j] = src[j] }
    if j + 1 < count { dst[j + 1] = src[j + 1] }
    if j + 2 < count { dst[j + 2] = src[j + 2] }
}

/// dst[0..<count] = 0.
@inline(__always)
func fillZero(_ dst: UnsafeMutablePointer<Float>, count: Int) {
    var j = 0
    while j + 16 <= count {
        UnsafeMutableRawPointer(dst + j).storeBytes(of: SIMD16<Float>(), as: SIMD16<Float>.self)
        j += 16
    }
    if j + 8 <= count {
        UnsafeMutableRawPointer(dst + j).storeBytes(of: SIMD8<Float>(), as: SIMD8<Float>.self)
        j += 8
    }
    if j + 4 <= count {
        UnsafeMutableRawPointer(dst + j).storeBytes(of: SIMD4<Float>(), as: SIMD4<Float>.self)
        j += 4
    }
    if j < count { dst[j] = 0 }
    if j + 1 < count { dst[j + 1] = 0 }
    if j + 2 < count { dst[j + 2] = 0 }
}

/// dst[0..<count] += src[0..<count].
@inline(__always)
func add(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, count: Int) {
    var j = 0
    while j + 16 <= count {
        let d = UnsafeMutableRawPointer(dst + j)
        d.storeBytes(of: d.loadUnaligned(as: SIMD16<Float>.self) + UnsafeRawPointer(src + j).loadUnaligned(as: SIMD16<Float>.self),
                     as: SIMD16<Float>.self)
        j += 16
    }
    while j < count {
        dst[j] += src[j]
        j += 1
    }
}

/// dst[0..<count] += scale · src[0..<count] (multiply, then add).
@inline(__always)
func addScaled(_ src: UnsafePointer<Float>, by scale: Float, into dst: UnsafeMutablePointer<Float>, count: Int) {
    let s = SIMD16<Float>(repeating: scale)
    var j = 0
    while j + 16 <= count {
        let d = UnsafeMutableRawPointer(dst + j)
        d.storeBytes(of: d.loadUnaligned(as: SIMD16<Float>.self) + s * UnsafeRawPointer(src + j).loadUnaligned(as: SIMD16<Float>.self),
                     as: SIMD16<Float>.self)
        j += 16
    }
    while j < count {
        dst[j] += scale * src[j]
        j += 1
    }
}
