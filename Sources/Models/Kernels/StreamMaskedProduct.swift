// A linear layer's forward product whose input comes out of locked dropout (LockedDropout.swift): the
// input is (T, B, K) and stream b's row at every step is zero wherever the mask (B, K) is. Stream b's
// T rows therefore need only the depth steps it keeps (60–70 % of K at AWD's rates), and skipping the
// others drops exact zeros from each multiply-add chain: fma(0, w, acc) == acc for finite w, and an
// accumulator never holds −0 (it starts at +0, and +0 + −0 and exact cancellations give +0). With the
// kept steps taken in the same order and depth blocks as gemm's, every output has gemm's bits.
//
// Loop order: depth block (gemm's KC on its packed path, else the whole depth) → a panel of columns
// packed once (sized for L2) → stream → column sliver → row strip. The register tile reads the packed
// panel's kept rows through an offset table, and each stream's kept input columns, compressed once per
// product into a (T, kept) block; so W is packed once per step as in gemm, not once per stream.
import KernelInterface

/// `out (T·B, N) = input (T·B, K) · weightᵀ (+ bias)`, weight (N, K), given that input row t·B + b is
/// zero wherever `mask[b, :]` (B, K) is zero. Bit-identical to `linearForward` on the same operands, for
/// every thread count.
public func streamMaskedLinearForward(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, mask: UnsafePointer<Float>,
                                      weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                                      steps: Int, streams: Int, inputSize: Int, outputSize: Int,
                                      threads: Int = Compute.threads) {
    let kernels = Kernels.current
    let rows = steps * streams
    // gemm computes a narrow C as its transpose; there is nothing to gain at such widths.
    if rows == 0 || outputSize == 0 || inputSize == 0 || usesNarrowPath(m: rows, n: outputSize, kernels: kernels) {
        linearForward(out: out, input: input, weight: weight, bias: bias, n: rows, c: inputSize, oc: outputSize)
        return
    }
    let nr = kernels.tileColumns
    let packed = usesPackedPath(transA: false, m: rows, n: outputSize, k: inputSize, lda: inputSize, kernels: kernels)
    let depthBlock = packed ? kernels.depthBlock : inputSize
    // A panel of about 256 KiB stays in L2 while every stream's rows pass over it.
    let panelWidth = max(nr, (1 << 16) / min(depthBlock, inputSize) / nr * nr)
    let panels = (outputSize + panelWidth - 1) / panelWidth
    let chunks = Compute.chunkCount(work: rows * outputSize * inputSize, items: panels, threads: threads)
    let problem = MaskedProduct(out: out, kept: KeptColumns(input: input, mask: mask, steps: steps, streams: streams, features: inputSize),
                                weight: weight, outputSize: outputSize, depthBlock: depthBlock, kernels: kernels)
    Compute.forEachChunk(chunks, threads: threads) { chunk in
        let first = panels * chunk / chunks, last = panels * (chunk + 1) / chunks
        for panel in first..<last {
            problem.run(columns: panel * panelWidth..<min(outputSize, (panel + 1) * panelWidth))
        }
    }
    if let bias {
        parallelRanges(rows, grain: max(1, elementGrain / outputSize)) { range in
            for row in range { addRow(out + row * outputSize, bias, outputSize) }
        }
    }
}

/// Each stream's kept features and its T input rows compressed to them, computed once per product on the
/// calling thread (in its scratch) and read by every panel.
private struct KeptColumns {
    let steps: Int, streams: Int, features: Int
    /// Stream b's kept feature indices, increasing, at indices[b·K ..< b·K + counts[b]].
    let indices: UnsafeMutablePointer<Int>, counts: UnsafeMutablePointer<Int>
    /// Stream b's rows (T, counts[b]) at values + b·T·K.
    let values: UnsafeMutablePointer<Float>

