// Softmax cross-entropy over rows of logits (PyTorch's `CrossEntropyLoss`), and its two halves
// log-softmax and negative log-likelihood (`LogSoftmax` + `NLLLoss`, what the seeds' MNIST and PTB
// models use; the composition is the same function). Sizes: n = rows, classes = columns.
import Foundation

/// Softmax of each row of logits (n, classes) into probs (n, classes), with labels (n).
///
/// Returns the sum over rows of `logsumexp(logits_i) − logits_i[label_i]` (in Double: the caller divides
/// by n for the mean) and how many rows have their label as the first largest logit (torch's argmax).
/// The maximum is subtracted before exponentiating only for numerical range. The loss is summed over
/// fixed blocks of rows, then over blocks in order, so it is the same on any thread count.
public func softmaxCrossEntropyForward(probs: UnsafeMutablePointer<Float>, logits: UnsafePointer<Float>,
                                       labels: UnsafePointer<Int32>, n: Int, classes: Int) -> (lossSum: Double, correct: Int) {
    let kernels = Kernels.current
    return sumOverRowBlocks(n: n, classes: classes) { row in
        let z = logits + row * classes, p = probs + row * classes
        let maxValue = rowMax(z, classes)
        let sum = kernels.expShiftedRow(p, z, maxValue, classes)
        let inverse = 1 / sum
        for j in 0..<classes { p[j] *= inverse }
        return rowLoss(z, label: Int(labels[row]), maxValue: maxValue, sum: sum)
    }
}

/// Row `label`'s loss `log(sum) + max − z[label]` and whether its label is the first largest logit.
@inline(__always)
private func rowLoss(_ z: UnsafePointer<Float>, label: Int, maxValue: Float, sum: Float) -> (loss: Double, correct: Bool) {
    (log(Double(sum)) + Double(maxValue) - Double(z[label]),
     z[label] == maxValue && !(0..<label).contains(where: { z[$0] == maxValue }))
}

/// Runs `row` on every row, on the worker threads, and sums its losses over fixed blocks of rows, then
/// over the blocks in order (so the same on any thread count), with the count of correct rows.
private func sumOverRowBlocks(n: Int, classes: Int, _ row: (Int) -> (loss: Double, correct: Bool)) -> (lossSum: Double, correct: Int) {
    let rowGrain = max(1, elementGrain / classes)
    let blocks = (n + rowGrain - 1) / rowGrain
    return withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * max(blocks, 1)) { partial in
        parallelRanges(n, grain: rowGrain) { rows in
            var lossSum = 0.0, correct = 0
            for i in rows {
                let result = row(i)
                lossSum += result.loss
                if result.correct { correct += 1 }
            }
            let block = rows.lowerBound / rowGrain
            partial[2 * block] = lossSum
            partial[2 * block + 1] = Double(correct)
        }
        var lossSum = 0.0, correct = 0
        for block in 0..<blocks {
            lossSum += partial[2 * block]
            correct += Int(partial[2 * block + 1])
        }
        return (lossSum, correct)
    }
}

/// A decoder's loss, and in training its logit gradient, in one pass over each row while the row is in
/// cache. `logits` (n, classes) come without their bias: `bias` (classes) is added in place first, so they
/// end as the decoder's output, each `product + bias` as `linearForward` adds it. The returned sums are
/// `softmaxCrossEntropyForward`'s. `exps` (n, classes) receives each row's exponentials, or with a
/// `gradientScale` the gradient `scale · (probs − onehot(labels))`, bitwise what
/// `softmaxCrossEntropyGradient` writes (each probability is still `exp · (1 / sum)` before the scale).
/// Apart, the bias add, the forward and the gradient took five passes over (n, classes) floats that do
/// not stay in L2 (a vocabulary of rows); here each row is read once and written twice.
public func biasedSoftmaxCrossEntropy(logits: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>,
                                      labels: UnsafePointer<Int32>, n: Int, classes: Int,
                                      exps: UnsafeMutablePointer<Float>, gradientScale: Float?) -> (lossSum: Double, correct: Int) {
    let kernels = Kernels.current
    return sumOverRowBlocks(n: n, classes: classes) { row in
        let z = logits + row * classes, e = exps + row * classes
        let label = Int(labels[row])
        addRow(z, bias, classes)
        let maxValue = rowMax(z, classes)
        let sum = kernels.expShiftedRow(e, z, maxValue, classes)
        if let scale = gradientScale {
            let inverse = 1 / sum
            for j in 0..<classes { e[j] = scale * (e[j] * inverse) }
            e[label] -= scale
        }
        return rowLoss(z, label: label, maxValue: maxValue, sum: sum)
    }
}

