// Numeric columns of a CSV file with a header line (the UCI regression tables). Only the requested columns
// are parsed, so text columns such as `dteday` may hold anything. Fields may be double-quoted (`""` is a
// quote inside one); quoted fields do not span lines. Blank lines are skipped.

/// Reads named numeric columns from CSV files.
public enum CSVTable {
    /// The values of `columns`, row after row: `rows × columns.count` numbers.
    /// - Throws: `DataError` naming the file: `.missingColumn` (with the header), `.fieldCount` or
    ///   `.badNumber` (with the line and column), `.empty` when there is no header or no row.
    public static func read(_ path: String, columns: [String]) throws -> (rows: Int, values: [Double]) {
        try parse(FileBytes.read(path), columns: columns, file: path)
    }

    /// Parses the bytes of a CSV file (already decompressed).
    public static func parse(_ text: [UInt8], columns: [String], file: String) throws -> (rows: Int, values: [Double]) {
        try text.withUnsafeBufferPointer { bytes in
            var lines = LineCursor(bytes)
            guard let headerLine = lines.next() else { throw DataError(.empty(what: "the CSV file"), file: file) }
            var ranges: [Range<Int>] = []
            var header = headerLine.range
            // A UTF-8 byte-order mark is not part of the first column's name.
            if header.count >= 3 && bytes[header.lowerBound] == 0xEF && bytes[header.lowerBound + 1] == 0xBB
                && bytes[header.lowerBound + 2] == 0xBF { header = header.lowerBound + 3 ..< header.upperBound }
            try splitFields(bytes, header, into: &ranges, line: 1, file: file)
            let names = ranges.map { fieldText(bytes, $0) }
            let wanted = try columns.map { column -> Int in
                guard let index = names.firstIndex(of: column) else {
                    throw DataError(.missingColumn(column: column, header: names), file: file)
                }
                return index
            }
            var values: [Double] = []
            var rows = 0
            while let line = lines.next() {
                if line.range.allSatisfy({ NumberParsing.isSpace(bytes[$0]) }) { continue }
                try splitFields(bytes, line.range, into: &ranges, line: line.number, file: file)
                guard ranges.count == names.count else {
                    throw DataError(.fieldCount(line: line.number, found: ranges.count, expected: names.count), file: file)
                }
                for (k, index) in wanted.enumerated() {
                    let field = UnsafeBufferPointer(rebasing: bytes[ranges[index]])
                    guard let value = NumberParsing.double(field) else {
                        throw DataError(.badNumber(line: line.number, column: columns[k], text: fieldText(bytes, ranges[index])), file: file)
                    }
                    values.append(value)
                }
                rows += 1
            }
            guard rows > 0 else { throw DataError(.empty(what: "the CSV table (a header and no rows)"), file: file) }
            return (rows, values)
        }
    }

    /// The fields of one line as byte ranges, without surrounding spaces and quotes.
    private static func splitFields(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Range<Int>, into fields: inout [Range<Int>],
                                    line number: Int, file: String) throws {
        fields.removeAll(keepingCapacity: true)
        let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\"")
        var i = line.lowerBound
        while true {
            while i < line.upperBound && NumberParsing.isSpace(bytes[i]) { i += 1 }
            var start = i, end: Int
            if i < line.upperBound && bytes[i] == quote {
                start = i + 1
                i = start
                while true {
                    guard i < line.upperBound else {
                        throw DataError(.badToken(line: number, token: fieldText(bytes, start - 1 ..< line.upperBound),
                                                  expected: "a closing quote on the same line"), file: file)
                    }
                    if bytes[i] == quote {
                        if i + 1 < line.upperBound && bytes[i + 1] == quote { i += 2; continue }
                        break
                    }
                    i += 1
                }
                end = i
                i += 1
                while i < line.upperBound && bytes[i] != comma { i += 1 }
            } else {
                while i < line.upperBound && bytes[i] != comma { i += 1 }
                end = i
                while end > start && NumberParsing.isSpace(bytes[end - 1]) { end -= 1 }
            }
            fields.append(start..<end)
            guard i < line.upperBound else { return }
            i += 1  // past the comma
        }
    }

    /// A field as text, with `""` turned back into `"`.
    private static func fieldText(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self).replacingQuotePairs()
    }
}

private extension String {
    func replacingQuotePairs() -> String {
        guard contains("\"\"") else { return self }
        var result = ""
        var previousWasQuote = false
        for character in self {
            if character == "\"" && previousWasQuote { previousWasQuote = false; continue }
            previousWasQuote = character == "\""
            result.append(character)
        }
        return result
    }
}

/// The lines of a text buffer with their 1-based numbers; `\n`, `\r\n` and `\r` end a line.
struct LineCursor {
    let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    private var number = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func next() -> (range: Range<Int>, number: Int)? {
        guard position < bytes.count else { return nil }
        let start = position
        var end = start
        while end < bytes.count && bytes[end] != 0x0A && bytes[end] != 0x0D { end += 1 }
        position = end
        if position < bytes.count {
            position += (bytes[position] == 0x0D && position + 1 < bytes.count && bytes[position + 1] == 0x0A) ? 2 : 1
        }
        number += 1
        return (start..<end, number)
    }
}
