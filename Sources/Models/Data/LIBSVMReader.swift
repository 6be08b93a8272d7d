// LIBSVM / SVMlight sparse text: one sample a line, `label index:value index:value …`, indices 1-based and
// increasing, `#` starting a comment. `qid:` tokens (ranking data) are skipped. Rows are kept sparse (CSR)
// until the dataset chooses which to densify.

/// Sparse rows in compressed-row form, with one class per row.
public struct SparseRows: Sendable {
    /// Features per row (the densified width).
    public var width: Int
    /// Row `r`'s entries are `columns[rowStart[r] ..< rowStart[r + 1]]` (0-based) and the same `values`.
    public var rowStart: [Int]
    public var columns: [Int32]
    public var values: [Double]
    /// One class per row.
    public var labels: [Int32]

    /// Number of rows.
    public var count: Int { labels.count }
}

/// How a dataset's label text maps to class indices.
public struct LabelMapping: Sendable {
    /// The class of a parsed label, or nil when the label is not one of the dataset's.
    public var classOf: @Sendable (Double) -> Int32?
    /// The accepted labels in words, for errors.
    public var expected: String

    public init(expected: String, classOf: @escaping @Sendable (Double) -> Int32?) {
        self.expected = expected
        self.classOf = classOf
    }

    /// Binary ±1 labels (rcv1): −1 → 0, +1 → 1.
    public static let plusMinusOne = LabelMapping(expected: "-1 or +1") { label in
        label == 1 ? 1 : label == -1 ? 0 : nil
    }

    /// Integer labels `1…classes` → `0…classes−1` (covtype: 1…7).
    public static func oneBased(classes: Int) -> LabelMapping {
        LabelMapping(expected: "an integer from 1 to \(classes)") { label in
            label.rounded() == label && label >= 1 && label <= Double(classes) ? Int32(label) - 1 : nil
        }
    }
}

/// Reads LIBSVM files.
public enum LIBSVMReader {
    /// The rows of `path`, whose indices must lie in `1...width`.
    /// - Throws: `DataError` naming the file and line: `.badLabel`, `.badToken` (not `index:value`, an
    ///   index out of range or not increasing, a value that is not a finite number), `.empty`.
    public static func read(_ path: String, width: Int, labels mapping: LabelMapping) throws -> SparseRows {
        try parse(FileBytes.read(path), width: width, labels: mapping, file: path)
    }

    /// Parses the bytes of a LIBSVM file (already decompressed).
    public static func parse(_ text: [UInt8], width: Int, labels mapping: LabelMapping, file: String) throws -> SparseRows {
        var rows = SparseRows(width: width, rowStart: [0], columns: [], values: [], labels: [])
        try text.withUnsafeBufferPointer { bytes in
            var lines = LineCursor(bytes)
            while let line = lines.next() {
                // The comment, if any, ends the line's content.
                var end = line.range.lowerBound
                while end < line.range.upperBound && bytes[end] != UInt8(ascii: "#") { end += 1 }
                var tokens = TokenCursor(bytes: bytes, position: line.range.lowerBound, end: end)
                guard let labelToken = tokens.next() else { continue }
                let labelText = UnsafeBufferPointer(rebasing: bytes[labelToken])
                guard let label = NumberParsing.double(labelText), let classIndex = mapping.classOf(label) else {
                    throw DataError(.badLabel(line: line.number, text: tokenText(bytes, labelToken), expected: mapping.expected), file: file)
                }
                var previous = 0
                while let token = tokens.next() {
                    guard let colon = token.firstIndex(where: { bytes[$0] == UInt8(ascii: ":") }) else {
                        throw DataError(.badToken(line: line.number, token: tokenText(bytes, token), expected: "index:value"), file: file)
                    }
                    let key = UnsafeBufferPointer(rebasing: bytes[token.lowerBound..<colon])
                    if key.elementsEqual("qid".utf8) { continue }
                    let value = UnsafeBufferPointer(rebasing: bytes[(colon + 1)..<token.upperBound])
                    guard let index = NumberParsing.integer(key), index >= 1, index <= width, index > previous else {
                        let why = previous > 0 ? "index:value with an index from \(previous + 1) to \(width) (indices increase along a line)"
                            : "index:value with an index from 1 to \(width)"
                        throw DataError(.badToken(line: line.number, token: tokenText(bytes, token), expected: why), file: file)
                    }
                    guard let number = NumberParsing.double(value) else {
                        throw DataError(.badToken(line: line.number, token: tokenText(bytes, token),
                                                  expected: "index:value with a finite number as value"), file: file)
                    }
                    previous = index
                    rows.columns.append(Int32(index - 1))
                    rows.values.append(number)
                }
                rows.labels.append(classIndex)
                rows.rowStart.append(rows.columns.count)
            }
        }
        guard rows.count > 0 else { throw DataError(.empty(what: "the LIBSVM file"), file: file) }
        return rows
    }

    private static func tokenText(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }
}

/// The space- or tab-separated tokens of a range of bytes.
private struct TokenCursor {
    let bytes: UnsafeBufferPointer<UInt8>
    var position: Int
    let end: Int

    mutating func next() -> Range<Int>? {
        while position < end && NumberParsing.isSpace(bytes[position]) { position += 1 }
        guard position < end else { return nil }
        let start = position
        while position < end && !NumberParsing.isSpace(bytes[position]) { position += 1 }
        return start..<position
    }
}
