// Copies of gemm operands into the layout the micro-kernel streams: A in slivers of MR = 12 rows,
// B in slivers of NR = 32 columns, each sliver depth-major and contiguous. Packing turns all four
// transpose forms into one layout and keeps a sliver's working set in L1 and L2.
//
// Legend: op(A) is m×k, op(B) is k×n (row-major storage with leading dimensions lda, ldb);
// a block of op(A) is rows × depth from (row0, depth0); a panel of op(B) is depth × columns from
// (depth0, column0).

/// Packs rows × depth of op(A) starting at (row0, depth0) into `dst`: sliver s (rows 12s..<12s+12) at
/// dst + 12·depth·s, element (i, p) of a sliver at [p·12 + i]. Rows past the end of the last sliver are
/// left unwritten: the micro-kernel for a short sliver reads only its rows.
func packA(transA: Bool, a: UnsafePointer<Float>, lda: Int, row0: Int, depth0: Int, rows: Int, depth: Int,
           into dst: UnsafeMutablePointer<Float>) {
    let mr = GemmTile.rows
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
            // op(A)(i, p) = a[i·lda + p]: read each row once, contiguously; write with stride 12.
            for i in 0..<count {
                let src = a + (row0 + sliverRow + i) * lda + depth0
                for p in 0..<depth { sliver[p * mr + i] = src[p] }
            }
        }
    }
}

/// Packs depth × columns of op(B) starting at (depth0, column0) into `dst`: sliver s (columns
/// 32s..<32s+32) at dst + 32·depth·s, element (p, j) of a sliver at [p·32 + j]. The last sliver is
/// padded with zeros to 32 columns, since the micro-kernel loads whole vectors.
func packB(transB: Bool, b: UnsafePointer<Float>, ldb: Int, depth0: Int, column0: Int, depth: Int, columns: Int,
           into dst: UnsafeMutablePointer<Float>) {
    let nr = GemmTile.columns
    for sliverColumn in stride(from: 0, to: columns, by: nr) {
        let sliver = dst + sliverColumn * depth
        let count = min(nr, columns - sliverColumn)
        if count < nr {
            for p in 0..<depth { fillZero(sliver + p * nr + count, count: nr - count) }
        }
        if transB {
            // op(B)(p, j) = b[j·ldb + p]: 16 × 16 blocks transposed in registers, the rest element-wise.
            let src = b + (column0 + sliverColumn) * ldb + depth0
            let wholeColumns = count / 16 * 16, wholeDepth = depth / 16 * 16
            for j0 in stride(from: 0, to: wholeColumns, by: 16) {
                for p0 in stride(from: 0, to: wholeDepth, by: 16) {
                    transpose16x16(src + j0 * ldb + p0, ld: ldb, into: sliver + p0 * nr + j0, ldd: nr)
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

/// Transposes a 16 × 16 block: row i of `src` (stride ld) becomes column i of `dst` (stride ldd).
/// Four rounds of "even lanes of two rows, then odd lanes" rotate the 8-bit element index right by
/// one bit each; four rotations swap its row and column nibbles. Each output is one two-source
/// permute (vpermt2ps): 64 in all, about 4× faster than element-wise strided stores.
@inline(__always)
private func transpose16x16(_ src: UnsafePointer<Float>, ld: Int, into dst: UnsafeMutablePointer<Float>, ldd: Int) {
    var v = InlineArray<16, SIMD16<Float>>(repeating: .zero)
    for i in 0..<16 { v[i] = UnsafeRawPointer(src + i * ld).loadUnaligned(as: SIMD16<Float>.self) }
    for _ in 0..<4 {
        let old = v
        for i in 0..<8 {
            v[i] = SIMD16(lowHalf: old[2 * i].evenHalf, highHalf: old[2 * i + 1].evenHalf)
            v[8 + i] = SIMD16(lowHalf: old[2 * i].oddHalf, highHalf: old[2 * i + 1].oddHalf)
        }
    }
    for i in 0..<16 { UnsafeMutableRawPointer(dst + i * ldd).storeBytes(of: v[i], as: SIMD16<Float>.self) }
}
