// 2-D convolution (cross-correlation, NCHW, stride, zero padding, optional bias): forward and backward
// as im2col + gemm, image by image. Backward adds (+=) into dWeight, dBias and dInput, so callers zero
// gradients once per step (llm.c).
//
// Legend: n batch, c input channels, h×w input size, oc output channels, kh×kw kernel, s stride,
// p zero padding, oh×ow output size = floor((h + 2p − kh)/s) + 1 × floor((w + 2p − kw)/s) + 1,
// kk = c·kh·kw (the depth of one output element), hw = oh·ow (output positions per image).
// im2col "columns" of one image are kk × hw: row r = (ci, u, v), column (i, j) holds
// xpad[ci, i·s+u, j·s+v]. Then out_b (oc × hw) = weight (oc × kk) · columns (kk × hw).
//
// Scratch: each thread's `Scratch` (columns and their gradient), so steady-state calls allocate
// nothing. Threads: forward and dInput split the batch (images are independent); dWeight splits its
// kk columns, each thread running every image in order, so sums over images keep one order and
// results are bit-identical for every thread count.

/// `out[n,o,i,j] = bias[o] + Σ_{c,u,v} weight[o,c,u,v] · xpad[n,c,i·s+u,j·s+v]`.
/// input is (n, c, h, w), weight is (oc, c, kh, kw), bias is (oc) or nil; writes out (n, oc, oh, ow).
/// `threads` (default `Compute.threads`) bounds the threads used; results do not depend on it.
public func conv2dForward(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
                          weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                          n: Int, c: Int, h: Int, w: Int, oc: Int, kh: Int, kw: Int,
                          stride: Int, padding: Int, threads: Int = Compute.threads) {
    let g = ConvGeometry(c: c, h: h, w: w, kh: kh, kw: kw, stride: stride, padding: padding)
    let chunks = Compute.chunkCount(work: n * oc * g.hw * g.kk, items: n, threads: threads)
    Compute.forEachChunk(chunks, threads: chunks) { chunk in
        let columns = g.isPointwise ? nil : Scratch.current.floats(.convColumns, count: g.kk * g.hw)
        for b in (n * chunk / chunks)..<(n * (chunk + 1) / chunks) {
            let x = input + b * c * h * w, y = out + b * oc * g.hw
            var source = x
            if let columns {
                im2col(x, g, rows: 0..<g.kk, into: columns)
                source = UnsafePointer(columns)
            }
            gemmDirect(GemmOperands(transA: false, transB: false, k: g.kk, alpha: 1, a: weight, lda: g.kk,
                                    b: source, ldb: g.hw, beta: 0, c: y, ldc: g.hw),
                       rows: 0..<oc, columns: 0..<g.hw)
            if let bias {
                for o in 0..<oc { addScalar(bias[o], to: y + o * g.hw, count: g.hw) }
            }
        }
    }
}

/// The gradients of `conv2dForward`, added (+=) into dWeight (oc, c, kh, kw), dBias (oc) and dInput
/// (n, c, h, w). dOut is (n, oc, oh, ow). Pass nil for dBias without a bias, and for dInput in the first
/// layer (its input gradient is not needed). `threads` as in `conv2dForward`.
public func conv2dBackward(dInput: UnsafeMutablePointer<Float>?, dWeight: UnsafeMutablePointer<Float>,
                           dBias: UnsafeMutablePointer<Float>?, dOut: UnsafePointer<Float>,
                           input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                           n: Int, c: Int, h: Int, w: Int, oc: Int, kh: Int, kw: Int,
                           stride: Int, padding: Int, threads: Int = Compute.threads) {
    let g = ConvGeometry(c: c, h: h, w: w, kh: kh, kw: kw, stride: stride, padding: padding)
    let work = n * oc * g.hw * g.kk
    if let dBias {
        for b in 0..<n {
            for o in 0..<oc { dBias[o] += sum(dOut + (b * oc + o) * g.hw, count: g.hw) }
        }
    }
    // dWeight[:, r] += Σ_b dOut_b · columns_b[r, :]ᵀ over this chunk's rows r of the columns.
    let weightChunks = Compute.chunkCount(work: work, items: g.kk, threads: threads)
    Compute.forEachChunk(weightChunks, threads: weightChunks) { chunk in
        let rows = (g.kk * chunk / weightChunks)..<(g.kk * (chunk + 1) / weightChunks)
        let columns = g.isPointwise ? nil : Scratch.current.floats(.convColumns, count: rows.count * g.hw)
        for b in 0..<n {
            var source = input + b * c * h * w + rows.lowerBound * g.hw
            if let columns {
                im2col(input + b * c * h * w, g, rows: rows, into: columns)
                source = UnsafePointer(columns)
            }
            gemmDirect(GemmOperands(transA: false, transB: true, k: g.hw, alpha: 1, a: dOut + b * oc * g.hw,
                                    lda: g.hw, b: source, ldb: g.hw, beta: 1, c: dWeight + rows.lowerBound,
                                    ldc: g.kk),
                       rows: 0..<oc, columns: 0..<rows.count)
        }
    }
    // dInput_b += col2im(weightᵀ · dOut_b), image by image.
    guard let dInput else { return }
    let inputChunks = Compute.chunkCount(work: work, items: n, threads: threads)
    Compute.forEachChunk(inputChunks, threads: inputChunks) { chunk in
        let columnGradient = g.isPointwise ? nil : Scratch.current.floats(.convColumnGradient, count: g.kk * g.hw)
        for b in (n * chunk / inputChunks)..<(n * (chunk + 1) / inputChunks) {
            let dx = dInput + b * c * h * w
            // A pointwise convolution's columns are the input itself: add straight into it.
            gemmDirect(GemmOperands(transA: true, transB: false, k: oc, alpha: 1, a: weight, lda: g.kk,
                                    b: dOut + b * oc * g.hw, ldb: g.hw, beta: columnGradient == nil ? 1 : 0,
                                    c: columnGradient ?? dx, ldc: g.hw),
                       rows: 0..<g.kk, columns: 0..<g.hw)
            if let columnGradient { col2imAdding(columnGradient, g, into: dx) }
        }
    }
}

