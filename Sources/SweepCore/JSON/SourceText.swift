// A text file's bytes and the translation of byte offsets into the line:column positions users see.

/// A 1-based line and column (columns count Unicode scalars, as editors do).
public struct SourcePosition: Equatable, Comparable, Sendable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
    public static func < (a: SourcePosition, b: SourcePosition) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }
    public var description: String { "\(line):\(column)" }
}

/// The bytes of a source file with its name, for positions in error messages.
public struct SourceText: Sendable {
    /// The path as the user gave it (errors print it back the same way).
    public var path: String
    public var bytes: [UInt8]
    /// Byte offset where each line starts.
    private let lineStarts: [Int]

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
        var starts = [0]
        for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") { starts.append(offset + 1) }
        lineStarts = starts
    }

    public init(path: String, text: String) { self.init(path: path, bytes: Array(text.utf8)) }

    /// The line and column of a byte offset (an offset at the end of the text is past its last character).
    public func position(of offset: Int) -> SourcePosition {
        let clamped = max(0, min(offset, bytes.count))
        // The last line start ≤ offset.
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= clamped { low = mid } else { high = mid - 1 }
        }
        var column = 1
        var index = lineStarts[low]
        while index < clamped {
            if bytes[index] & 0xC0 != 0x80 { column += 1 } // count scalars, not UTF-8 continuation bytes
            index += 1
        }
        return SourcePosition(line: low + 1, column: column)
    }
}
