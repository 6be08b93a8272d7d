// Word vectors from a GloVe or word2vec text file (`word v1 … vd` per line; word2vec's optional first
// line `count dim` is skipped), read as a stream in fixed-size blocks: a 2 GB file never sits in memory,
// and only the vectors of the words asked for are parsed and kept.
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The vectors of some words, read from a text file.
public struct WordVectors: Sendable {
    /// Vector size d.
    public var dimension: Int
    /// Word → row in `values`.
    public var rows: [String: Int]
    /// (rows.count, d) row-major.
    public var values: [Float]

    /// The vector of `word`, if the file had one.
    public func vector(_ word: String) -> ArraySlice<Float>? {
        rows[word].map { values[($0 * dimension)..<(($0 + 1) * dimension)] }
    }

    /// Reads the vectors of `wanted` words from `path`. A word listed twice keeps its first vector.
    /// - Throws: `DataError` naming the file: unreadable, a line whose numbers do not parse or whose
    ///   count differs from the first line's, or no vector at all.
    public static func read(_ path: String, wanted: Set<String>, blockSize: Int = 1 << 22) throws -> WordVectors {
        guard let file = fopen(path, "rb") else {
            throw DataError(.unreadable(reason: String(cString: strerror(errno))), file: path)
        }
        defer { fclose(file) }
        var result = WordVectors(dimension: 0, rows: [:], values: [])
        var lineNumber = 0
        var carry: [UInt8] = []
        var block = [UInt8](repeating: 0, count: blockSize)
        var sawAnyLine = false
        func handle(_ line: UnsafeBufferPointer<UInt8>) throws {
            lineNumber += 1
            var end = line.count
            while end > 0 && (line[end - 1] == 0x0D || line[end - 1] == 0x20) { end -= 1 }
            guard end > 0 else { return }
            sawAnyLine = true
            // The word: everything up to the first space (GloVe 840B has words with odd characters but no spaces).
            var space = 0
            while space < end && line[space] != 0x20 { space += 1 }
            let fields = UnsafeBufferPointer(rebasing: line[(space + 1 < end ? space + 1 : end)..<end])
            if result.dimension == 0 {
                let count = countFields(fields)
                if lineNumber == 1, count == 1, NumberParsing.integer(UnsafeBufferPointer(rebasing: line[0..<space])) != nil {
                    return // word2vec header: `count dim`
                }
                guard count >= 1 else {
                    throw DataError(.badToken(line: lineNumber, token: "", expected: "a word followed by its vector"), file: path)
                }
                result.dimension = count
            }
            guard let wordText = String(validating: UnsafeBufferPointer(rebasing: line[0..<space]), as: UTF8.self) else {
                throw DataError(.encoding(line: lineNumber), file: path)
            }
            guard wanted.contains(wordText), result.rows[wordText] == nil else {
                // Not parsed, but its field count is still checked cheaply: a damaged line fails the run.
                if countFields(fields) != result.dimension {
                    throw DataError(.fieldCount(line: lineNumber, found: countFields(fields) + 1, expected: result.dimension + 1), file: path)
                }
                return
            }
            let start = result.values.count
            var i = 0
            while i < fields.count {
                while i < fields.count && fields[i] == 0x20 { i += 1 }
                guard i < fields.count else { break }
                var j = i
                while j < fields.count && fields[j] != 0x20 { j += 1 }
                guard let x = NumberParsing.double(UnsafeBufferPointer(rebasing: fields[i..<j])), x.isFinite else {
                    let text = String(decoding: UnsafeBufferPointer(rebasing: fields[i..<j]), as: UTF8.self)
                    throw DataError(.badNumber(line: lineNumber, column: "vector of \(wordText)", text: text), file: path)
                }
                result.values.append(Float(x))
                i = j
            }
            guard result.values.count - start == result.dimension else {
                throw DataError(.fieldCount(line: lineNumber, found: result.values.count - start + 1, expected: result.dimension + 1), file: path)
            }
            result.rows[wordText] = result.rows.count
        }
        while true {
            let read = block.withUnsafeMutableBytes { fread($0.baseAddress!, 1, blockSize, file) }
            if read == 0 {
                if ferror(file) != 0 { throw DataError(.unreadable(reason: String(cString: strerror(errno))), file: path) }
                break
            }
            try block.withUnsafeBufferPointer { buffer in
                var start = 0
                for i in 0..<read where buffer[i] == 0x0A {
                    if carry.isEmpty {
                        try handle(UnsafeBufferPointer(rebasing: buffer[start..<i]))
                    } else {
                        carry.append(contentsOf: buffer[start..<i])
                        try carry.withUnsafeBufferPointer { try handle($0) }
                        carry.removeAll(keepingCapacity: true)
                    }
                    start = i + 1
                }
                carry.append(contentsOf: buffer[start..<read])
            }
        }
        if !carry.isEmpty { try carry.withUnsafeBufferPointer { try handle($0) } }
        guard sawAnyLine, result.dimension > 0 else { throw DataError(.empty(what: "the word-vector file"), file: path) }
        return result
    }

    /// Space-separated fields in `text`.
    private static func countFields(_ text: UnsafeBufferPointer<UInt8>) -> Int {
        var count = 0, inField = false
        for byte in text {
            if byte == 0x20 { inField = false } else if !inField { inField = true; count += 1 }
        }
        return count
    }
}