/// The sizes of one convolution, derived once per call.
struct ConvGeometry {
    let c: Int, h: Int, w: Int, kh: Int, kw: Int, stride: Int, padding: Int
    let oh: Int, ow: Int
    /// Output positions per image (oh·ow) and the depth of one output element (c·kh·kw).
    var hw: Int { oh * ow }
    var kk: Int { c * kh * kw }
    /// A 1×1 kernel, stride 1, no padding: the columns are the input image itself, no copy needed.
    var isPointwise: Bool { kh == 1 && kw == 1 && stride == 1 && padding == 0 }

    init(c: Int, h: Int, w: Int, kh: Int, kw: Int, stride: Int, padding: Int) {
        (self.c, self.h, self.w, self.kh, self.kw, self.stride, self.padding) = (c, h, w, kh, kw, stride, padding)
        oh = slidingWindowCount(size: h, kernel: kh, stride: stride, padding: padding)
        ow = slidingWindowCount(size: w, kernel: kw, stride: stride, padding: padding)
        precondition(c >= 1 && oh >= 1 && ow >= 1,
                     "conv2d: \(kh)×\(kw) kernel with padding \(padding) does not fit a \(c)×\(h)×\(w) input")
    }

    /// The output columns j whose tap v lands inside the input row: x = j·s + v − p ∈ [0, w).
    func validColumns(tap v: Int) -> Range<Int> {
        let first = max(0, (padding - v + stride - 1) / stride)
        let span = w - 1 + padding - v   // the last valid j has j·s ≤ span
        let last = span < 0 ? 0 : min(ow, span / stride + 1)
        return first..<max(first, last)
    }
}

/// Writes rows `rows` of one image's columns (kk × hw) into `columns` (rows.count × hw).
private func im2col(_ x: UnsafePointer<Float>, _ g: ConvGeometry, rows: Range<Int>, into columns: UnsafeMutablePointer<Float>) {
    var dst = columns
    for r in rows {
        let ci = r / (g.kh * g.kw), u = r / g.kw % g.kh, v = r % g.kw
        let valid = g.validColumns(tap: v)
        for i in 0..<g.oh {
            let y = i * g.stride + u - g.padding
            if y < 0 || y >= g.h || valid.isEmpty {
                dst.update(repeating: 0, count: g.ow)
            } else {
                dst.update(repeating: 0, count: valid.lowerBound)
                let src = x + (ci * g.h + y) * g.w + valid.lowerBound * g.stride + v - g.padding
                if g.stride == 1 {
                    (dst + valid.lowerBound).update(from: src, count: valid.count)
                } else {
                    for j in 0..<valid.count { dst[valid.lowerBound + j] = src[j * g.stride] }
                }
                (dst + valid.upperBound).update(repeating: 0, count: g.ow - valid.upperBound)
            }
            dst += g.ow
        }
    }
}

/// The adjoint of im2col: adds each entry of one image's column gradient (kk × hw) into the input
/// gradient element it was copied from, in row-major order of the columns.
private func col2imAdding(_ columns: UnsafePointer<Float>, _ g: ConvGeometry, into dx: UnsafeMutablePointer<Float>) {
    var src = columns
    for r in 0..<g.kk {
        let ci = r / (g.kh * g.kw), u = r / g.kw % g.kh, v = r % g.kw
        let valid = g.validColumns(tap: v)
        for i in 0..<g.oh {
            let y = i * g.stride + u - g.padding
            if y >= 0 && y < g.h {
                let dst = dx + (ci * g.h + y) * g.w + valid.lowerBound * g.stride + v - g.padding
                for j in 0..<valid.count { dst[j * g.stride] += src[valid.lowerBound + j] }
            }
            src += g.ow
        }
    }
}

/// x[0..<count] += value.
private func addScalar(_ value: Float, to x: UnsafeMutablePointer<Float>, count: Int) {
    for j in 0..<count { x[j] += value }
}

/// Σ x[0..<count] in 16 interleaved partial sums (lane l takes j ≡ l mod 16), then the lanes in order:
/// a fixed order that vectorises.
private func sum(_ x: UnsafePointer<Float>, count: Int) -> Float {
    var lanes = SIMD16<Float>()
    let whole = count / 16 * 16
    for j in stride(from: 0, to: whole, by: 16) { lanes += UnsafeRawPointer(x + j).loadUnaligned(as: SIMD16<Float>.self) }
    var total: Float = 0
    for l in 0..<16 { total += lanes[l] }
    for j in whole..<count { total += x[j] }
    return total
}
