// 2-D convolution (cross-correlation, NCHW, stride, zero padding, optional bias): forward and backward.
// Backward adds (+=) into dWeight, dBias and dInput, or writes them for the layer that owns them.
//
// Legend: n batch, c input channels, h×w input size, oc output channels, kh×kw kernel, s stride,
// p zero padding, oh×ow output size = floor((h + 2p − kh)/s) + 1 × floor((w + 2p − kw)/s) + 1,
// kk = c·kh·kw taps r = (c, u, v); image layouts and the wide grid of P = oh·pw positions as in
// Conv2DLayout.swift.
//
// All three products run on the register tile of the gemm without im2col (whose copies cost more than
// the multiply-adds at these channel counts):
//   forward   out_wide (oc × P) = weight (oc × kk) · windows (kk × P), B row r = layout + offset(r);
//   dInput    window gradients (kk × P) = weightᵀ (kk × oc) · dOut_wide (oc × P); each row r is added
//             into the layout gradient at offset(r), which is then added back into dInput; for a
//             stride-1 "same" convolution instead the forward product of dOut with the flipped weight;
//   dWeight   dWeight[o, r] += Σ_images Σ_P dOut_wide[o, P] · layout[offset(r) + P]: dot products along
//             the positions, a few rows × taps at a time (the kernel set's weight-gradient tile).
// The register tiles and their sizes come from the kernel set (`Kernels.current`, read once per call).
//
// Scratch: each thread's `Scratch`, so steady-state calls allocate nothing. Threads: forward and dInput
// split the batch (images are independent); dWeight splits its (o, r) tiles, each summing over every
// image in order. No split divides a sum, so results are bit-identical for every thread count. Work is
// cut into 4 chunks per thread: copies are per image, so smaller chunks cost nothing.
import KernelInterface

/// `out[n,o,i,j] = bias[o] + Σ_{c,u,v} weight[o,c,u,v] · xpad[n,c,i·s+u,j·s+v]`.
/// input is (n, c, h, w), weight is (oc, c, kh, kw), bias is (oc) or nil; writes out (n, oc, oh, ow).
/// `threads` (default `Compute.threads`) bounds the threads used; results do not depend on it.
/// With `savedLayouts`, (n, `conv2dLayoutCount`) floats, each image's layout is left there for
/// `conv2dBackward`, which then need not write it again (a third of the layout copies of a training step).
public func conv2dForward(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
                          weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                          n: Int, c: Int, h: Int, w: Int, oc: Int, kh: Int, kw: Int,
                          stride: Int, padding: Int, threads: Int = Compute.threads,
                          savedLayouts: UnsafeMutablePointer<Float>? = nil) {
    convolve(out: out, input: input, weight: weight, bias: bias, n: n, c: c, h: h, w: w, oc: oc, kh: kh, kw: kw,
             stride: stride, padding: padding, threads: threads, accumulate: false, savedLayouts: savedLayouts)
}

/// Floats per image of the layouts `conv2dForward` saves for a convolution of these sizes.
public func conv2dLayoutCount(c: Int, h: Int, w: Int, kh: Int, kw: Int, stride: Int, padding: Int) -> Int {
    ConvGeometry(c: c, h: h, w: w, kh: kh, kw: kw, stride: stride, padding: padding).layoutCount
}

