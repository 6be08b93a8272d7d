// The layouts the convolution kernels compute in: an image split into stride phases with its zero
// padding written out, and output-sized buffers on the matching "wide" grid. With them every tap (c, u, v)
// of the kernel is one fixed offset into the image layout, and every output row is contiguous with the
// next, so a convolution is a gemm whose B rows are shifted windows of one buffer: no im2col copy.
//
// Legend: c channels, h×w input size, kh×kw kernel, s stride, p padding, oh×ow output size.
// Phase plane (a, b), a < min(s, kh), b < min(s, kw), holds xpad[y·s + a, x·s + b] for y < ph, x < pw,
// where ph = oh + (kh − 1)/s and pw = ow + (kw − 1)/s; planes are ordered (a, b, channel). Phases no tap
// reads are left out (a 1×1 stride-2 shortcut reads one of four).
// Output (i, j) of tap (c, u, v) reads plane (u mod s, v mod s), channel c, at (i + u/s, j + v/s): so on
// the wide grid of oh rows × pw columns (position i·pw + j), tap r = (c, u, v) is the window starting at
// offset(r) = plane(u mod s, v mod s, c) + (u/s)·pw + v/s. Wide columns j ≥ ow are not outputs: the
// forward pass drops them, and gradients on the wide grid are zero there. They cost (pw − ow)/ow more
// multiply-adds (17% at 28×28 k5, 50% at 12×12 k5); im2col rows avoid that but measured 1.2–2.3× slower
// on the four benchmark layers tried (10→20 and 32→64 at 12×12, 6→16 at 14×14, 1→32 at 28×28): kk·P
// copied floats per image, and a weight gradient that sweeps kh·kw times more data.

/// The sizes of one convolution and of its layouts.
struct ConvGeometry {
    let c: Int, h: Int, w: Int, kh: Int, kw: Int, stride: Int, padding: Int
    let oh: Int, ow: Int
    /// Rows and columns of a phase plane (ph, pw); pw is also the width of the wide output grid.
    let planeHeight: Int, planeWidth: Int
    /// Phases kept along rows and along columns: those some tap reads, min(s, kh) and min(s, kw).
    let rowPhases: Int, columnPhases: Int

    init(c: Int, h: Int, w: Int, kh: Int, kw: Int, stride: Int, padding: Int) {
        (self.c, self.h, self.w, self.kh, self.kw, self.stride, self.padding) = (c, h, w, kh, kw, stride, padding)
        oh = slidingWindowCount(size: h, kernel: kh, stride: stride, padding: padding)
        ow = slidingWindowCount(size: w, kernel: kw, stride: stride, padding: padding)
        precondition(c >= 1 && oh >= 1 && ow >= 1,
                     "conv2d: \(kh)×\(kw) kernel with padding \(padding) does not fit a \(c)×\(h)×\(w) input")
        planeHeight = oh + (kh - 1) / stride
        planeWidth = ow + (kw - 1) / stride
        rowPhases = min(stride, kh)
        columnPhases = min(stride, kw)
    }

    /// The depth of one output element, c·kh·kw, and the output positions of one image, oh·ow.
    var kk: Int { c * kh * kw }
    var hw: Int { oh * ow }
    var planeSize: Int { planeHeight * planeWidth }
    /// Positions of the wide grid (oh·pw), and the same rounded up to whole vectors: the row length
    /// of wide gradient buffers, whose padding is zero.
    var widePositions: Int { oh * planeWidth }
    var wideRow: Int { (widePositions + 15) / 16 * 16 }
    /// Floats of one image's layout: the planes, then zeros that tiles may read past the last window
    /// (up to 31 lanes of a partial vector pair, from a window up to (kw − 1)/s past a plane row).
    var layoutCount: Int { rowPhases * columnPhases * c * planeSize + slack }
    /// Floats of one image's wide gradient (oc rows of `wideRow`), plus the same over-read slack.
    func wideGradientCount(oc: Int) -> Int { oc * wideRow + slack }
    private var slack: Int { (kw - 1) / stride + 32 }

    /// Where tap r = (c, u, v) starts in an image layout.
    func offset(tap r: Int) -> Int {
        let ci = r / (kh * kw), u = r / kw % kh, v = r % kw
        return (((u % stride) * columnPhases + v % stride) * c + ci) * planeSize + (u / stride) * planeWidth + v / stride
    }