    init(input: UnsafePointer<Float>, mask: UnsafePointer<Float>, steps: Int, streams: Int, features: Int) {
        (self.steps, self.streams, self.features) = (steps, streams, features)
        let scratch = Scratch.current
        indices = scratch.ints(.maskedDepthIndices, count: streams * features)
        counts = scratch.ints(.maskedStreamCounts, count: streams)
        values = scratch.floats(.maskedCompressedInput, count: steps * streams * features)
        for b in 0..<streams {
            let streamMask = mask + b * features, kept = indices + b * features
            var count = 0
            for j in 0..<features where streamMask[j] != 0 {
                kept[count] = j
                count += 1
            }
            counts[b] = count
            for t in 0..<steps {
                let row = input + (t * streams + b) * features, target = values + b * steps * features + t * count
                for i in 0..<count { target[i] = row[kept[i]] }
            }
        }
    }

    func kept(_ b: Int) -> UnsafeBufferPointer<Int> { UnsafeBufferPointer(start: indices + b * features, count: counts[b]) }
    func rows(_ b: Int) -> UnsafePointer<Float> { UnsafePointer(values + b * steps * features) }
}

/// The operands of one masked product, and the loops over one panel of its columns.
private struct MaskedProduct {
    var out: UnsafeMutablePointer<Float>, kept: KeptColumns
    var weight: UnsafePointer<Float>
    var outputSize: Int, depthBlock: Int
    var kernels: KernelSet

    func run(columns: Range<Int>) {
        let mr = kernels.tileRows, nr = kernels.tileColumns
        let steps = kept.steps, inputSize = kept.features
        let scratch = Scratch.current
        let blockDepth = min(depthBlock, inputSize)
        let panel = scratch.floats(.gemmB, count: blockDepth * ((columns.count + nr - 1) / nr * nr))
        let offsets = scratch.ints(.maskedDepthOffsets, count: blockDepth)
        let ldc = kept.streams * outputSize
        for pc in stride(from: 0, to: inputSize, by: depthBlock) {
            let depth = min(depthBlock, inputSize - pc)
            // As gemm: the first block writes C, later ones add to it.
            let beta: Float = pc == 0 ? 0 : 1
            kernels.packB(true, weight, inputSize, pc, columns.lowerBound, depth, columns.count, panel)
            for b in 0..<kept.streams {
                // The stream's kept features in this block: a run of its increasing list.
                let indices = kept.kept(b), stride = indices.count
                let first = indices.firstIndex { $0 >= pc } ?? stride
                var count = 0
                while first + count < stride && indices[first + count] < pc + depth {
                    // Each sliver of the panel holds depth rows of nr floats; row p starts at p·nr.
                    offsets[count] = (indices[first + count] - pc) * nr
                    count += 1
                }
                let a = kept.rows(b) + first
                for s in Swift.stride(from: 0, to: columns.count, by: nr) {
                    let sliver = UnsafePointer(panel + s * depth)
                    let c = out + b * outputSize + columns.lowerBound + s
                    for t0 in Swift.stride(from: 0, to: steps, by: mr) {
                        kernels.tile(min(mr, steps - t0),
                                     TileOperands(depth: count, a: a + t0 * stride, aRowStride: stride, aDepthStride: 1,
                                                  b: sliver, bDepthStride: nr, bOffsets: offsets, c: c + t0 * ldc, ldc: ldc,
                                                  columns: min(nr, columns.count - s), alpha: 1, beta: beta))
                    }
                }
            }
        }
    }
}