/// `conv2dForward`, or with `accumulate` (and no bias) `out +=` the convolution.
private func convolve(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
                      weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                      n: Int, c: Int, h: Int, w: Int, oc: Int, kh: Int, kw: Int,
                      stride: Int, padding: Int, threads: Int, accumulate: Bool,
                      savedLayouts: UnsafeMutablePointer<Float>? = nil) {
    let g = ConvGeometry(c: c, h: h, w: w, kh: kh, kw: kw, stride: stride, padding: padding)
    let kernels = Kernels.current
    let mr = kernels.tileRows, nr = kernels.tileColumns
    let offsets = Scratch.current.ints(.convOffsets, count: g.kk)
    g.writeOffsets(into: offsets)
    let chunks = Compute.chunkCount(work: n * oc * g.hw * g.kk, items: n, threads: threads, perThread: 4)
    Compute.forEachChunk(chunks, threads: threads) { chunk in
        let scratch = Scratch.current
        let imageLayout = savedLayouts == nil ? scratch.floats(.convLayout, count: g.layoutCount) : nil
        let wide = scratch.floats(.convWide, count: oc * g.widePositions)
        let positions = g.widePositions
        for b in (n * chunk / chunks)..<(n * (chunk + 1) / chunks) {
            let layout = imageLayout ?? savedLayouts! + b * g.layoutCount
            g.writeLayout(of: input + b * c * h * w, into: layout)
            for j0 in Swift.stride(from: 0, to: positions, by: nr) {
                for o0 in Swift.stride(from: 0, to: oc, by: mr) {
                    kernels.tile(min(mr, oc - o0),
                             TileOperands(depth: g.kk, a: weight + o0 * g.kk, aRowStride: g.kk, aDepthStride: 1,
                                          b: layout + j0, bDepthStride: 0, bOffsets: offsets,
                                          c: wide + o0 * positions + j0, ldc: positions,
                                          columns: min(nr, positions - j0), alpha: 1, beta: 0))
                }
            }
            // Keep the first ow columns of each wide row, adding the bias.
            let y = out + b * oc * g.hw
            for o in 0..<oc {
                for i in 0..<g.oh {
                    let src = wide + o * positions + i * g.planeWidth, dst = y + (o * g.oh + i) * g.ow
                    if let bias {
                        addScalar(bias[o], src, into: dst, count: g.ow)
                    } else if accumulate {
                        add(src, into: dst, count: g.ow)
                    } else {
                        copy(src, to: dst, count: g.ow)
                    }
                }
            }
        }
    }
}