/// `dLogits += scale · (probs − onehot(labels))`: the gradient of `scale · Σ loss_i` (scale = 1/n for
/// the mean). probs, dLogits are (n, classes), labels (n).
public func softmaxCrossEntropyBackward(dLogits: UnsafeMutablePointer<Float>, probs: UnsafePointer<Float>,
                                        labels: UnsafePointer<Int32>, n: Int, classes: Int, scale: Float) {
    parallelRanges(n, grain: max(1, elementGrain / classes)) { rows in
        for row in rows {
            let d = dLogits + row * classes, p = probs + row * classes
            for j in 0..<classes { d[j] += scale * p[j] }
            d[Int(labels[row])] -= scale
        }
    }
}

/// The whole gradient of a decoder's mean cross-entropy in one pass over the rows: writes (not adds)
/// `dLogits = scale · (probs − onehot(labels))` and adds its column sums to `dBias` (oc), each column in
/// row order, so the bias gradient is bitwise what `linearBackward` would add and neither a zeroed
/// dLogits nor a second pass over it is needed. probs, dLogits are (n, classes), labels (n).
public func softmaxCrossEntropyGradient(dLogits: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>,
                                        probs: UnsafePointer<Float>, labels: UnsafePointer<Int32>, n: Int, classes: Int,
                                        scale: Float) {
    // Threads split the columns, as linearBackward's bias sum does.
    parallelRanges(classes, grain: columnSumGrain(rows: n, columns: classes)) { columns in
        let first = columns.lowerBound, count = columns.count
        for row in 0..<n {
            let d = dLogits + row * classes + first, p = probs + row * classes + first
            for j in 0..<count { d[j] = scale * p[j] }
            let label = Int(labels[row])
            if columns.contains(label) { dLogits[row * classes + label] -= scale }
            addRow(dBias + first, d, count)
        }
    }
}

/// `out_i = logits_i − logsumexp(logits_i)` for each row; input and out are (n, classes).
public func logSoftmaxForward(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, n: Int, classes: Int) {
    let kernels = Kernels.current
    for row in 0..<n {
        let z = input + row * classes, y = out + row * classes
        let maxValue = rowMax(z, classes)
        let sum = kernels.expShiftedRow(y, z, maxValue, classes)
        let logSum = Float(log(Double(sum))) + maxValue
        for j in 0..<classes { y[j] = z[j] - logSum }
    }
}

/// `dInput += dOut − softmax · Σ_j dOut_j` per row, with softmax = exp(out) recomputed from the
/// forward's output.
public func logSoftmaxBackward(dInput: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                               out: UnsafePointer<Float>, n: Int, classes: Int) {
    for row in 0..<n {
        let d = dInput + row * classes, g = dOut + row * classes, y = out + row * classes
        var total: Float = 0
        for j in 0..<classes { total += g[j] }
        for j in 0..<classes { d[j] += g[j] - Float(exp(Double(y[j]))) * total }
    }
}

/// Negative log-likelihood: returns `−Σ_i logProbs_i[label_i]` (the caller divides by n for the mean).
public func nllForward(logProbs: UnsafePointer<Float>, labels: UnsafePointer<Int32>, n: Int, classes: Int) -> Double {
    var sum = 0.0
    for row in 0..<n { sum -= Double(logProbs[row * classes + Int(labels[row])]) }
    return sum
}

/// `dLogProbs[i, label_i] −= scale`: the gradient of `scale · Σ_i nll_i`.
public func nllBackward(dLogProbs: UnsafeMutablePointer<Float>, labels: UnsafePointer<Int32>, n: Int, classes: Int,
                        scale: Float) {
    for row in 0..<n { dLogProbs[row * classes + Int(labels[row])] -= scale }
}

// MARK: - Row helpers

/// The largest of `count` floats (vector maxima over 16 lanes, then across lanes). A compare and a
/// select, not `pointwiseMax`: that generic went lane by lane through memory, 30% of the language
/// model's step.
@inline(__always)
func rowMax(_ z: UnsafePointer<Float>, _ count: Int) -> Float {
    var lanes = SIMD16<Float>(repeating: -.infinity)
    var j = 0
    while j + 16 <= count {
        let v = UnsafeRawPointer(z + j).loadUnaligned(as: SIMD16<Float>.self)
        lanes.replace(with: v, where: v .> lanes)
        j += 16
    }
    var result = lanes.max()
    while j < count { result = max(result, z[j]); j += 1 }
    return result
}