/// `dWeight (N, K) += dOutᵀ (N, T·B) · input (T·B, K)`, given that input row t·B + b is zero wherever
/// `mask[b, :]` (B, K) is zero: stream b adds only to dWeight's columns it keeps. Each stream's T rows are
/// summed first, into its kept rows of dWeightᵀ (vectors run along N, so a kept feature's sum lands as one
/// contiguous row), and the streams' sums are added in stream order, then transposed onto dWeight. That
/// order differs from `linearWeightGradientInBlocks`' (rounding only), and is the same for every thread
/// count: threads split dWeightᵀ's columns.
public func streamMaskedWeightGradient(dWeight: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>, input: UnsafePointer<Float>,
                                       mask: UnsafePointer<Float>, steps: Int, streams: Int, inputSize: Int, outputSize: Int,
                                       threads: Int = Compute.threads) {
    let kernels = Kernels.current
    let nr = kernels.tileColumns
    // The caller's scratch: worker threads write disjoint columns of it.
    let transposed = Scratch.current.floats(.maskedWeightGradient, count: inputSize * outputSize)
    // A stream's panel of sums (kept × width) stays in L2 while its rows are added.
    let panelWidth = max(nr, (1 << 16) / inputSize / nr * nr)
    let panels = (outputSize + panelWidth - 1) / panelWidth
    let chunks = Compute.chunkCount(work: steps * streams * outputSize * inputSize, items: panels, threads: threads)
    let problem = MaskedWeightGradient(transposed: transposed, dOut: dOut,
                                       kept: KeptColumns(input: input, mask: mask, steps: steps, streams: streams, features: inputSize),
                                       outputSize: outputSize, kernels: kernels)
    Compute.forEachChunk(chunks, threads: threads) { chunk in
        let first = panels * chunk / chunks, last = panels * (chunk + 1) / chunks
        for panel in first..<last {
            problem.run(columns: panel * panelWidth..<min(outputSize, (panel + 1) * panelWidth))
        }
    }
    // dWeight[n, k] += transposed[k, n], in 16 × 16 blocks so both sides stay in a few cache lines.
    parallelRanges((outputSize + 15) / 16, grain: max(1, elementGrain / (16 * inputSize))) { blocks in
        for n0 in stride(from: blocks.lowerBound * 16, to: min(outputSize, blocks.upperBound * 16), by: 16) {
            for k0 in stride(from: 0, to: inputSize, by: 16) {
                for n in n0..<min(outputSize, n0 + 16) {
                    let row = dWeight + n * inputSize
                    for k in k0..<min(inputSize, k0 + 16) { row[k] += transposed[k * outputSize + n] }
                }
            }
        }
    }
}

/// The operands of one masked weight gradient, and its loops over one panel of dWeightᵀ's columns.
private struct MaskedWeightGradient {
    var transposed: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>, kept: KeptColumns
    var outputSize: Int
    var kernels: KernelSet

    func run(columns: Range<Int>) {
        let mr = kernels.tileRows, nr = kernels.tileColumns
        let steps = kept.steps, streams = kept.streams, inputSize = kept.features
        let scratch = Scratch.current
        let width = columns.count
        let sums = scratch.floats(.gemmB, count: inputSize * width)
        // The last sliver's dOut rows, padded to a whole tile width (the tile reads nr floats per step).
        let edge = scratch.floats(.packedOperand, count: steps * nr)
        for k in 0..<inputSize { (transposed + k * outputSize + columns.lowerBound).update(repeating: 0, count: width) }
        for b in 0..<streams {
            let indices = kept.kept(b), count = indices.count, a = kept.rows(b)
            if count == 0 { continue }
            // sums (kept, width) = rowsᵀ (kept, T) · dOut_b (T, width): depth is the T steps.
            for s in stride(from: 0, to: width, by: nr) {
                let sliverWidth = min(nr, width - s)
                var b0 = dOut + b * outputSize + columns.lowerBound + s, bStride = streams * outputSize
                if sliverWidth < nr {
                    for t in 0..<steps {
                        (edge + t * nr).update(from: b0 + t * bStride, count: sliverWidth)
                        (edge + t * nr + sliverWidth).update(repeating: 0, count: nr - sliverWidth)
                    }
                    (b0, bStride) = (UnsafePointer(edge), nr)
                }
                for i0 in stride(from: 0, to: count, by: mr) {
                    kernels.tile(min(mr, count - i0),
                                 TileOperands(depth: steps, a: a + i0, aRowStride: 1, aDepthStride: count,
                                              b: b0, bDepthStride: bStride, c: sums + i0 * width + s, ldc: width,
                                              columns: sliverWidth, alpha: 1, beta: 0))
                }
            }
            for i in 0..<count { addRow(transposed + indices[i] * outputSize + columns.lowerBound, sums + i * width, width) }
        }
    }
}
