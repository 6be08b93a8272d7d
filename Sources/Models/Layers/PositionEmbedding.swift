// The input of a transformer: token embedding plus learned position embedding (plus RoBERTa's one
// token-type row), forward and backward. Sizes: n = positions (B·T rows), dim = width.

/// `out[i] = word[tokens[i]] + position[positions[i]] (+ typeRow)`. tokens, positions are (n); word is
/// (vocabulary, dim), position is (max positions, dim), typeRow (dim) or nil; out is (n, dim).
public func tokenPositionEmbeddingForward(out: UnsafeMutablePointer<Float>, tokens: UnsafePointer<Int32>,
                                          positions: UnsafePointer<Int32>, word: UnsafePointer<Float>,
                                          position: UnsafePointer<Float>, typeRow: UnsafePointer<Float>?, n: Int, dim: Int) {
    for i in 0..<n {
        let y = out + i * dim, w = word + Int(tokens[i]) * dim, p = position + Int(positions[i]) * dim
        if let typeRow {
            for j in 0..<dim { y[j] = w[j] + p[j] + typeRow[j] }
        } else {
            for j in 0..<dim { y[j] = w[j] + p[j] }
        }
    }
}

/// `dWord[tokens[i]] += dOut[i]`, `dPosition[positions[i]] += dOut[i]`, `dTypeRow += dOut[i]`, in
/// position order. With `paddingIndex`, a token (or position) equal to it adds nothing to its row:
/// PyTorch's `padding_idx`, which drops the lookup gradient of that row (not the true derivative).
public func tokenPositionEmbeddingBackward(dWord: UnsafeMutablePointer<Float>, dPosition: UnsafeMutablePointer<Float>,
                                           dTypeRow: UnsafeMutablePointer<Float>?, dOut: UnsafePointer<Float>,
                                           tokens: UnsafePointer<Int32>, positions: UnsafePointer<Int32>,
                                           paddingIndex: Int32?, n: Int, dim: Int) {
    for i in 0..<n {
        let g = dOut + i * dim
        if tokens[i] != paddingIndex { addRow(dWord + Int(tokens[i]) * dim, g, dim) }
        if positions[i] != paddingIndex { addRow(dPosition + Int(positions[i]) * dim, g, dim) }
        if let dTypeRow { addRow(dTypeRow, g, dim) }
    }
}

/// RoBERTa's position ids for one sequence of `count` tokens: real tokens count up from
/// `paddingIndex + 1` (pads not counted), pads get `paddingIndex` (transformers'
/// `create_position_ids_from_input_ids`: `cumsum(ids != pad) · (ids != pad) + pad`).
public func robertaPositions(out: UnsafeMutablePointer<Int32>, tokens: UnsafePointer<Int32>, count: Int, paddingIndex: Int32) {
    var seen: Int32 = 0
    for i in 0..<count {
        if tokens[i] == paddingIndex {
            out[i] = paddingIndex
        } else {
            seen += 1
            out[i] = seen + paddingIndex
        }
    }
}
