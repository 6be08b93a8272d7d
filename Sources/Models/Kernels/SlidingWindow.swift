// Output sizes of sliding-window operations (convolution, pooling), shared by kernels and layers.

/// The number of window positions along one axis: `floor((size + 2·padding − kernel) / stride) + 1`,
/// or 0 when the padded input is shorter than the window. Pooling uses `padding: 0`.
public func slidingWindowCount(size: Int, kernel: Int, stride: Int, padding: Int = 0) -> Int {
    precondition(size >= 1 && kernel >= 1 && stride >= 1 && padding >= 0,
                 "slidingWindowCount(size: \(size), kernel: \(kernel), stride: \(stride), padding: \(padding))")
    let span = size + 2 * padding - kernel
    return span < 0 ? 0 : span / stride + 1
}
