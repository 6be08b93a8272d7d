// Copies of gemm operands into the layout the register tile streams: A in slivers of MR = Shape.tileRows
// rows, B in slivers of NR = 2·lanes columns, each sliver depth-major and contiguous. Packing turns all
// four transpose forms into one layout and keeps a sliver's working set in L1 and L2.
//
// Shared by the Kernels* targets (a symbolic link in each), compiled once per instruction set.
// Legend: op(A) is m×k, op(B) is k×n (row-major storage with leading dimensions lda, ldb); a block of
// op(A) is rows × depth from (row0, depth0); a panel of op(B) is depth × columns from (depth0, column0).

/// Packs rows × depth of op(A) starting at (row0, depth0) into `dst`: sliver s (rows MR·s ..< MR·s + MR)
/// at dst + MR·depth·s, element (i, p) of a sliver at [p·MR + i]. Rows past the end of the last sliver
/// are left unwritten: the register tile for a short sliver reads only its rows.
func packA(transA: Bool, a: UnsafePointer<Float>, lda: Int, row0: Int, depth0: Int, rows: Int, depth: Int,
           into dst: UnsafeMutablePointer<Float>) {
    let mr = Shape.tileRows
    for sliverRow in stride(from: 0, to: rows, by: mr) {
        let sliver = dst + sliverRow * depth
        let count = min(mr, rows - sliverRow)
        if transA {
            // op(A)(i, p) = a[p·lda + i]: each depth step is `count` contiguous floats.
            var src = a + depth0 * lda + row0 + sliverRow
            for p in 0..<depth {
                copy(src, to: sliver + p * mr, count: count)
                src += lda
            }
        } else {
            // op(A)(i, p) = a[i·lda + p]: `lanes` depth steps of the sliver's rows at a time, transposed in
            // registers (MR ≤ lanes in every set); the depth left over element-wise. Element by element
            // with strided writes, this copy was 10% of the LSTM LM's step (its decoder's dOut·W).
            let src = a + (row0 + sliverRow) * lda + depth0
            let wholeDepth = depth / lanes * lanes
            for p0 in stride(from: 0, to: wholeDepth, by: lanes) {
                transposeRows(src + p0, ld: lda, rows: count, into: sliver + p0 * mr, ldd: mr)
            }
            for i in 0..<count {
                for p in wholeDepth..<depth { sliver[p * mr + i] = src[i * lda + p] }
            }
        }
    }
}

/// Packs depth × columns of op(B) starting at (depth0, column0) into `dst`: sliver s (columns
/// NR·s ..< NR·s + NR) at dst + NR·depth·s, element (p, j) of a sliver at [p·NR + j]. The last sliver is
/// padded with zeros to NR columns, since the register tile loads whole vectors.
func packB(transB: Bool, b: UnsafePointer<Float>, ldb: Int, depth0: Int, column0: Int, depth: Int, columns: Int,
           into dst: UnsafeMutablePointer<Float>) {
    let nr = 2 * lanes
    for sliverColumn in stride(from: 0, to: columns, by: nr) {
        let sliver = dst + sliverColumn * depth
        let count = min(nr, columns - sliverColumn)
        if count < nr {
            for p in 0..<depth { fillZero(sliver + p * nr + count, count: nr - count) }
        }
        if transB {
            // op(B)(p, j) = b[j·ldb + p]: lanes × lanes blocks transposed in registers, the rest element-wise.
            let src = b + (column0 + sliverColumn) * ldb + depth0
            let wholeColumns = count / lanes * lanes, wholeDepth = depth / lanes * lanes
            for j0 in stride(from: 0, to: wholeColumns, by: lanes) {
                for p0 in stride(from: 0, to: wholeDepth, by: lanes) {
                    transposeBlock(src + j0 * ldb + p0, ld: ldb, into: sliver + p0 * nr + j0, ldd: nr)
                }
            }
            for j in 0..<count {
                let row = src + j * ldb
                for p in (j < wholeColumns ? wholeDepth : 0)..<depth { sliver[p * nr + j] = row[p] }
            }
        } else {
            var src = b + depth0 * ldb + column0 + sliverColumn
            for p in 0..<depth {
                copy(src, to: sliver + p * nr, count: count)
                src += ldb
            }
        }
    }
}