/// The gradients of `conv2dForward`, added (+=) into dWeight (oc, c, kh, kw), dBias (oc) and dInput
/// (n, c, h, w). dOut is (n, oc, oh, ow). Pass nil for dBias without a bias, and for dInput in the first
/// layer (its input gradient is not needed). With `parameterGradients: .overwrite`, dWeight and dBias are
/// cleared first: the one layer that owns them writes them. With `inputGradient: .overwrite`, dInput is
/// written, with the bits of adding into zeros. `savedLayouts` are the layouts the forward saved of this
/// input (nil: written here). `threads` as in `conv2dForward`.
public func conv2dBackward(dInput: UnsafeMutablePointer<Float>?, dWeight: UnsafeMutablePointer<Float>,
                           dBias: UnsafeMutablePointer<Float>?, dOut: UnsafePointer<Float>,
                           input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                           n: Int, c: Int, h: Int, w: Int, oc: Int, kh: Int, kw: Int,
                           stride: Int, padding: Int, threads: Int = Compute.threads,
                           parameterGradients: GradientUpdate = .accumulate, inputGradient: GradientUpdate = .accumulate,
                           savedLayouts: UnsafePointer<Float>? = nil) {
    let g = ConvGeometry(c: c, h: h, w: w, kh: kh, kw: kw, stride: stride, padding: padding)
    if parameterGradients == .overwrite {
        dWeight.update(repeating: 0, count: oc * g.kk)
        dBias?.update(repeating: 0, count: oc)
    }
    let kernels = Kernels.current
    let mr = kernels.tileRows, nr = kernels.tileColumns
    let work = n * oc * g.hw * g.kk
    if let dBias {
        for b in 0..<n {
            for o in 0..<oc { dBias[o] += sum(dOut + (b * oc + o) * g.hw, count: g.hw) }
        }
    }
    // Every image's layout and wide output gradient, shared read-only by the two products below.
    let scratch = Scratch.current
    let offsets = scratch.ints(.convOffsets, count: g.kk)
    g.writeOffsets(into: offsets)
    let layoutCount = g.layoutCount, gradientCount = g.wideGradientCount(oc: oc)
    let written = savedLayouts == nil ? scratch.floats(.convLayout, count: n * layoutCount) : nil
    let layouts = savedLayouts ?? UnsafePointer(written!)
    let gradients = scratch.floats(.convGradients, count: n * gradientCount)
    let prepareChunks = Compute.chunkCount(work: work / 8, items: n, threads: threads, perThread: 4)
    Compute.forEachChunk(prepareChunks, threads: threads) { chunk in
        for b in (n * chunk / prepareChunks)..<(n * (chunk + 1) / prepareChunks) {
            if let written { g.writeLayout(of: input + b * c * h * w, into: written + b * layoutCount) }
            g.writeWideGradient(of: dOut + b * oc * g.hw, oc: oc, into: gradients + b * gradientCount)
        }
    }

    let tileRows = kernels.weightGradientRows, tileTaps = kernels.weightGradientTaps
    let rowTiles = (oc + tileRows - 1) / tileRows
    let tapTiles = (g.kk + tileTaps - 1) / tileTaps
    let weightChunks = Compute.chunkCount(work: work, items: rowTiles * tapTiles, threads: threads, perThread: 4)
    Compute.forEachChunk(weightChunks, threads: threads) { chunk in
        for tile in (rowTiles * tapTiles * chunk / weightChunks)..<(rowTiles * tapTiles * (chunk + 1) / weightChunks) {
            kernels.weightGradientTile(
                WeightGradientOperands(dWeight: dWeight, o0: tile / tapTiles * tileRows, oc: oc,
                                       r0: tile % tapTiles * tileTaps, kk: g.kk, offsets: offsets,
                                       gradients: gradients, gradientCount: gradientCount, wideRow: g.wideRow,
                                       layouts: layouts, layoutCount: layoutCount, images: n))
        }
    }

    guard let dInput else { return }
    if stride == 1 && kh == kw && 2 * padding == kh - 1 {
        // A "same" convolution's input gradient is the forward convolution of dOut with the weight
        // transposed (c ↔ oc) and flipped, padding kh − 1 − p = p:
        //     dInput[c, y, x] += Σ_{o,u,v} w[o, c, u, v] · dOut[o, y + p − u, x + p − v].
        // Its multiply-add chains run over oc·kh·kw rather than oc, and no window gradients are added back
        // (ResNet-20, perf: the window-gradient product, its adds and addLayout were 28% of a step). The
        // layouts and offsets above are no longer needed: convolve reuses their scratch slots. Its sums start
        // at +0, so they are never −0 and copying them writes what adding them into zeros would.
        let flipped = scratch.floats(.convFlippedWeight, count: oc * g.kk)
        for o in 0..<oc {
            for ci in 0..<c {
                for u in 0..<kh {
                    for v in 0..<kw {
                        let flippedTap = ((ci * oc + o) * kh + kh - 1 - u) * kw + kw - 1 - v
                        flipped[flippedTap] = weight[((o * c + ci) * kh + u) * kw + v]
                    }
                }
            }
        }
        convolve(out: dInput, input: dOut, weight: flipped, bias: nil, n: n, c: oc, h: g.oh, w: g.ow, oc: c,
                 kh: kh, kw: kw, stride: 1, padding: padding, threads: threads, accumulate: inputGradient == .accumulate)
        return
    }
    let inputChunks = Compute.chunkCount(work: work, items: n, threads: threads, perThread: 4)
    let positions = g.widePositions
    Compute.forEachChunk(inputChunks, threads: threads) { chunk in
        let scratch = Scratch.current
        let layoutGradient = scratch.floats(.convLayoutGradient, count: layoutCount)
        let windowGradients = scratch.floats(.convWide, count: g.kk * positions)
        for b in (n * chunk / inputChunks)..<(n * (chunk + 1) / inputChunks) {
            // Every tap's window gradient at once, (kk × P) = weightᵀ (kk × oc) · dOut_wide (oc × P): full
            // MR-row tiles however few channels there are.
            let gradient = gradients + b * gradientCount
            for j0 in Swift.stride(from: 0, to: positions, by: nr) {
                for r0 in Swift.stride(from: 0, to: g.kk, by: mr) {
                    kernels.tile(min(mr, g.kk - r0),
                             TileOperands(depth: oc, a: weight + r0, aRowStride: 1, aDepthStride: g.kk,
                                          b: gradient + j0, bDepthStride: g.wideRow,
                                          c: windowGradients + r0 * positions + j0, ldc: positions,
                                          columns: min(nr, positions - j0), alpha: 1, beta: 0))
                }
            }
            // Each window gradient goes back to where its window lies in the layout, taps in order.
            fillZero(layoutGradient, count: layoutCount)
            for r in 0..<g.kk { add(windowGradients + r * positions, into: layoutGradient + offsets[r], count: positions) }
            // Written: zeroed here, one image at a time while it is in cache (a 1×1 stride-2 layout leaves gaps).
            if inputGradient == .overwrite { fillZero(dInput + b * c * h * w, count: c * h * w) }
            g.addLayout(layoutGradient, into: dInput + b * c * h * w)
        }
    }
}

/// dst[0..<count] = src[0..<count] + value.
private func addScalar(_ value: Float, _ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, count: Int) {
    for j in 0..<count { dst[j] = src[j] + value }
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