    /// Writes `offset(tap:)` for every tap into `offsets` (kk Ints).
    func writeOffsets(into offsets: UnsafeMutablePointer<Int>) {
        for r in 0..<kk { offsets[r] = offset(tap: r) }
    }

    /// The plane columns x whose input column x·s + b − p lies inside [0, w).
    private func validPlaneColumns(phase b: Int) -> Range<Int> {
        let first = max(0, (padding - b + stride - 1) / stride)
        let span = w - 1 + padding - b   // the last valid x has x·s ≤ span
        let last = span < 0 ? 0 : min(planeWidth, span / stride + 1)
        return first..<max(first, last)
    }

    /// Writes one image (c, h, w) into its layout (`layoutCount` floats), zeros included.
    func writeLayout(of x: UnsafePointer<Float>, into layout: UnsafeMutablePointer<Float>) {
        var dst = layout
        for a in 0..<rowPhases {
            for b in 0..<columnPhases {
                let valid = validPlaneColumns(phase: b)
                for ci in 0..<c {
                    for y in 0..<planeHeight {
                        let row = y * stride + a - padding
                        if row < 0 || row >= h || valid.isEmpty {
                            fillZero(dst, count: planeWidth)
                        } else {
                            let src = x + (ci * h + row) * w + valid.lowerBound * stride + b - padding
                            fillZero(dst, count: valid.lowerBound)
                            if stride == 1 {
                                copy(src, to: dst + valid.lowerBound, count: valid.count)
                            } else if stride == 2 {
                                copyEvenElements(src, to: dst + valid.lowerBound, count: valid.count)
                            } else {
                                for j in 0..<valid.count { dst[valid.lowerBound + j] = src[j * stride] }
                            }
                            fillZero(dst + valid.upperBound, count: planeWidth - valid.upperBound)
                        }
                        dst += planeWidth
                    }
                }
            }
        }
        fillZero(dst, count: slack)
    }

    /// The adjoint of `writeLayout`: adds each layout element that holds an input element into that
    /// element of dx (c, h, w). Padding and unused plane positions are dropped.
    func addLayout(_ layout: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>) {
        var src = layout
        for a in 0..<rowPhases {
            for b in 0..<columnPhases {
                let valid = validPlaneColumns(phase: b)
                for ci in 0..<c {
                    for y in 0..<planeHeight {
                        let row = y * stride + a - padding
                        if row >= 0 && row < h && !valid.isEmpty {
                            let dst = dx + (ci * h + row) * w + valid.lowerBound * stride + b - padding
                            if stride == 1 {
                                add(src + valid.lowerBound, into: dst, count: valid.count)
                            } else {
                                for j in 0..<valid.count { dst[j * stride] += src[valid.lowerBound + j] }
                            }
                        }
                        src += planeWidth
                    }
                }
            }
        }
    }

    /// Writes one image's output gradient (oc, oh, ow) onto the wide grid: `oc` rows of `wideRow`,
    /// zero in columns j ≥ ow and past the last position, then the zero slack.
    func writeWideGradient(of dOut: UnsafePointer<Float>, oc: Int, into wide: UnsafeMutablePointer<Float>) {
        for o in 0..<oc {
            let dst = wide + o * wideRow
            for i in 0..<oh {
                copy(dOut + (o * oh + i) * ow, to: dst + i * planeWidth, count: ow)
                fillZero(dst + i * planeWidth + ow, count: planeWidth - ow)
            }
            fillZero(dst + widePositions, count: wideRow - widePositions)
        }
        fillZero(wide + oc * wideRow, count: slack)
    }
}

/// dst[j] = src[2j] for j < count, eight at a time (the even half of 16 loaded floats) while the load
/// stays within src[0...2·(count − 1)], then one by one: the stride-2 phases of a layout, which a
/// scalar loop wrote at one float per cycle (20% of writeLayout's time in ResNet-20, perf).
private func copyEvenElements(_ src: UnsafePointer<Float>, to dst: UnsafeMutablePointer<Float>, count: Int) {
    var j = 0
    while j + 9 <= count {
        let pairs = UnsafeRawPointer(src + 2 * j).loadUnaligned(as: SIMD16<Float>.self)
        UnsafeMutableRawPointer(dst + j).storeBytes(of: pairs.evenHalf, as: SIMD8<Float>.self)
        j += 8
    }
    while j < count {
        dst[j] = src[2 * j]
        j += 1
    }
}