/// Transposes a lanes × lanes block: row i of `src` (stride ld) becomes column i of `dst` (stride ldd),
/// about 4× faster than element-wise strided stores.
@inline(__always)
private func transposeBlock(_ src: UnsafePointer<Float>, ld: Int, into dst: UnsafeMutablePointer<Float>, ldd: Int) {
    // A literal, not `repeating:` (see `zeroAccumulators`).
    var v: InlineArray<16, Lane> = [.zero, .zero, .zero, .zero, .zero, .zero, .zero, .zero,
                                    .zero, .zero, .zero, .zero, .zero, .zero, .zero, .zero]
    for i in 0..<lanes { v[i] = UnsafeRawPointer(src + i * ld).loadUnaligned(as: Lane.self) }
    transposeInRegisters(&v)
    for i in 0..<lanes { UnsafeMutableRawPointer(dst + i * ldd).storeBytes(of: v[i], as: Lane.self) }
}

/// Swaps row and lane of v[0..<lanes]: lane j of v[i] becomes lane i of v[j]. Each round of "even lanes
/// of two rows, then odd lanes" rotates the element index (row bits, then lane bits) right by one bit;
/// log2(lanes) rotations swap row and lane. Each output is one two-source permute (vpermt2ps with AVX-512).
@inline(__always)
private func transposeInRegisters(_ v: inout InlineArray<16, Lane>) {
    for _ in 0..<lanes.trailingZeroBitCount {
        let old = v
        for i in 0..<lanes / 2 {
            v[i] = Lane(lowHalf: old[2 * i].evenHalf, highHalf: old[2 * i + 1].evenHalf)
            v[lanes / 2 + i] = Lane(lowHalf: old[2 * i].oddHalf, highHalf: old[2 * i + 1].oddHalf)
        }
    }
}

/// Transposes `rows` (≤ lanes) rows of `lanes` floats: row i of `src` (stride ld) becomes the first
/// `rows` floats of column i of `dst` (stride ldd ≥ rows). Missing rows repeat the last one, and each
/// column but the last is stored as a whole vector, its excess overwritten by the next column; the last
/// stores only ldd floats, so nothing is written past the block.
@inline(__always)
private func transposeRows(_ src: UnsafePointer<Float>, ld: Int, rows: Int, into dst: UnsafeMutablePointer<Float>,
                           ldd: Int) {
    // A literal, not `repeating:` (see `zeroAccumulators`).
    var v: InlineArray<16, Lane> = [.zero, .zero, .zero, .zero, .zero, .zero, .zero, .zero,
                                    .zero, .zero, .zero, .zero, .zero, .zero, .zero, .zero]
    for i in 0..<lanes { v[i] = UnsafeRawPointer(src + min(i, rows - 1) * ld).loadUnaligned(as: Lane.self) }
    transposeInRegisters(&v)
    for i in 0..<lanes - 1 { UnsafeMutableRawPointer(dst + i * ldd).storeBytes(of: v[i], as: Lane.self) }
    withUnsafeBytes(of: v[lanes - 1]) { last in
        copy(last.baseAddress!.assumingMemoryBound(to: Float.self), to: dst + (lanes - 1) * ldd, count: ldd)
    }
}

// Packing copies a few dozen floats at a time, where libc's memmove and memset calls cost more than the
// work: inline vector loops of 16, then 8, then 4 lanes, then single floats.

/// dst[0..<count] = src[0..<count].
@inline(__always)
private func copy(_ src: UnsafePointer<Float>, to dst: UnsafeMutablePointer<Float>, count: Int) {
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
    while j < count {
        dst[j] = src[j]
        j += 1
    }
}

/// dst[0..<count] = 0. The tail is written with `if`s, not a loop: LLVM turned a loop into a libc memset
/// call per depth step of every padded sliver.
@inline(__always)
private func fillZero(_ dst: UnsafeMutablePointer<Float>, count: Int) {
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
